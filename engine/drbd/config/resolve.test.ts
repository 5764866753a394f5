import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_CONFIG_FILES,
  getOption,
  implicitNodeIds,
  kernelConfigProblems,
  parseConfig,
  resolveResource,
} from "./index";
import { crc32c } from "./node-id";

const fixture = (name: string, file: string) =>
  readFileSync(join(import.meta.dirname, "fixtures", name, "etc", file), "utf8");

describe("implicit node ids (drbdadm 9, two nodes without node-id)", () => {
  it("uses drbd-utils' CRC32C table", () => {
    // standard CRC-32C check value when run with the usual pre/post inversion
    expect((crc32c(0xffffffff, "123456789") ^ 0xffffffff) >>> 0).toBe(0xe3069283);
  });
  it("reproduces the ids drbdadm printed (drbd-behavior.md 2.5)", () => {
    expect(implicitNodeIds("10.1.1.31", "10.1.1.32")).toEqual([0, 1]);
    expect(implicitNodeIds("172.16.6.211", "172.16.0.249")).toEqual([1, 0]);
    expect(implicitNodeIds("172.28.0.11", "172.28.0.12")).toEqual([0, 1]);
    expect(implicitNodeIds("10.0.0.1", "10.0.0.1")).toBeNull();
  });
  it("does not depend on section order", () => {
    const swapped = (DEFAULT_CONFIG_FILES["/etc/drbd.d/r0.res"] ?? "")
      .replace("on node1", "on TMP")
      .replace("on node2", "on node1")
      .replace("on TMP", "on node2")
      .replace("172.28.0.11", "X")
      .replace("172.28.0.12", "172.28.0.11")
      .replace("X", "172.28.0.12");
    const { config } = parseConfig({ ...DEFAULT_CONFIG_FILES, "/etc/drbd.d/r0.res": swapped });
    expect(resolveResource(config, "r0", "node1")?.me.nodeId).toBe(0);
    expect(resolveResource(config, "r0", "node2")?.me.nodeId).toBe(1);
  });
});

describe("resolveResource", () => {
  const three = parseConfig({
    "/etc/drbd.d/global_common.conf": "",
    "/etc/drbd.d/r0.res": fixture("three-nodes", "drbd.d/r0.res"),
    "/etc/drbd.d/r1.res": fixture("three-nodes", "drbd.d/r1.res"),
  });

  it("is null for an unknown resource or a host without a section", () => {
    const { config } = parseConfig(DEFAULT_CONFIG_FILES);
    expect(resolveResource(config, "r9", "node1")).toBeNull();
    expect(resolveResource(config, "r0", "node3")).toBeNull();
  });

  it("gives every peer of a connection-mesh with the mesh's net options", () => {
    expect(three.diagnostics).toEqual([]);
    const r0 = resolveResource(three.config, "r0", "node2");
    expect(r0?.peers.map((p) => [p.name, p.nodeId, p.address?.addr])).toEqual([
      ["node1", 0, "172.28.0.11"],
      ["node3", 2, "172.28.0.13"],
    ]);
    expect(r0?.volumes.map((v) => [v.vnr, v.minor, v.device, v.disk])).toEqual([
      [0, 0, "/dev/drbd0", "/dev/vg/r0-data"],
      [1, 1, "/dev/drbd1", "/dev/vg/r0-logs"],
    ]);
    expect(r0?.settings.quorum).toBe("majority");
    expect(r0?.settings.onNoQuorum).toBe("io-error");
    // volume 1's disk { resync-rate 100M } applies to that volume's peer devices only
    expect(r0?.peers[0]?.volumes.map((v) => v.peerDevice["resync-rate"])).toEqual([undefined, 100 * 1024]);
  });

  it("applies connection-level net and disk options over the resource's", () => {
    const n1 = resolveResource(three.config, "r1", "node1");
    const toNode2 = n1?.peers.find((p) => p.name === "node2");
    expect(toNode2?.address).toEqual({ af: "ipv4", addr: "172.28.1.12", port: "7791" });
    expect(toNode2?.myAddress).toEqual({ af: "ipv4", addr: "172.28.1.11", port: "7791" });
    expect(toNode2?.settings.protocol).toBe("A");
    expect(toNode2?.settings.cMaxRateKiB).toBe(50 * 1024);
    const toNode3 = n1?.peers.find((p) => p.name === "node3");
    expect(toNode3?.settings.protocol).toBe("C");
    expect(toNode3?.address?.addr).toBe("172.28.0.13");
    if (!n1) throw new Error("r1 not resolved on node1");
    expect(getOption(n1, "net", "protocol", "node2")).toBe("A");
    expect(getOption(n1, "net", "protocol", "node3")).toBe("C");
    const n3 = resolveResource(three.config, "r1", "node3");
    expect(n3?.volumes[0]).toMatchObject({ disk: "none", minor: 10, device: "/dev/drbd10" });
    const toNode2From3 = n3?.peers.find((p) => p.name === "node2");
    expect(toNode2From3?.address?.port).toBe("7793");
    expect(toNode2From3?.volumes[0]?.peerDevice["resync-rate"]).toBe(10 * 1024);
  });

  it("returns table defaults for options nobody set", () => {
    const { config } = parseConfig(DEFAULT_CONFIG_FILES);
    const r = resolveResource(config, "r0", "node1");
    if (!r) throw new Error("r0 not resolved");
    expect(getOption(r, "net", "timeout")).toBe(60);
    expect(getOption(r, "peer-device", "c-plan-ahead")).toBe(20);
    expect(getOption(r, "peer-device", "resync-rate")).toBe(250);
    expect(getOption(r, "options", "on-no-quorum")).toBe("suspend-io");
    expect(getOption(r, "options", "auto-promote")).toBe(true);
    expect(getOption(r, "disk", "on-io-error")).toBe("detach");
    expect(getOption(r, "disk", "md-flushes")).toBe(false);
    expect(getOption(r, "net", "max-buffers")).toBe(8000);
    expect(getOption(r, "handlers", "split-brain")).toBeUndefined();
    expect(getOption(r, "handlers", "local-io-error")).toBe("/usr/lib/drbd/notify-io-error.sh");
  });
});

describe("kernel-side refusals the parser lets through", () => {
  const make = (net: string) =>
    parseConfig({
      ...DEFAULT_CONFIG_FILES,
      "/etc/drbd.d/r0.res": (DEFAULT_CONFIG_FILES["/etc/drbd.d/r0.res"] ?? "").replace("protocol C;", net),
    });
  it("allow-two-primaries needs protocol C", () => {
    const { config, diagnostics } = make("protocol A;\n    net { allow-two-primaries; }");
    expect(diagnostics).toEqual([]);
    const r = resolveResource(config, "r0", "node1");
    if (!r) throw new Error("r0 not resolved");
    expect(kernelConfigProblems(r)).toEqual([
      expect.objectContaining({ peer: "node2", code: "two-primaries-protocol", message: "Protocol C required" }),
    ]);
  });
  it("is silent for a correct dual-primary setup", () => {
    const r = resolveResource(make("net { allow-two-primaries yes; }").config, "r0", "node1");
    if (!r) throw new Error("r0 not resolved");
    expect(r.peers[0]?.settings.allowTwoPrimaries).toBe(true);
    expect(kernelConfigProblems(r)).toEqual([]);
  });
  it("pull-ahead needs protocol A", () => {
    const r = resolveResource(make("net { on-congestion pull-ahead; }").config, "r0", "node1");
    if (!r) throw new Error("r0 not resolved");
    expect(kernelConfigProblems(r).map((p) => p.code)).toEqual(["congestion-protocol"]);
  });
});
