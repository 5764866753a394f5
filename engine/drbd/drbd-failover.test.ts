import { describe, expect, it } from "vitest";
import { sameContent } from "../block/digest";
import { type Kit, makeKit, syncedPair, text } from "./testkit";

function write(kit: Kit, node: string, offset: number, s: string) {
  const d = kit.drbd0(node);
  const o = d.open("rw", "dd");
  if (!o.ok) throw new Error(`open failed on ${node}: ${o.errno}`);
  const w = d.write(offset, text(s));
  d.close("dd");
  return w;
}

function sameDisks(kit: Kit): boolean {
  const a = kit.node("node1").blockDevices.get("/dev/sda1");
  const b = kit.node("node2").blockDevices.get("/dev/sda1");
  return !!a && !!b && sameContent(a, 0, b, 0, 1048508 * 1024);
}

describe("TP3: failover, crash, rejoin, split brain", () => {
  it("planned failover: secondary on node1, primary on node2 (no --force needed)", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    write(kit, "node1", 0, "avant bascule");
    expect((await kit.sh("node1", "drbdadm secondary r0")).code).toBe(0);
    const p = await kit.sh("node2", "drbdadm primary r0");
    expect(p.code).toBe(0);
    expect((await kit.sh("node2", "drbdadm status r0")).out).toBe(
      "r0 role:Primary\n  disk:UpToDate\n  node1 role:Secondary\n    peer-disk:UpToDate\n\n",
    );
    expect(kit.dmesg("node1")).toContain("drbd r0 node2: peer( Secondary -> Primary ) [remote]");
    expect(kit.dmesg("node2")).toMatch(
      /drbd r0: Preparing cluster-wide state change \d+: 1->all role\( Primary \)\ndrbd r0: State change \d+: primary_nodes=2, weak_nodes=FFFFFFFFFFFFFFFC\ndrbd r0: Committing cluster-wide state change \d+ \(0ms\)\ndrbd r0: role\( Secondary -> Primary \) \[primary\]/,
    );
  });

  it("dual primary is refused without allow-two-primaries (-1, exit 11)", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    const r = await kit.sh("node2", "drbdadm primary r0");
    expect(r).toEqual({
      out: "",
      err: "r0: State change failed: (-1) Multiple primaries not allowed by config\nCommand 'drbdsetup primary r0' terminated with exit code 11\n",
      code: 11,
    });
    expect(kit.drbd.invariants()).toEqual([]);
  });

  it("peer crash: connection loss after ping-int + ping-timeout, promotion, rejoin with a bitmap-based resync", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    write(kit, "node1", 0, "ecrit par node1");
    await kit.sh("host", "docker stop drbd-node1 --time=0");
    await kit.sh("node2", "sleep 10");
    // not noticed yet: the ping timeout has not expired
    expect((await kit.sh("node2", "drbdadm cstate r0")).out).toBe("Connected\n");
    await kit.sh("node2", "sleep 1");
    expect((await kit.sh("node2", "drbdadm status r0")).out).toBe(
      "r0 role:Secondary\n  disk:UpToDate\n  node1 connection:Connecting\n\n",
    );
    expect(kit.dmesg("node2")).toContain("drbd r0 node1: PingAck did not arrive in time.");
    // K9 9.2.10 drbd_control_event + conn_disconnect: untagged NetworkFailure, sender restart,
    // "disconnected" helper, [disconnected] → Unconnected, [connecting] → Connecting
    expect(kit.dmesg("node2")).toMatch(
      /drbd r0 node1: conn\( Connected -> NetworkFailure \) peer\( Primary -> Unknown \)\ndrbd r0\/0 drbd0 node1: pdsk\( UpToDate -> DUnknown \) repl\( Established -> Off \)\ndrbd r0 node1: Terminating sender thread\ndrbd r0 node1: Starting sender thread \(from drbd_r_r0 \[\d+\]\)\ndrbd r0 node1: Connection closed\ndrbd r0 node1: helper command: \/sbin\/drbdadm disconnected\ndrbd r0 node1: helper command: \/sbin\/drbdadm disconnected exit code 0\ndrbd r0 node1: conn\( NetworkFailure -> Unconnected \) \[disconnected\]\ndrbd r0 node1: Restarting receiver thread\ndrbd r0 node1: conn\( Unconnected -> Connecting \) \[connecting\]/,
    );
    // DRBD 9: an UpToDate disconnected Secondary is promoted without --force (fencing dont-care)
    expect((await kit.sh("node2", "drbdadm primary r0")).code).toBe(0);
    write(kit, "node2", 40960, "ecrit par node2");
    expect(kit.dmesg("node2")).toMatch(/drbd r0\/0 drbd0: new current UUID: [0-9A-F]{16} weak: [0-9A-F]{16}/);
    await kit.sh("host", "docker start drbd-node1");
    await kit.sh("node1", "sleep 2");
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Secondary\n  disk:UpToDate\n  node2 role:Primary\n    peer-disk:UpToDate\n\n",
    );
    const log = kit.dmesg("node1");
    expect(log).toContain("uuid_compare()=target-use-bitmap by rule=bitmap-peer");
    // only the activity-log extent of the crashed primary (4 MiB) is resynced, not the whole device
    expect(log).toContain("Began resync as SyncTarget (will sync 4096 KB [1024 bits set]).");
    expect(sameDisks(kit)).toBe(true);
  });

  it("split brain: both primary and writing while disconnected → StandAlone on both, handler called; manual resolution", async () => {
    const kit = await makeKit();
    // default policies (disconnect): the workshop's discard-secondary would resolve it by itself
    for (const n of ["node1", "node2"])
      await kit.sh(
        n,
        "sed -i 's/after-sb-1pri discard-secondary;/after-sb-1pri disconnect;/' /etc/drbd.d/global_common.conf",
      );
    await syncedPair(kit);
    await kit.sh("node1", "iptables -A INPUT -s 172.28.0.12 -j DROP");
    await kit.sh("node2", "iptables -A INPUT -s 172.28.0.11 -j DROP");
    await kit.sh("node1", "sleep 12");
    expect((await kit.sh("node2", "drbdadm cstate r0")).out).toBe("Connecting\n");
    expect((await kit.sh("node2", "drbdadm primary r0")).code).toBe(0);
    write(kit, "node1", 0, "version node1");
    write(kit, "node2", 8192, "version node2");
    await kit.sh("node1", "iptables -F");
    await kit.sh("node2", "iptables -F");
    await kit.sh("node1", "sleep 12");
    for (const n of ["node1", "node2"]) {
      expect((await kit.sh(n, "drbdadm cstate r0")).out).toBe("StandAlone\n");
      expect(kit.dmesg(n)).toContain("Split-Brain detected but unresolved, dropping connection!");
      expect(kit.dmesg(n)).toContain("helper command: /sbin/drbdadm split-brain");
      expect(kit.dmesg(n)).toContain("uuid_compare()=split-brain-auto-recover by rule=bitmap-both");
    }
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Primary\n  disk:UpToDate\n  node2 connection:StandAlone\n\n",
    );
    // victim: node2
    await kit.sh("node2", "drbdadm disconnect r0");
    expect((await kit.sh("node2", "drbdadm secondary r0")).code).toBe(0);
    const c = await kit.sh("node2", "drbdadm connect --discard-my-data r0");
    expect(c.code).toBe(0);
    // survivor: node1 is StandAlone, it must connect again
    await kit.sh("node1", "drbdadm connect r0");
    await kit.sh("node1", "sleep 2");
    expect(kit.dmesg("node2")).toContain("Split-Brain detected, manually solved. Sync from peer node");
    expect(kit.dmesg("node1")).toContain("Split-Brain detected, manually solved. Sync from this node");
    expect((await kit.sh("node2", "drbdadm status r0")).out).toBe(
      "r0 role:Secondary\n  disk:UpToDate\n  node1 role:Primary\n    peer-disk:UpToDate\n\n",
    );
    expect(sameDisks(kit)).toBe(true);
    expect(kit.drbd.invariants()).toEqual([]);
  });

  it("healed partition with two Primaries that did not write: the connect is refused (SS_TWO_PRIMARIES), both StandAlone", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    await kit.sh("node1", "iptables -A INPUT -s 172.28.0.12 -j DROP");
    await kit.sh("node1", "sleep 12");
    expect((await kit.sh("node2", "drbdadm primary r0")).code).toBe(0);
    await kit.sh("node1", "iptables -F");
    await kit.sh("node1", "sleep 12");
    expect(kit.drbd.invariants()).toEqual([]);
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Primary\n  disk:UpToDate\n  node2 connection:StandAlone\n\n",
    );
    expect((await kit.sh("node2", "drbdadm status r0")).out).toBe(
      "r0 role:Primary\n  disk:UpToDate\n  node1 connection:StandAlone\n\n",
    );
    // node1 (node-id 0 < 1) drives the change to Connected and sends P_DISCONNECT (K9 connect_work)
    expect(kit.dmesg("node1")).toContain(
      "drbd r0: State change failed: Multiple primaries not allowed by config (-1)\ndrbd r0 node2: Failed: conn( Connecting -> Connected ) peer( Unknown -> Primary ) [connected]\ndrbd r0 node2: conn( Connecting -> Disconnecting ) [connect-failed]\ndrbd r0 node2: conn( Disconnecting -> StandAlone ) [connect-failed]",
    );
    expect(kit.dmesg("node2")).toContain(
      "drbd r0 node1: conn( Connecting -> Disconnecting ) [receive-disconnect]\ndrbd r0 node1: conn( Disconnecting -> StandAlone ) [receive-disconnect]",
    );
    expect(kit.dmesg("node2")).not.toContain("Split-Brain");
    // recovery: demote one, reconnect both: no resync needed (neither wrote)
    expect((await kit.sh("node2", "drbdadm secondary r0")).code).toBe(0);
    await kit.sh("node2", "drbdadm connect r0");
    await kit.sh("node1", "drbdadm connect r0");
    await kit.sh("node1", "sleep 1");
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Primary\n  disk:UpToDate\n  node2 role:Secondary\n    peer-disk:UpToDate\n\n",
    );
    expect(kit.drbd.invariants()).toEqual([]);
  });

  it("rr-conflict retry-connect: two Primaries stay Connecting and connect once one of them demotes", async () => {
    const kit = await makeKit();
    for (const n of ["node1", "node2"])
      await kit.sh(
        n,
        "sed -i 's/after-sb-2pri disconnect;/after-sb-2pri disconnect;\\n        rr-conflict retry-connect;/' /etc/drbd.d/global_common.conf",
      );
    await syncedPair(kit);
    await kit.sh("node1", "iptables -A INPUT -s 172.28.0.12 -j DROP");
    await kit.sh("node1", "sleep 12");
    await kit.sh("node2", "drbdadm primary r0");
    await kit.sh("node1", "iptables -F");
    await kit.sh("node1", "sleep 15");
    for (const n of ["node1", "node2"]) expect((await kit.sh(n, "drbdadm cstate r0")).out).toBe("Connecting\n");
    expect(
      kit.dmesg("node1").match(/State change failed: Multiple primaries not allowed by config \(-1\)/g)?.length ?? 0,
    ).toBeGreaterThan(3);
    expect(kit.drbd.invariants()).toEqual([]);
    await kit.sh("node2", "drbdadm secondary r0");
    await kit.sh("node1", "sleep 1");
    expect((await kit.sh("node1", "drbdadm cstate r0")).out).toBe("Connected\n");
    expect(kit.drbd.invariants()).toEqual([]);
  });

  it("a write in flight when the Secondary crashes is resynced when it returns (equal UUIDs, bits on the Primary)", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    await kit.sh("host", "docker stop drbd-node2 --time=0");
    // the Primary has not noticed yet: the write is completed locally and marked out of sync
    write(kit, "node1", 0, "pendant la panne");
    await kit.sh("host", "docker start drbd-node2");
    await kit.sh("node1", "sleep 30");
    expect(kit.dmesg("node1")).toContain("Began resync as SyncSource (will sync 4 KB [1 bits set]).");
    expect((await kit.sh("node1", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate\n");
    expect(sameDisks(kit)).toBe(true);
  });

  it("after-sb-1pri discard-secondary resolves a split brain automatically", async () => {
    const kit = await makeKit();
    // the workshop's global_common.conf (Annex B) sets after-sb-1pri discard-secondary
    await syncedPair(kit);
    await kit.sh("node1", "iptables -A INPUT -s 172.28.0.12 -j DROP");
    await kit.sh("node1", "sleep 12");
    await kit.sh("node2", "drbdadm primary r0");
    write(kit, "node1", 0, "node1 garde");
    write(kit, "node2", 8192, "node2 perd");
    await kit.sh("node2", "drbdadm secondary r0");
    await kit.sh("node1", "iptables -F");
    await kit.sh("node1", "sleep 12");
    expect(kit.dmesg("node2")).toContain(
      "Split-Brain detected, 1 primaries, automatically solved. Sync from peer node",
    );
    expect(kit.dmesg("node1")).toContain(
      "Split-Brain detected, 1 primaries, automatically solved. Sync from this node",
    );
    expect((await kit.sh("node1", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate\n");
    expect(sameDisks(kit)).toBe(true);
  });

  it("connect refusals: 125 when not StandAlone, 123 for --discard-my-data on a Primary", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    const a = await kit.sh("node1", "drbdadm connect r0");
    expect(a).toEqual({
      out: "",
      err: "r0: Failure: (125) Device has a net-config (use disconnect first)\nCommand 'drbdsetup connect r0 1' terminated with exit code 10\n",
      code: 10,
    });
    await kit.sh("node1", "drbdadm disconnect r0");
    const b = await kit.sh("node1", "drbdadm -- --discard-my-data connect r0");
    expect(b.err).toBe(
      "r0: Failure: (123) --discard-my-data not allowed when primary.\nCommand 'drbdsetup connect r0 1 --discard-my-data' terminated with exit code 10\n",
    );
    expect((await kit.sh("node1", "drbdadm disconnect r0")).code).toBe(0);
  });

  it("protocol A: a write in flight when the Primary crashes never reaches the peer", async () => {
    const kit = await makeKit();
    for (const n of ["node1", "node2"])
      await kit.sh(n, "sed -i 's/protocol C;/protocol A;/' /etc/drbd.d/global_common.conf /etc/drbd.d/r0.res");
    await syncedPair(kit);
    await kit.sh("node1", "tc qdisc add dev eth0 root netem delay 50ms");
    const w = write(kit, "node1", 0, "perdu en vol");
    expect(w.ok && w.latencyUs < 1000).toBe(true);
    await kit.sh("host", "docker stop drbd-node1 --time=0");
    await kit.sh("node2", "sleep 1");
    const b = kit.node("node2").blockDevices.get("/dev/sda1");
    const a = kit.node("node1").blockDevices.get("/dev/sda1");
    expect(a && b && sameContent(a, 0, b, 0, 4096)).toBe(false);
  });

  it("protocol C: the same write is acknowledged only after the peer wrote it", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    await kit.sh("node1", "tc qdisc add dev eth0 root netem delay 50ms");
    const w = write(kit, "node1", 0, "sur les deux disques");
    expect(w.ok && w.latencyUs >= 100_000).toBe(true);
    await kit.sh("node1", "sleep 1");
    await kit.sh("host", "docker stop drbd-node1 --time=0");
    const b = kit.node("node2").blockDevices.get("/dev/sda1");
    const a = kit.node("node1").blockDevices.get("/dev/sda1");
    expect(a && b && sameContent(a, 0, b, 0, 4096)).toBe(true);
  });

  it("graceful docker stop of the Primary: unmount, down, the peer sees TearDown at once; the service brings r0 back", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    await kit.sh(
      "node1",
      "mkfs.ext4 -q /dev/drbd0 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd && echo ok > /mnt/drbd/f",
    );
    await kit.sh("host", "docker stop drbd-node1");
    expect(kit.dmesg("node2")).toContain(
      "drbd r0 node1: peer( Primary -> Secondary ) [remote]\ndrbd r0 node1: sock was shut down by peer\ndrbd r0 node1: conn( Connected -> TearDown ) peer( Secondary -> Unknown ) [receive-disconnect]",
    );
    expect((await kit.sh("node2", "drbdadm status r0")).out).toBe(
      "r0 role:Secondary\n  disk:UpToDate\n  node1 connection:Connecting\n\n",
    );
    await kit.sh("host", "docker start drbd-node1");
    await kit.sh("node1", "sleep 1");
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Secondary\n  disk:UpToDate\n  node2 role:Secondary\n    peer-disk:UpToDate\n\n",
    );
    const state = kit.lab.state();
    expect(JSON.stringify(state)).toContain('"cstate":"Connected"');
  });

  it("allow-two-primaries (protocol C): both nodes may be Primary at once", async () => {
    const kit = await makeKit();
    for (const n of ["node1", "node2"])
      await kit.sh(
        n,
        "sed -i 's/protocol C;/protocol C;\\n        allow-two-primaries yes;/' /etc/drbd.d/global_common.conf",
      );
    await syncedPair(kit);
    expect((await kit.sh("node2", "drbdadm primary r0")).code).toBe(0);
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Primary\n  disk:UpToDate\n  node2 role:Primary\n    peer-disk:UpToDate\n\n",
    );
    expect(kit.drbd.invariants()).toEqual([]);
  });

  it("protocol A, crashed primary, survivor stayed Secondary: rule crashed-primary makes the old primary the source", async () => {
    const kit = await makeKit();
    for (const n of ["node1", "node2"])
      await kit.sh(n, "sed -i 's/protocol C;/protocol A;/' /etc/drbd.d/global_common.conf /etc/drbd.d/r0.res");
    await syncedPair(kit);
    await kit.sh("node1", "tc qdisc add dev eth0 root netem delay 50ms");
    write(kit, "node1", 0, "pas encore chez node2");
    await kit.sh("host", "docker stop drbd-node1 --time=0");
    await kit.sh("node2", "sleep 12");
    await kit.sh("host", "docker start drbd-node1");
    await kit.sh("node1", "tc qdisc del dev eth0 root");
    await kit.sh("node1", "sleep 2");
    expect(kit.dmesg("node1")).toContain("uuid_compare()=source-use-bitmap by rule=crashed-primary");
    expect(kit.dmesg("node2")).toContain("uuid_compare()=target-use-bitmap by rule=crashed-primary");
    expect(sameDisks(kit)).toBe(true);
  });
});
