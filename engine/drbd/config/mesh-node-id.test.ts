import { describe, expect, it } from "vitest";
import { drbdadmStderr, implicitNodeIds, parseConfig } from "./index";

/**
 * Implicit node-ids and a connection-mesh (U9 drbdadm_postparse.c
 * _set_host_info_in_host_address_pairs): a mesh's connections are implicit, so each one whose two
 * hosts lack a node-id gives them one, in order; texts as drbd-utils 9.22 printed them.
 */

const R0 = "/etc/drbd.d/r0.res";
const GC = "/etc/drbd.d/global_common.conf";
const parse = (text: string) => parseConfig({ [GC]: "", [R0]: text }, { hostname: "node1" });

const mesh = (hosts: string[]) => `resource r0 {
    device /dev/drbd10;
    disk /dev/sda1;
    meta-disk internal;
${hosts.map((h, i) => `    on ${h} {\n        address 172.28.0.1${i + 1}:7000;\n    }\n`).join("")}    connection-mesh {
        hosts ${hosts.join(" ")};
    }
}
`;

describe("connection-mesh without node-id", () => {
  it("three hosts: only the last one is 'node-id' keyword missing (the first pair got implicit ids)", () => {
    const { config, diagnostics } = parse(mesh(["node1", "node2", "node3"]));
    expect(drbdadmStderr(diagnostics)).toEqual([
      "/etc/drbd.d/r0.res:11: in resource r0, on node3 { ... }: 'node-id' keyword missing.",
    ]);
    const ids = implicitNodeIds("172.28.0.11", "172.28.0.12");
    const hosts = config.resources[0]?.hosts ?? [];
    expect(hosts.map((h) => h.nodeId)).toEqual([ids?.[0], ids?.[1], undefined]);
  });

  it("two hosts: both get implicit node-ids and the resource is valid", () => {
    const { config, diagnostics } = parse(mesh(["node1", "node2"]));
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(config.resources[0]?.hosts.map((h) => [h.nodeId, h.implicitNodeId])).toEqual([
      [0, true],
      [1, true],
    ]);
  });

  it("a host with an explicit node-id blocks the implicit ids of its connections", () => {
    const text = mesh(["node1", "node2", "node3"]).replace("on node1 {\n", "on node1 {\n        node-id 5;\n");
    const { config, diagnostics } = parse(text);
    // node1-node2 and node1-node3 have node1's id; node2-node3 is free and takes implicit ids
    // (drbdadm 9.22's dump of this file: node-id 5, 1, 0)
    expect(drbdadmStderr(diagnostics)).toEqual([]);
    expect(config.resources[0]?.hosts.map((h) => h.nodeId)).toEqual([5, 1, 0]);
  });
});
