/**
 * drbdsetup's views of the kernel objects: `events2` following the changes prints, like
 * drbdsetup_events2.c print_changes, only the objects and groups of fields that changed
 * (nothing for an unchanged view, `create`/`destroy` for objects that come and go), and
 * `status --json` is JSON that says what `drbdadm status` says.
 */
import { describe, expect, it } from "vitest";
import { changeLines, view } from "./events2-stream";
import { makeKit, syncedPair, upAll } from "./testkit";

describe("drbdsetup events2 following changes", () => {
  it("an unchanged view prints nothing, at every step of a lab's life", async () => {
    const kit = await makeKit();
    const k = kit.drbd.k;
    const steps = [
      "drbdadm create-md r0",
      "drbdadm up r0",
      "drbdadm primary --force r0",
      "sleep 3",
      "drbdadm secondary r0",
      "drbdadm down r0",
    ];
    for (const s of steps) {
      await kit.sh("node1", s);
      const res = [...k.resources(kit.node("node1")).values()].filter((r) => k.alive(r));
      const v = view(k, res, false);
      expect(changeLines(v, v)).toEqual([]);
      const withStats = view(k, res, true);
      expect(changeLines(withStats, withStats)).toEqual([]);
    }
  });

  it("prints only the changed groups of an object, create for new ones and destroy for gone ones", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    const k = kit.drbd.k;
    const node1 = () => [...k.resources(kit.node("node1")).values()].filter((r) => k.alive(r));
    const before = view(k, node1(), false);
    await kit.sh("node1", "drbdadm secondary r0");
    expect(changeLines(before, view(k, node1(), false))).toEqual([
      "change resource name:r0 role:Secondary may_promote:yes promotion_score:10101",
    ]);
    const up = view(k, node1(), false);
    await kit.sh("node1", "drbdadm down r0");
    expect(changeLines(up, view(k, node1(), false))).toEqual([
      "destroy path name:r0 peer-node-id:1 conn-name:node2 local:ipv4:172.28.0.11:7788 peer:ipv4:172.28.0.12:7788",
      "destroy peer-device name:r0 peer-node-id:1 conn-name:node2 volume:0",
      "destroy connection name:r0 peer-node-id:1 conn-name:node2",
      "destroy device name:r0 volume:0 minor:0",
      "destroy resource name:r0",
    ]);
    const lines = changeLines([], up);
    expect(lines[0]).toMatch(/^create resource name:r0 role:Secondary /);
    expect(lines).toHaveLength(up.length);
  });

  it("follows a lost link until timeout stops it (124), the output kept", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    await kit.sh("node2", "iptables -A INPUT -s 172.28.0.11 -j DROP");
    const r = await kit.sh("node1", "timeout 20 drbdsetup events2 r0");
    expect(r.code).toBe(124);
    const lines = r.out.trim().split("\n");
    expect(lines.indexOf("exists -")).toBe(5);
    const changes = lines.slice(6);
    expect(changes.every((l) => /^(change|create|destroy) /.test(l))).toBe(true);
    // the ping timeout: the connection goes through NetworkFailure and Unconnected to Connecting
    const conn = (state: string) =>
      changes.indexOf(`change connection name:r0 peer-node-id:1 conn-name:node2 connection:${state}`);
    expect(changes).toContain(
      "change connection name:r0 peer-node-id:1 conn-name:node2 connection:NetworkFailure role:Unknown",
    );
    expect(conn("Unconnected")).toBeGreaterThan(0);
    expect(conn("Connecting")).toBeGreaterThan(conn("Unconnected"));
    expect(changes).toContain(
      "change peer-device name:r0 peer-node-id:1 conn-name:node2 volume:0 replication:Off peer-disk:DUnknown peer-client:no",
    );
  });
});

describe("drbdsetup status --json", () => {
  it("is JSON and says what drbdadm status says, through a resync", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1", "node2"]);
    await kit.sh("node1", "drbdadm primary --force r0");
    const during = JSON.parse((await kit.sh("node1", "drbdsetup status --json r0")).out);
    expect(during).toHaveLength(1);
    expect(during[0].role).toBe("Primary");
    const pd = during[0].connections[0].peer_devices[0];
    expect(pd["replication-state"]).toBe("SyncSource");
    expect(pd["percent-in-sync"]).toBeLessThan(100);
    expect(pd["percent-resync-done"]).toBe(pd["percent-in-sync"]);
    await kit.sh("node1", "sleep 30");
    const after = JSON.parse((await kit.sh("node1", "drbdadm status --json r0")).out);
    const pd2 = after[0].connections[0].peer_devices[0];
    expect(pd2).toMatchObject({ "replication-state": "Established", "peer-disk-state": "UpToDate", "out-of-sync": 0 });
    expect(pd2["percent-in-sync"]).toBe(100);
    expect("percent-resync-done" in pd2).toBe(false);
    expect(after[0].devices[0]).toMatchObject({ "disk-state": "UpToDate", quorum: true, minor: 0 });
    expect(after[0].connections[0].paths[0]).toMatchObject({ established: true });
    const none = await kit.sh("node1", "drbdsetup status --json r9");
    expect(none).toEqual({ out: "", err: "r9: No such resource\n", code: 10 });
  });
});
