import { describe, expect, it } from "vitest";
import { makeKit, syncedPair, text, upAll } from "./testkit";

/** `key:value` numbers of `drbdsetup status --verbose --statistics`. */
type Stats = { read: number; written: number; received: number; sent: number };
async function stats(kit: Awaited<ReturnType<typeof makeKit>>, node: string): Promise<Stats> {
  const out = (await kit.sh(node, "drbdsetup status r0 --verbose --statistics")).out;
  const r: Stats = { read: -1, written: -1, received: -1, sent: -1 };
  for (const m of out.matchAll(/\b(read|written|received|sent):(\d+)/g)) r[m[1] as keyof Stats] = Number(m[2]);
  return r;
}

describe("status --statistics counts resync and replication traffic (KiB)", () => {
  it("during the initial resync: source sent/read and target received/written grow with done:", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1", "node2"]);
    await kit.sh("node1", "drbdadm primary --force r0");
    await kit.sh("node1", "sleep 5");
    const s = await stats(kit, "node1");
    const t = await stats(kit, "node2");
    expect(s.sent).toBeGreaterThan(100_000);
    expect(s.sent).toBeLessThan(1048508);
    expect(s.read).toBe(s.sent);
    // node2 is asked a moment later: the resync went on meanwhile
    expect(t.received).toBeGreaterThanOrEqual(s.sent);
    expect(t.received).toBeLessThan(s.sent + 20_000);
    expect(t.written).toBe(t.received);
    expect(t.sent).toBe(0);
    expect(s.received).toBe(0);
    // the counters keep growing and end at the device size, not twice it
    await kit.sh("node1", "sleep 2");
    expect((await stats(kit, "node1")).sent).toBeGreaterThan(s.sent);
    await kit.sh("node1", "sleep 15");
    expect(await stats(kit, "node1")).toEqual({ read: 1048508, written: 0, received: 0, sent: 1048508 });
    expect(await stats(kit, "node2")).toEqual({ read: 0, written: 1048508, received: 1048508, sent: 0 });
  });

  it("replicated application writes: sent and written on the Primary, received and written on the Secondary", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    const before1 = await stats(kit, "node1");
    const before2 = await stats(kit, "node2");
    const d = kit.drbd0("node1");
    expect(d.open("rw", "dd").ok).toBe(true);
    d.write(0, text("x".repeat(64 * 1024)));
    d.close("dd");
    await kit.sh("node1", "sleep 1");
    const a1 = await stats(kit, "node1");
    const a2 = await stats(kit, "node2");
    expect(a1.written - before1.written).toBe(64);
    expect(a1.sent - before1.sent).toBe(64);
    expect(a2.received - before2.received).toBe(64);
    expect(a2.written - before2.written).toBe(64);
  });
});

describe("status --statistics write-ordering follows the disk options", () => {
  it("drain with the workshop's no-disk-flushes, flush by default", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1"]);
    expect((await kit.sh("node1", "drbdsetup status r0 --verbose --statistics")).out).toContain(
      "\n    write-ordering:drain\n",
    );
    expect((await kit.sh("node1", "drbdsetup events2 --now --statistics r0")).out).toContain(" write-ordering:drain");
    await kit.sh("node1", "drbdadm down r0");
    await kit.sh("node1", "sed -i 's/no-disk-flushes;//' /etc/drbd.d/global_common.conf");
    await kit.sh("node1", "drbdadm up r0");
    expect((await kit.sh("node1", "drbdsetup status r0 --verbose --statistics")).out).toContain(
      "\n    write-ordering:flush\n",
    );
  });
});
