import { describe, expect, it } from "vitest";
import { makeKit } from "../testkit";

/**
 * Several `path { }` in a connection, and a diskless peer (U9 drbdadm_main.c adm_new_path,
 * adm_new_minor, drbdadm_postparse.c add_no_bitmap_opt); expected lines are what drbd-utils
 * 9.22's drbdadm printed for the same file (tests/oracle: fixtures/three-nodes).
 */

const R1 = `resource r1 {
    device /dev/drbd10;
    disk /dev/sdb1;
    meta-disk internal;
    on node1 {
        node-id 0;
        address 172.28.0.11:7790;
    }
    on node3 {
        node-id 2;
        address 172.28.0.13:7790;
        disk none;
    }
    connection {
        path {
            host node1 address 172.28.0.11:7792;
            host node3 address 172.28.0.13:7792;
        }
        path {
            host node1 address 172.28.2.11:7792;
            host node3 address 172.28.2.13:7792;
        }
    }
}
`;

async function dry(host: "node1" | "node3", cmd: string, text = R1) {
  const kit = await makeKit({ topology: "three-nodes" });
  await kit.node(host).fs.writeFile("/etc/drbd.d/r0.res", text);
  const r = await kit.sh(host, cmd);
  expect(r.err).toBe("");
  return r.out.split("\n");
}

describe("-d up with two paths and a diskless peer", () => {
  it("one new-path per path, then peer-device-options --bitmap=no towards the diskless peer", async () => {
    const lines = await dry("node1", "drbdadm -d up r1");
    expect(lines.filter((l) => l.startsWith("drbdsetup new-path"))).toEqual([
      "drbdsetup new-path r1 2 ipv4:172.28.0.11:7792 ipv4:172.28.0.13:7792",
      "drbdsetup new-path r1 2 ipv4:172.28.2.11:7792 ipv4:172.28.2.13:7792",
    ]);
    expect(lines).toContain("drbdsetup peer-device-options r1 2 0 --bitmap=no");
    expect(lines).toContain("drbdsetup new-minor r1 10 0");
  });

  it("on the diskless node: new-minor --diskless, and no --bitmap=no towards a peer with a disk", async () => {
    const lines = await dry("node3", "drbdadm -d up r1");
    expect(lines).toContain("drbdsetup new-minor r1 10 0 --diskless");
    expect(lines.join("\n")).not.toContain("--bitmap=no");
  });

  it("-d adjust on a resource that is down: the same paths, options reset with --set-defaults", async () => {
    const lines = await dry("node1", "drbdadm -d adjust r1");
    expect(lines.filter((l) => l.startsWith("drbdsetup new-path"))).toHaveLength(2);
    expect(lines).toContain("drbdsetup peer-device-options r1 2 0 --set-defaults --bitmap=no");
  });

  it("a single path and a peer with a disk: one new-path, no peer-device-options", async () => {
    const one = R1.replace(/\n\s*path \{\n\s*host node1 address 172\.28\.2[^}]*\}/, "").replace(
      "        disk none;\n",
      "",
    );
    expect(one).not.toContain("172.28.2.");
    const lines = await dry("node1", "drbdadm -d up r1", one);
    expect(lines.filter((l) => l.startsWith("drbdsetup new-path"))).toHaveLength(1);
    expect(lines.join("\n")).not.toContain("peer-device-options");
  });
});
