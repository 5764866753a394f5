import { describe, expect, it } from "vitest";
import { makeKit } from "./testkit";

const RES = `resource r0 {
    volume 0 {
        device /dev/drbd0;
        disk /dev/sda1;
        meta-disk internal;
    }
    volume 1 {
        device /dev/drbd1;
        disk /dev/sdb1;
        meta-disk internal;
    }
    on node1 {
        address 172.28.0.11:7788;
    }
    on node2 {
        address 172.28.0.12:7788;
    }
}
`;

describe("a resource with two volumes", () => {
  it("status prints volume:N lines, both volumes sync and change role together", async () => {
    const kit = await makeKit({ topology: "two-nodes-two-disks" });
    for (const n of ["node1", "node2"]) {
      await kit.sh(n, `cat > /etc/drbd.d/r0.res <<'EOF'\n${RES}EOF`);
      const md = await kit.sh(n, "drbdadm create-md r0");
      expect(md.code).toBe(0);
      await kit.sh(n, "drbdadm up r0");
    }
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Secondary\n  volume:0 disk:Inconsistent\n  volume:1 disk:Inconsistent\n  node2 role:Secondary\n    volume:0 peer-disk:Inconsistent\n    volume:1 peer-disk:Inconsistent\n\n",
    );
    await kit.sh("node1", "drbdadm primary --force r0");
    await kit.sh("node1", "sleep 20");
    expect((await kit.sh("node2", "drbdadm status r0")).out).toBe(
      "r0 role:Secondary\n  volume:0 disk:UpToDate\n  volume:1 disk:UpToDate\n  node1 role:Primary\n    volume:0 peer-disk:UpToDate\n    volume:1 peer-disk:UpToDate\n\n",
    );
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate\nUpToDate/UpToDate\n");
    expect(kit.node("node1").blockDevices.has("/dev/drbd1")).toBe(true);
    expect(kit.drbd.invariants()).toEqual([]);
  });
});
