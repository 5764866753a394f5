import { describe, expect, it } from "vitest";
import { sameContent } from "../block/digest";
import { AUTO_SNDBUF_BYTES } from "./sendbuf";
import { type Kit, makeKit, syncedPair } from "./testkit";

const MiB = 1024 * 1024;

async function wanPair(proto: "A" | "C", sndbuf?: string): Promise<Kit> {
  const kit = await makeKit();
  for (const n of ["node1", "node2"]) {
    await kit.sh(n, `sed -i 's/protocol C;/protocol ${proto};/' /etc/drbd.d/global_common.conf /etc/drbd.d/r0.res`);
    if (sndbuf) await kit.sh(n, `sed -i 's/sndbuf-size 512k;/sndbuf-size ${sndbuf};/' /etc/drbd.d/global_common.conf`);
  }
  await syncedPair(kit);
  // a 8 Mbit/s WAN (1 MB/s) with 100 ms RTT
  await kit.sh("node1", "tc qdisc add dev eth0 root netem delay 50ms rate 8mbit");
  return kit;
}

async function ddSeconds(kit: Kit, mib: number): Promise<number> {
  const t0 = kit.lab.world.clock.now;
  const r = await kit.sh("node1", `dd if=/dev/urandom of=/dev/drbd0 bs=64k count=${mib * 16} oflag=direct`);
  expect(r.code).toBe(0);
  return (kit.lab.world.clock.now - t0) / 1e6;
}

describe("protocol A send buffer (sndbuf-size)", () => {
  it("a write larger than the send buffer runs at the link's speed: ≈ (bytes − sndbuf) / bandwidth", async () => {
    const kit = await wanPair("A");
    const s = await ddSeconds(kit, 8);
    // 8 MiB − 512 KiB at 1 MB/s ≈ 7.86 s (+ the last acknowledgement)
    expect(s).toBeGreaterThan(7.7);
    expect(s).toBeLessThan(8.3);
  });

  it("a write that fits in the buffer completes at local disk speed", async () => {
    const kit = await wanPair("A", "16M");
    expect(await ddSeconds(kit, 8)).toBeLessThan(0.2);
  });

  it("sndbuf-size 0 auto-tunes up to Linux's tcp_wmem ceiling (4 MiB)", async () => {
    expect(AUTO_SNDBUF_BYTES).toBe(4 * MiB);
    const kit = await wanPair("A", "0");
    const s = await ddSeconds(kit, 8);
    expect(s).toBeGreaterThan(4.0);
    expect(s).toBeLessThan(4.6);
  });

  it("a Primary crash right after dd loses at most the buffered tail", async () => {
    const kit = await wanPair("A");
    await ddSeconds(kit, 8);
    await kit.sh("host", "docker stop drbd-node1 --time=0");
    await kit.sh("node2", "sleep 2");
    const a = kit.node("node1").blockDevices.get("/dev/sda1");
    const b = kit.node("node2").blockDevices.get("/dev/sda1");
    if (!a || !b) throw new Error("no backing disks");
    // the peer applies whole requests: the buffered 512 KiB plus the one request cut in transit
    expect(sameContent(a, 0, b, 0, 8 * MiB - 576 * 1024)).toBe(true);
    expect(sameContent(a, 0, b, 0, 8 * MiB)).toBe(false);
  });

  it("protocol C waits for the peer on every write (slower than A)", async () => {
    const kit = await wanPair("C");
    expect(await ddSeconds(kit, 8)).toBeGreaterThan(8.5);
  });
});
