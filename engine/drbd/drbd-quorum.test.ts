import { describe, expect, it } from "vitest";
import { makeKit, upAll } from "./testkit";

async function threeNodes(quorum: string | null, onNoQuorum = "suspend-io") {
  const kit = await makeKit({ topology: "three-nodes" });
  if (quorum)
    for (const n of ["node1", "node2", "node3"])
      await kit.sh(
        n,
        `sed -i 's/on-no-data-accessible io-error;/on-no-data-accessible io-error;\\n        quorum ${quorum};\\n        on-no-quorum ${onNoQuorum};/' /etc/drbd.d/global_common.conf`,
      );
  await upAll(kit, ["node1", "node2", "node3"]);
  await kit.sh("node1", "drbdadm primary --force r0");
  await kit.sh("node1", "sleep 25");
  return kit;
}

describe("three nodes: full mesh and quorum", () => {
  it("connection-mesh: every node connected to both others, all UpToDate after the initial sync", async () => {
    const kit = await threeNodes(null);
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Primary\n  disk:UpToDate\n  node2 role:Secondary\n    peer-disk:UpToDate\n  node3 role:Secondary\n    peer-disk:UpToDate\n\n",
    );
    expect((await kit.sh("node3", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate/UpToDate\n");
    expect(kit.drbd.invariants()).toEqual([]);
  });

  it("quorum majority: an isolated Primary loses quorum (suspend-io), a majority partition can promote", async () => {
    const kit = await threeNodes("majority");
    await kit.sh("node1", "iptables -A INPUT -s 172.28.0.12 -j DROP");
    await kit.sh("node1", "iptables -A INPUT -s 172.28.0.13 -j DROP");
    await kit.sh("node1", "sleep 12");
    const st = (await kit.sh("node1", "drbdadm status r0")).out;
    expect(st).toBe(
      "r0 role:Primary suspended:quorum\n  disk:UpToDate quorum:no\n  node2 connection:Connecting\n  node3 connection:Connecting\n\n",
    );
    expect(kit.dmesg("node1")).toContain("drbd r0/0 drbd0: quorum( yes -> no ) [lost-quorum]");
    const w = kit.drbd0("node1").write(0, [{ kind: "zero", length: 4096 }]);
    expect(w.ok).toBe(false);
    // node2 and node3 still see each other: 2 of 3, quorum kept
    expect((await kit.sh("node2", "drbdadm primary r0")).code).toBe(0);
    // recovering the frozen Primary: secondary --force demotes even though the device is open
    expect(kit.drbd0("node1").open("rw", "mount").ok).toBe(true);
    expect((await kit.sh("node1", "drbdadm secondary r0")).code).toBe(11);
    expect((await kit.sh("node1", "drbdadm secondary --force r0")).code).toBe(0);
    expect((await kit.sh("node1", "drbdadm status r0")).out.split("\n")[0]).toBe("r0 role:Secondary");
  });

  it("on-no-quorum suspend-io freezes the writer until quorum returns (K9 drbd_req: suspended requests queue)", async () => {
    const kit = await threeNodes("majority");
    await kit.sh("node1", "iptables -A INPUT -s 172.28.0.12 -j DROP");
    await kit.sh("node1", "iptables -A INPUT -s 172.28.0.13 -j DROP");
    await kit.sh("node1", "sleep 12");
    const t = await kit.sh("node1", "timeout 5 dd if=/dev/zero of=/dev/drbd0 bs=4k count=1 oflag=direct");
    expect(t).toEqual({ out: "", err: "", code: 124 });
    // the link comes back: the blocked dd completes once the peers are connected again
    await kit.sh("node1", "iptables -F");
    const t0 = kit.lab.world.clock.now;
    const r = await kit.sh("node1", "dd if=/dev/zero of=/dev/drbd0 bs=4k count=1 oflag=direct");
    expect(r.code).toBe(0);
    expect(r.err).toContain("1+0 records out");
    expect(kit.lab.world.clock.now - t0).toBeGreaterThan(1_000_000);
    expect((await kit.sh("node1", "drbdadm status r0")).out.split("\n")[0]).toBe("r0 role:Primary");
  });

  it("promotion without quorum is refused (-25) unless forced", async () => {
    const kit = await threeNodes("majority");
    await kit.sh("node1", "drbdadm secondary r0");
    await kit.sh("node3", "iptables -A INPUT -s 172.28.0.11 -j DROP");
    await kit.sh("node3", "iptables -A INPUT -s 172.28.0.12 -j DROP");
    await kit.sh("node3", "sleep 12");
    const r = await kit.sh("node3", "drbdadm primary r0");
    expect(r).toEqual({
      out: "",
      err: "r0: State change failed: (-25) No quorum\nadditional info from kernel:\n1 of 3 nodes visible, need 2 for quorum\nCommand 'drbdsetup primary r0' terminated with exit code 11\n",
      code: 11,
    });
    expect((await kit.sh("node3", "drbdadm status r0")).out).toContain("  disk:UpToDate quorum:no\n");
    // K9 ro_open_cond(): no quorum → -ENODATA (not an I/O error of the disk)
    const dd = await kit.sh("node3", "dd if=/dev/drbd0 of=/dev/null bs=4k count=1");
    expect(dd).toMatchObject({ err: "dd: failed to open '/dev/drbd0': No data available\n", code: 1 });
    const mkfs = await kit.sh("node3", "mkfs.ext4 /dev/drbd0");
    expect(mkfs.err).toContain("mkfs.ext4: No data available while trying to determine filesystem size\n");
  });

  it("last man standing: Secondaries leaving with `down` are outdated, the Primary keeps quorum", async () => {
    const kit = await threeNodes("majority");
    await kit.sh("node2", "drbdadm down r0");
    expect(kit.dmesg("node2")).toContain("drbd r0/0 drbd0: disk( UpToDate -> Outdated ) [down]");
    expect((await kit.sh("node1", "drbdadm status r0")).out).toContain("  node2 connection:Connecting\n");
    await kit.sh("node3", "drbdadm down r0");
    await kit.sh("node1", "sleep 1");
    const st = (await kit.sh("node1", "drbdadm status r0")).out;
    expect(st.split("\n").slice(0, 2)).toEqual(["r0 role:Primary", "  disk:UpToDate"]);
    expect(kit.dmesg("node1")).not.toContain("susp-io( no -> quorum )");
    const w = kit.drbd0("node1").write(0, [{ kind: "zero", length: 4096 }]);
    expect(w.ok).toBe(true);
  });

  it("Secondaries leaving a Secondary (no Primary to outdate them) take the quorum with them", async () => {
    const kit = await threeNodes("majority");
    await kit.sh("node1", "drbdadm secondary r0");
    await kit.sh("node2", "drbdadm down r0");
    await kit.sh("node3", "drbdadm down r0");
    expect((await kit.sh("node1", "drbdadm status r0")).out).toContain("  disk:UpToDate quorum:no\n");
    const r = await kit.sh("node1", "drbdadm primary r0");
    expect(r.err).toContain("additional info from kernel:\n1 of 3 nodes visible, need 2 for quorum\n");
  });

  it("on-no-quorum io-error: no suspension, writes fail", async () => {
    const kit = await threeNodes("majority", "io-error");
    await kit.sh("node1", "iptables -A INPUT -s 172.28.0.12 -j DROP");
    await kit.sh("node1", "iptables -A INPUT -s 172.28.0.13 -j DROP");
    await kit.sh("node1", "sleep 12");
    expect((await kit.sh("node1", "drbdadm status r0")).out.split("\n")[0]).toBe("r0 role:Primary");
    const w = kit.drbd0("node1").write(0, [{ kind: "zero", length: 4096 }]);
    expect(w).toMatchObject({ ok: false, errno: "EIO" });
  });
});

describe("diskless client (disk none)", () => {
  it("a diskless node shows disk:Diskless client:yes, may be Primary and writes land on the peers' disks", async () => {
    const kit = await makeKit({ topology: "three-nodes" });
    for (const n of ["node1", "node2", "node3"])
      await kit.sh(n, "sed -i '/on node3 {/,/}/ s#disk /dev/sda1;#disk none;#' /etc/drbd.d/r0.res");
    await upAll(kit, ["node1", "node2"]);
    await kit.sh("node3", "drbdadm up r0");
    await kit.sh("node1", "drbdadm primary --force r0");
    await kit.sh("node1", "sleep 15");
    await kit.sh("node1", "drbdadm secondary r0");
    const st = (await kit.sh("node3", "drbdadm status r0")).out;
    expect(st).toBe(
      "r0 role:Secondary\n  disk:Diskless client:yes\n  node1 role:Secondary\n    peer-disk:UpToDate\n  node2 role:Secondary\n    peer-disk:UpToDate\n\n",
    );
    expect((await kit.sh("node1", "drbdadm status r0")).out).toContain(
      "  node3 role:Secondary\n    peer-disk:Diskless peer-client:no\n",
    );
    expect((await kit.sh("node3", "drbdadm primary r0")).code).toBe(0);
    const d = kit.drbd0("node3");
    expect(d.size()).toBe(kit.drbd0("node1").size());
    d.open("rw", "dd");
    expect(d.write(0, [{ kind: "bytes", data: new Uint8Array([7, 7, 7]) }]).ok).toBe(true);
    d.close("dd");
    await kit.sh("node3", "sleep 1");
    for (const n of ["node1", "node2"]) {
      const r = kit.node(n).blockDevices.get("/dev/sda1")?.read(0, 3);
      expect(r?.ok && JSON.stringify(r.value)).toContain("7");
    }
    expect(kit.drbd.invariants()).toEqual([]);
  });
});
