import { describe, expect, it } from "vitest";
import { R0_RES } from "../config";
import { makeKit } from "../testkit";

/**
 * A stacked resource (`stacked-on-top-of r0`) over the lab's r0; expected lines are what
 * drbd-utils 9.22's drbdadm printed for the same files (tests/oracle: stacked/…).
 */

const R0_U = (address: string) => `resource r0-U {
    net {
        protocol A;
    }
    stacked-on-top-of r0 {
        device /dev/drbd10;
        address ${address};
    }
    on node3 {
        device /dev/drbd10;
        disk /dev/sda1;
        address 172.28.0.13:7789;
        meta-disk internal;
    }
}
`;

async function on(host: "node1" | "node3", address = "172.28.0.11:7790") {
  const kit = await makeKit({ topology: "three-nodes" });
  const fs = kit.node(host).fs;
  await fs.writeFile("/etc/drbd.d/global_common.conf", "");
  await fs.writeFile("/etc/drbd.d/r0.res", R0_RES);
  await fs.writeFile("/etc/drbd.d/r0-U.res", R0_U(address));
  return (cmd: string) => kit.sh(host, cmd);
}

describe("stacked-on-top-of", () => {
  it("node1 (a host of r0) is the stacked section: dump says so, with the lower hosts and no device line", async () => {
    const sh = await on("node1");
    const r = await sh("drbdadm dump r0-U");
    expect(r.code).toBe(0);
    expect(r.out).toContain("# resource r0-U on node1: not ignored, stacked\n");
    expect(r.out).toContain(
      "    stacked-on-top-of r0 {\n        # on node1 node2 \n        node-id 1;\n        address",
    );
    expect(r.out.split("stacked-on-top-of")[1]?.split("}")[0]).not.toContain("device");
  });

  it("-d up r0-U attaches the lower device /dev/drbd0; `all` leaves the stacked resource out", async () => {
    const sh = await on("node1");
    const up = (await sh("drbdadm -d up r0-U")).out.split("\n");
    expect(up).toContain("drbdsetup new-path r0-U 0 ipv4:172.28.0.11:7790 ipv4:172.28.0.13:7789");
    expect(up).toContain("drbdmeta 10 v09 /dev/drbd0 internal apply-al");
    expect(up).toContain("drbdsetup attach 10 /dev/drbd0 /dev/drbd0 internal");
    expect(up.join("\n")).not.toContain("--bitmap");
    const all = await sh("drbdadm -d up all");
    expect(all.out).toContain("new-resource r0 0");
    expect(all.out).not.toContain("r0-U");
    expect((await sh("drbdadm sh-resources")).out).toBe("r0\n");
  });

  it("wait-connect of the stacked resource: --wfc-timeout 20 instead of the startup options", async () => {
    const sh = await on("node1");
    const r = await sh("drbdadm -d wait-connect r0-U");
    expect(r.out).toBe("drbdsetup wait-connect-resource r0-U --wfc-timeout 20\n");
  });

  it("named, its address is verified (is_drbd_top); dump of all does not verify it", async () => {
    const sh = await on("node1", "172.28.0.21:7789");
    // a named dump prints the message and dumps all the same (exit 0), as drbdadm 9.22 did
    const named = await sh("drbdadm dump r0-U");
    expect(named.code).toBe(0);
    expect(named.out).toContain("resource r0-U {");
    expect(named.err).toBe(
      "/etc/drbd.d/r0-U.res: in resource r0-U, on node1 node2:\n\tIP 172.28.0.21 not found on this host.\n",
    );
    const all = await sh("drbdadm dump");
    expect([all.err, all.code]).toEqual(["", 0]);
  });

  it("node3 (the upper peer): the connection is named after the lower hosts, node1_node2", async () => {
    const sh = await on("node3");
    const r = await sh("drbdadm -d up r0-U");
    expect(r.out).toContain("drbdsetup new-peer r0-U 1 --_name=node1_node2 --protocol=A\n");
    expect(r.out).not.toContain("--bitmap");
  });

  it("a lower resource that does not exist: post-parse error, exit 10; sh-resources still lists", async () => {
    const kit = await makeKit({ topology: "three-nodes" });
    const fs = kit.node("node1").fs;
    await fs.writeFile("/etc/drbd.d/r0-U.res", R0_U("172.28.0.11:7790").replace("on-top-of r0 {", "on-top-of r9 {"));
    const msg = "/etc/drbd.d/r0-U.res:1: in resource r0-U, referenced resource 'r9' not defined.\n";
    const up = await kit.sh("node1", "drbdadm -d up r0");
    expect([up.out, up.err, up.code]).toEqual(["", msg, 10]);
    const list = await kit.sh("node1", "drbdadm sh-resources");
    expect([list.err, list.code]).toEqual([msg, 0]);
    expect(list.out).toContain("r0\n");
  });
});
