import { describe, expect, it } from "vitest";
import { DiskQueue } from "../block/queue";
import { SparseDisk } from "../block/sparse-disk";
import type { IoResult } from "../block/types";
import { type Kit, makeKit, syncedPair } from "./testkit";

const page = (seed: number) => [{ kind: "prng" as const, seed, offset: 0, length: 4096 }];
const latency = (r: IoResult) => (r.ok ? r.latencyUs : Number.NaN);

/** A synced pair, node1 Primary with /dev/drbd0 open, 50 ms of netem on node1's egress. */
async function wan(maxBuffers?: number): Promise<Kit> {
  const kit = await makeKit();
  if (maxBuffers)
    for (const n of ["node1", "node2"])
      await kit.sh(n, `sed -i 's/max-buffers 8000;/max-buffers ${maxBuffers};/' /etc/drbd.d/global_common.conf`);
  await syncedPair(kit);
  await kit.sh("node1", "tc qdisc add dev eth0 root netem delay 50ms");
  kit.drbd0("node1").open("rw", "test");
  return kit;
}

describe("the DRBD write path keeps many requests in flight", () => {
  it("independent writes submitted together cost one round trip, not one each", async () => {
    const kit = await wan();
    const d = kit.drbd0("node1");
    const now = kit.lab.world.clock.now;
    const rtt = latency(d.write(64 * 4096, page(99), { atUs: now }));
    expect(rtt).toBeGreaterThan(50_000);
    const after = now + rtt;
    const lat = Array.from({ length: 64 }, (_, i) => latency(d.write(i * 4096, page(i), { atUs: after })));
    const last = Math.max(...lat);
    // one round trip (protocol C) plus the transfers, not 64 of them
    expect(last).toBeGreaterThanOrEqual(rtt);
    expect(last).toBeLessThan(rtt + 5_000);
    // a flush is a barrier: it waits for all of them
    expect(latency(d.flush({ atUs: after }))).toBeGreaterThanOrEqual(last);
  });

  it("dependent writes (O_DIRECT, one in flight) pay the round trip every time", async () => {
    const kit = await wan();
    const d = kit.drbd0("node1");
    let at = kit.lab.world.clock.now;
    const start = at;
    const rtt = latency(d.write(64 * 4096, page(99), { atUs: at }));
    at += rtt;
    for (let i = 0; i < 8; i++) at += latency(d.write(i * 4096, page(i), { atUs: at }));
    expect(at - start).toBeGreaterThanOrEqual(9 * rtt);
  });

  it("max-buffers bounds the pages in flight: a smaller window needs more round trips", async () => {
    const kit = await wan(32);
    const d = kit.drbd0("node1");
    const now = kit.lab.world.clock.now;
    const rtt = latency(d.write(64 * 4096, page(99), { atUs: now }));
    const after = now + rtt;
    const lat = Array.from({ length: 64 }, (_, i) => latency(d.write(i * 4096, page(i), { atUs: after })));
    // 64 pages through a 32-page window: two round trips, not one
    expect(Math.max(...lat)).toBeGreaterThan(2 * rtt - 1_000);
    expect(Math.max(...lat)).toBeLessThan(3 * rtt);
  });

  it("dd: oflag=direct waits a round trip per request, buffered dd and its writeback do not", async () => {
    const kit = await wan();
    kit.drbd0("node1").close("test");
    await kit.sh("node1", "mkfs.ext4 -q /dev/drbd0 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd");
    const secs = (err: string) => Number(/copied, ([\d.e-]+) s/.exec(err)?.[1]);
    const direct = await kit.sh("node1", "dd if=/dev/zero of=/mnt/drbd/d bs=4k count=20 oflag=direct");
    expect(secs(direct.err)).toBeGreaterThan(20 * 0.1);
    const buffered = await kit.sh("node1", "dd if=/dev/zero of=/mnt/drbd/b bs=4k count=20");
    expect(secs(buffered.err)).toBeLessThan(0.2);
    const raw = await kit.sh("node1", "umount /mnt/drbd && dd if=/dev/zero of=/dev/drbd0 bs=4k count=20");
    expect(secs(raw.err)).toBeLessThan(0.2);
  });
});

describe("a disk as a queue", () => {
  it("overlaps the latency of requests submitted together and shares the bandwidth", () => {
    const q = new DiskQueue();
    const done = [0, 1, 2, 3].map(() => q.transfer(1000, 10, 100));
    expect(done).toEqual([1110, 1120, 1130, 1140]);
    expect(q.barrier(1000, 5)).toBe(1145);
    // an idle disk: latency + transfer
    expect(q.transfer(5000, 10, 100)).toBe(5110);
  });

  it("SparseDisk: submitted with a time, 4 writes overlap; without, each costs its service time", () => {
    const disk = new SparseDisk("/dev/sdz", 16 * 1024 * 1024, { latencyUs: 100, bandwidthBps: 500_000_000 });
    const alone = latency(disk.write(0, page(1)));
    const queued = [0, 1, 2, 3].map((i) => latency(disk.write(i * 4096, page(i), { atUs: 0 })));
    expect(Math.max(...queued)).toBeLessThan(4 * alone);
    expect(Math.max(...queued)).toBeGreaterThan(alone);
    // a flush waits for the queued writes
    expect(latency(disk.flush({ atUs: 0 }))).toBeGreaterThan(Math.max(...queued));
  });
});
