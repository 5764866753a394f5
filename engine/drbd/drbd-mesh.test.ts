/**
 * Three-node mesh behaviour from the DRBD 9 sources (drbd_state.c): a node that loses its
 * direct link to the Primary while still reaching it through a peer outdates itself
 * (twopc_after_lost_peer → __outdate_myself); promoting it is declined by the far-away Primary
 * (check_primaries_distances: SS_TWO_PRIMARIES); the link back resyncs it.
 */
import { describe, expect, it } from "vitest";
import { makeKit, upAll } from "./testkit";

async function mesh() {
  const kit = await makeKit({ topology: "three-nodes" });
  await upAll(kit, ["node1", "node2", "node3"]);
  await kit.sh("node1", "drbdadm primary --force r0");
  await kit.sh("node1", "sleep 25");
  return kit;
}

async function cut(kit: Awaited<ReturnType<typeof mesh>>) {
  await kit.sh("node1", "iptables -A INPUT -s 172.28.0.12 -j DROP");
  await kit.sh("node2", "iptables -A INPUT -s 172.28.0.11 -j DROP");
  await kit.sh("node1", "sleep 12");
}

describe("three nodes: Outdated propagates through the mesh", () => {
  it("node2 cut from the Primary but seen by node3 becomes Outdated, node3 sees it so", async () => {
    const kit = await mesh();
    await cut(kit);
    await kit.sh("node1", "dd if=/dev/zero of=/dev/drbd0 bs=4k count=10 oflag=direct");
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("Outdated/DUnknown/UpToDate\n");
    expect((await kit.sh("node3", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate/Outdated\n");
    expect(kit.dmesg("node2")).toMatch(/drbd r0\/0 drbd0: disk\( UpToDate -> Outdated \) \[(lost-peer|remote)\]/);
    expect(kit.drbd.invariants()).toEqual([]);
  });

  it("promoting the outdated node is declined by the far-away Primary (-1)", async () => {
    const kit = await mesh();
    await cut(kit);
    const r = await kit.sh("node2", "drbdadm primary r0");
    expect(r).toEqual({
      out: "",
      err: "r0: State change failed: (-1) Multiple primaries not allowed by config\nCommand 'drbdsetup primary r0' terminated with exit code 11\n",
      code: 11,
    });
    expect(kit.dmesg("node2")).toMatch(/Aborting cluster-wide state change \d+ \(\d+ms\) rv = -1/);
    expect((await kit.sh("node2", "drbdadm role r0")).out).toBe("Secondary\n");
  });

  it("the link back resyncs node2 to UpToDate, no split brain", async () => {
    const kit = await mesh();
    await cut(kit);
    await kit.sh("node1", "dd if=/dev/urandom of=/dev/drbd0 bs=1M count=4 oflag=direct");
    await kit.sh("node1", "iptables -F");
    await kit.sh("node2", "iptables -F");
    await kit.sh("node2", "sleep 20");
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate/UpToDate\n");
    expect(kit.dmesg("node2")).not.toContain("Split-Brain");
    expect(kit.dmesg("node2")).toContain("Resync done");
    expect(kit.drbd.invariants()).toEqual([]);
  });

  it("a node cut from every peer stays UpToDate (nobody to learn the Primary from)", async () => {
    const kit = await mesh();
    await kit.sh("node2", "iptables -A INPUT -s 172.28.0.11 -j DROP");
    await kit.sh("node2", "iptables -A INPUT -s 172.28.0.13 -j DROP");
    await kit.sh("node2", "sleep 12");
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/DUnknown/DUnknown\n");
  });
});
