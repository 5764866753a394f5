import { describe, expect, it } from "vitest";
import {
  DEFAULT_CONFIG_FILES,
  formatDiagnostic,
  GLOBAL_COMMON_CONF,
  getOption,
  parseConfig,
  R0_RES,
  r0ResFor,
  resolveResource,
} from "./index";

/** The configurations the workshop asks learners to read or write must parse without errors. */

const R0 = "/etc/drbd.d/r0.res";
const wrap = (body: string) => `resource r0 {
${body}
    on node1 {
        device /dev/drbd0;
        disk /dev/sda1;
        address 172.28.0.11:7788;
        meta-disk internal;
    }
    on node2 {
        device /dev/drbd0;
        disk /dev/sda1;
        address 172.28.0.12:7788;
        meta-disk internal;
    }
}
`;
const parse = (res: string) => parseConfig({ ...DEFAULT_CONFIG_FILES, [R0]: res });
const errors = (r: ReturnType<typeof parse>) => r.diagnostics.map(formatDiagnostic);

describe("workshop configurations", () => {
  it("TP1 step 2 r0.res with the Annex B global_common.conf", () => {
    const r = parseConfig(DEFAULT_CONFIG_FILES);
    expect(errors(r)).toEqual([]);
    const node1 = resolveResource(r.config, "r0", "node1");
    expect(node1?.me).toMatchObject({ name: "node1", nodeId: 0, address: { addr: "172.28.0.11", port: "7788" } });
    expect(node1?.volumes).toEqual([
      expect.objectContaining({ vnr: 0, minor: 0, device: "/dev/drbd0", disk: "/dev/sda1", metaDisk: "internal" }),
    ]);
    expect(node1?.peers.map((p) => [p.name, p.nodeId, p.address?.addr])).toEqual([["node2", 1, "172.28.0.12"]]);
    expect(resolveResource(r.config, "r0", "node2")?.me.nodeId).toBe(1);
  });

  it("Annex B complete file (device/disk/meta-disk at resource level)", () => {
    const r = parseConfig({
      "/etc/drbd.d/global_common.conf": GLOBAL_COMMON_CONF,
      [R0]: "resource r0 {\n    device /dev/drbd0;\n    disk /dev/sda1;\n    meta-disk internal;\n\n    on node1 {\n        address 172.28.0.11:7788;\n    }\n    on node2 {\n        address 172.28.0.12:7788;\n    }\n}\n",
    });
    expect(errors(r)).toEqual([]);
    const res = resolveResource(r.config, "r0", "node2");
    expect(res?.volumes[0]).toMatchObject({ device: "/dev/drbd0", disk: "/dev/sda1", minor: 0 });
    expect(res?.peers[0]?.settings).toMatchObject({
      protocol: "C",
      maxBuffersPages: 8000,
      sndbufSizeBytes: 512 * 1024,
      afterSb0pri: "discard-zero-changes",
    });
    expect(res?.disk["disk-flushes"]).toBe(false);
    expect(res?.startup).toEqual({ "wfc-timeout": 120, "degr-wfc-timeout": 60 });
  });

  it("Annex C performance snippet inside a resource", () => {
    const r = parse(
      wrap(
        "    net {\n        max-buffers 36k;\n        sndbuf-size 1024k;\n        rcvbuf-size 2048k;\n    }\n\n    disk {\n        al-extents 3389;\n        c-max-rate 720M;\n    }",
      ),
    );
    expect(errors(r)).toEqual([]);
    const res = resolveResource(r.config, "r0", "node1");
    if (!res) throw new Error("r0 not resolved");
    expect(res.peers[0]?.settings).toMatchObject({
      maxBuffersPages: 36 * 1024,
      sndbufSizeBytes: 1024 * 1024,
      rcvbufSizeBytes: 2048 * 1024,
      cMaxRateKiB: 720 * 1024,
    });
    expect(getOption(res, "disk", "al-extents")).toBe(3389);
  });

  it("exercise 3.2 anti split-brain handlers and net policies", () => {
    const r = parse(
      wrap(
        '    handlers {\n        split-brain "/scripts/notify-splitbrain.sh";\n    }\n    net {\n        after-sb-0pri discard-younger-primary;\n        after-sb-1pri discard-secondary;\n        after-sb-2pri disconnect;\n    }',
      ),
    );
    expect(errors(r)).toEqual([]);
    const res = resolveResource(r.config, "r0", "node1");
    expect(res?.handlers["split-brain"]).toBe("/scripts/notify-splitbrain.sh");
    // resource-level net wins over common's after-sb-0pri discard-zero-changes
    expect(res?.peers[0]?.settings.afterSb0pri).toBe("discard-younger-primary");
  });

  it("section 8.3 handlers.res (a handlers block, placed in common as drbdadm requires)", () => {
    const handlers =
      'handlers {\n    pri-on-incon-degr "/scripts/alert.sh degraded";\n    pri-lost-after-sb "/scripts/alert.sh splitbrain";\n    local-io-error "/scripts/alert.sh io-error";\n    fence-peer "/scripts/alert.sh fence-peer";\n}';
    const r = parseConfig({
      "/etc/drbd.d/global_common.conf": `common {\n${handlers}\n}\n`,
      [R0]: DEFAULT_CONFIG_FILES[R0] ?? "",
    });
    expect(errors(r)).toEqual([]);
    expect(resolveResource(r.config, "r0", "node1")?.handlers["fence-peer"]).toBe("/scripts/alert.sh fence-peer");
    const inResource = parse(wrap(handlers));
    expect(errors(inResource)).toEqual([]);
  });

  it("exercise 1.2: port 7799 and a 100M resync rate (also the 8.3 syncer form)", () => {
    const modern = parse(wrap("    disk {\n        resync-rate 100M;\n    }").replaceAll("7788", "7799"));
    expect(errors(modern)).toEqual([]);
    const res = resolveResource(modern.config, "r0", "node1");
    expect(res?.peers[0]?.settings.resyncRateKiB).toBe(100 * 1024);
    expect(res?.peers[0]?.address?.port).toBe("7799");
    expect(res?.peers[0]?.port).toBe(7799);
    const legacy = parse(wrap("    syncer {\n        rate 100M;\n    }"));
    expect(errors(legacy)).toEqual([]);
    expect(resolveResource(legacy.config, "r0", "node1")?.peers[0]?.settings.resyncRateKiB).toBe(100 * 1024);
  });

  it("exercise 9.1: a second resource r1 with protocol A on its own port and minor", () => {
    const r1 = wrap("    protocol A;")
      .replace("resource r0", "resource r1")
      .replaceAll("drbd0", "drbd1")
      .replaceAll("sda1", "sdb1")
      .replaceAll("7788", "7789");
    const r = parseConfig({ ...DEFAULT_CONFIG_FILES, "/etc/drbd.d/r1.res": r1 });
    expect(errors(r)).toEqual([]);
    expect(r.config.resources.map((x) => x.name)).toEqual(["r0", "r1"]);
    expect(resolveResource(r.config, "r1", "node1")?.peers[0]?.settings.protocol).toBe("A");
  });
});

describe("r0ResFor", () => {
  const nodes = [1, 2, 3, 4].map((i) => ({ name: `node${i}`, ip: `172.28.0.1${i}` }));
  it("is the TP1 file for two nodes", () => {
    expect(r0ResFor(nodes.slice(0, 2))).toBe(R0_RES);
  });
  for (const n of [3, 4]) {
    it(`parses clean for ${n} nodes, every node seeing the others`, () => {
      const r = parseConfig({ ...DEFAULT_CONFIG_FILES, [R0]: r0ResFor(nodes.slice(0, n)) });
      expect(errors(r)).toEqual([]);
      const res = resolveResource(r.config, "r0", `node${n}`);
      expect(res?.me.nodeId).toBe(n - 1);
      expect(res?.peers.map((p) => p.name)).toEqual(nodes.slice(0, n - 1).map((x) => x.name));
    });
  }
});
