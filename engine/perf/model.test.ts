import { describe, expect, it } from "vitest";
import {
  ANNEX_C_SYSCTL,
  ANNEX_C_TUNING,
  buildPerfInputs,
  LAB_DISK,
  labInputs,
  latencyWorkload,
  seqReadWorkload,
  seqWriteWorkload,
  slowDisk,
} from "./inputs";
import { alTransactionsPerRequest, evaluate } from "./model";
import type { PerfInputs, Protocol, Workload } from "./types";

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

function tput(i: PerfInputs, w: Workload = seqWriteWorkload()) {
  return evaluate(i, w).throughputMBps;
}
function lat(i: PerfInputs, w: Workload = latencyWorkload()) {
  return evaluate(i, w).latencyAvgMs;
}
function byProtocol<T>(f: (p: Protocol) => T): Record<Protocol, T> {
  return { A: f("A"), B: f("B"), C: f("C") };
}

/** The value, or a test failure when it is missing. */
function req<T>(v: T | undefined): T {
  if (v === undefined) throw new Error("missing value");
  return v;
}
const within = (v: number, target: number, tol: number) => Math.abs(v - target) / target <= tol;

describe("TP2 default lab reproduces the workshop's example table (±30%)", () => {
  const table: Record<Protocol, { mbps: number; ms: number }> = {
    A: { mbps: 450, ms: 0.5 },
    B: { mbps: 320, ms: 2.1 },
    C: { mbps: 180, ms: 4.8 },
  };
  for (const p of ["A", "B", "C"] as const) {
    it(`protocol ${p}: ~${table[p].mbps} MB/s, ~${table[p].ms} ms`, () => {
      const i = labInputs(p);
      expect(within(tput(i), table[p].mbps, 0.3)).toBe(true);
      expect(within(lat(i), table[p].ms, 0.3)).toBe(true);
    });
  }
  it("orders A > B > C in throughput and A < B < C in latency", () => {
    const { A, B, C } = byProtocol((p) => labInputs(p));
    expect(tput(A)).toBeGreaterThan(tput(B));
    expect(tput(B)).toBeGreaterThan(tput(C));
    expect(lat(A)).toBeLessThan(lat(B));
    expect(lat(B)).toBeLessThan(lat(C));
  });
  it("a wrong table would be rejected: C is not as fast as A", () => {
    expect(within(tput(labInputs("C")), 450, 0.3)).toBe(false);
    expect(within(lat(labInputs("A")), 4.8, 0.3)).toBe(false);
  });
});

describe("simulate-latency.sh 50ms (RTT + 50 ms)", () => {
  it("protocol C's write latency grows by about the added RTT", () => {
    const before = lat(labInputs("C"));
    const after = lat(labInputs("C", { netemDelayMs: 50 }));
    expect(after - before).toBeGreaterThan(48);
    expect(after - before).toBeLessThan(55);
  });
  it("protocol A's latency does not move, its throughput is bounded by the window / RTT", () => {
    const i = labInputs("A", { netemDelayMs: 50 });
    expect(lat(i)).toBeCloseTo(lat(labInputs("A")), 5);
    const r = evaluate(i, seqWriteWorkload());
    const windowBound = (4 * MIB) / (req(i.peers[0]).rttMs / 1000) / 1e6; // auto-tuned 4 MiB send buffer
    expect(r.throughputMBps).toBeLessThanOrEqual(windowBound * 1.05);
    expect(r.throughputMBps).toBeGreaterThan(windowBound * 0.9);
    expect(r.bottleneck).toMatch(/TCP window/);
    expect(req(r.peers[0]).congestion).toBe("blocked");
  });
  it("B sits between A and C", () => {
    const { A, B, C } = byProtocol((p) => labInputs(p, { netemDelayMs: 50 }));
    expect(tput(A)).toBeGreaterThan(tput(B));
    expect(tput(B)).toBeGreaterThan(tput(C));
    expect(lat(B)).toBeGreaterThan(lat(A));
    expect(lat(B)).toBeLessThan(lat(C));
  });
});

describe("send buffer and TCP window (protocol A on a 50 ms link)", () => {
  const at = (sndbufSize: number, rcvbufSize = 0) =>
    tput(labInputs("A", { netemDelayMs: 50, options: { sndbufSize, rcvbufSize } }));
  it("throughput follows sndbuf / RTT", () => {
    const rtt = 50.1 / 1000;
    // The buffers themselves absorb the first few MiB of the 256 MiB run: a few % above.
    expect(within(at(512 * KIB), (512 * KIB) / rtt / 1e6, 0.05)).toBe(true);
    expect(within(at(1024 * KIB), (1024 * KIB) / rtt / 1e6, 0.05)).toBe(true);
  });
  it("a bigger sndbuf-size raises A's throughput (annex B 512k < annex C 1024k < 4 MiB)", () => {
    expect(at(1024 * KIB)).toBeGreaterThan(at(512 * KIB) * 1.8);
    expect(at(4 * MIB)).toBeGreaterThan(at(1024 * KIB) * 3);
  });
  it("the receive buffer caps the window too", () => {
    expect(within(at(4 * MIB, 512 * KIB), at(512 * KIB, 512 * KIB), 0.03)).toBe(true);
    expect(at(4 * MIB, 512 * KIB)).toBeLessThan(at(4 * MIB) / 4);
  });
  it("sndbuf-size 0 auto-tunes up to tcp_wmem[2]; annex C's sysctl raises that ceiling", () => {
    const auto = tput(labInputs("A", { netemDelayMs: 50 }));
    const sysctl = tput(labInputs("A", { netemDelayMs: 50, host: ANNEX_C_SYSCTL }));
    expect(sysctl).toBeGreaterThan(auto * 1.3);
  });
  it("on a LAN the window does not matter", () => {
    expect(at(512 * KIB)).toBeLessThan(tput(labInputs("A")));
    expect(tput(labInputs("A", { options: { sndbufSize: 512 * KIB, rcvbufSize: 512 * KIB } }))).toBeGreaterThan(300);
  });
});

describe("annex C tuning", () => {
  it("al-extents 3389 cuts activity-log transactions for a working set larger than 1237 extents", () => {
    const big = 20 * GIB;
    const w = { ...latencyWorkload(big) };
    const def = buildPerfInputs({ deviceBytes: big, peers: [{ name: "node2", protocol: "C" }] });
    const tuned = buildPerfInputs({
      deviceBytes: big,
      options: ANNEX_C_TUNING,
      peers: [{ name: "node2", protocol: "C" }],
    });
    expect(alTransactionsPerRequest(def, w)).toBeCloseTo(1 - 1237 / 5120, 5);
    expect(alTransactionsPerRequest(tuned, w)).toBeCloseTo(1 - 3389 / 5120, 5);
    expect(lat(tuned, w)).toBeLessThan(lat(def, w) - 1);
    expect(evaluate(tuned, w).alTransactionsPerSec).toBeLessThan(evaluate(def, w).alTransactionsPerSec);
  });
  it("al-extents changes nothing when the working set fits (the lab's 1 GiB disk = 256 extents)", () => {
    expect(alTransactionsPerRequest(labInputs("C"), latencyWorkload())).toBe(0);
    expect(lat(labInputs("C", { options: ANNEX_C_TUNING }))).toBeCloseTo(lat(labInputs("C")), 6);
  });
  it("a tiny al-extents with a random working set makes every write pay an AL transaction", () => {
    const tiny = labInputs("A", { options: { alExtents: 67 } });
    expect(lat(tiny) - lat(labInputs("A"))).toBeGreaterThan(0.7 * (LAB_DISK.writeLatencyMs + LAB_DISK.flushLatencyMs));
  });
  it("max-buffers 36k lifts the cap a high-latency peer disk puts on a deep queue", () => {
    const sanDisk = { ...LAB_DISK, writeLatencyMs: 20, writeMBps: 500 };
    const deep: Workload = { ...seqWriteWorkload(), queueDepth: 64, totalBytes: GIB, workingSetBytes: GIB };
    const mk = (maxBuffers: number) =>
      buildPerfInputs({ options: { maxBuffers }, peers: [{ name: "node2", protocol: "C", disk: sanDisk }] });
    const small = evaluate(mk(2048), deep);
    const big = evaluate(mk(36 * 1024), deep);
    expect(small.bottleneck).toMatch(/max-buffers/);
    expect(big.throughputMBps).toBeGreaterThan(small.throughputMBps * 1.1);
  });
  it("c-max-rate 720M only matters when the resync is not throttled (c-min-rate 0)", () => {
    const resync = (o: object) =>
      buildPerfInputs({ resyncActive: true, options: o, peers: [{ name: "node2", protocol: "C" }] });
    const w: Workload = { ...seqWriteWorkload(), queueDepth: 8 };
    const throttledDef = evaluate(resync({}), w);
    const throttledC = evaluate(resync(ANNEX_C_TUNING), w);
    expect(throttledC.resyncMBps).toBeCloseTo(throttledDef.resyncMBps, 6);
    expect(throttledDef.resyncMBps).toBeCloseTo(0.256, 3);
    const freeDef = evaluate(resync({ cMinRateKiBps: 0 }), w);
    const freeC = evaluate(resync({ ...ANNEX_C_TUNING, cMinRateKiBps: 0 }), w);
    expect(freeC.resyncMBps).toBeGreaterThan(freeDef.resyncMBps * 2);
    expect(freeC.throughputMBps).toBeLessThan(freeDef.throughputMBps);
    expect(freeDef.throughputMBps).toBeLessThan(throttledDef.throughputMBps);
  });
  it("no-disk-flushes (annex B) removes the peer's barrier flush", () => {
    const noFlush = (p: Protocol) => labInputs(p, { options: { diskFlushes: false } });
    expect(lat(labInputs("C")) - lat(noFlush("C"))).toBeCloseTo(LAB_DISK.flushLatencyMs, 5);
    expect(tput(noFlush("A"))).toBeGreaterThan(tput(labInputs("A")) * 1.2);
  });
});

describe("epochs", () => {
  it("a small max-epoch-size multiplies the peer's barrier flushes under a deep queue", () => {
    const deep: Workload = { ...seqWriteWorkload(), queueDepth: 32 };
    const mk = (maxEpochSize: number) => labInputs("A", { options: { maxEpochSize } });
    expect(tput(mk(1), deep)).toBeLessThan(tput(mk(2048), deep) * 0.8);
    expect(evaluate(mk(1), deep).bottleneck).toMatch(/barrier flushes/);
  });
});

describe("slow disk (simulate-failure.sh slow-disk)", () => {
  it("on the Primary: the local part of every protocol slows down", () => {
    for (const p of ["A", "B", "C"] as const) {
      const slow = buildPerfInputs({ local: slowDisk(LAB_DISK), peers: [{ name: "node2", protocol: p }] });
      expect(lat(slow)).toBeGreaterThan(lat(labInputs(p)) + 15);
    }
  });
  it("on the Secondary: C waits for it, B waits for its flush, A does not", () => {
    const peerSlow = (p: Protocol) =>
      buildPerfInputs({ peers: [{ name: "node2", protocol: p, disk: slowDisk(LAB_DISK) }] });
    expect(lat(peerSlow("C"))).toBeGreaterThan(lat(labInputs("C")) + 50);
    expect(lat(peerSlow("B"))).toBeGreaterThan(lat(labInputs("B")) + 30);
    expect(lat(peerSlow("A"))).toBeCloseTo(lat(labInputs("A")), 6);
    expect(tput(peerSlow("A"))).toBeLessThan(tput(labInputs("A")) / 3);
  });
});

describe("reads, congestion, several peers, loss", () => {
  it("reads are local: identical for A, B, C and any RTT", () => {
    const base = tput(labInputs("A"), seqReadWorkload());
    for (const p of ["B", "C"] as const)
      expect(tput(labInputs(p, { netemDelayMs: 100 }), seqReadWorkload())).toBe(base);
    expect(base).toBeGreaterThan(tput(labInputs("A")));
  });
  it("on-congestion pull-ahead keeps A at local speed and leaves data out of sync", () => {
    const r = evaluate(labInputs("A", { netemDelayMs: 50, onCongestion: "pull-ahead" }), seqWriteWorkload());
    const blocked = evaluate(labInputs("A", { netemDelayMs: 50 }), seqWriteWorkload());
    expect(req(r.peers[0]).congestion).toBe("ahead");
    expect(req(r.peers[0]).outOfSyncBytes).toBeGreaterThan(100 * MIB);
    expect(r.throughputMBps).toBeGreaterThan(blocked.throughputMBps * 3);
    expect(req(blocked.peers[0]).outOfSyncBytes).toBe(0);
  });
  it("a burst that fits the buffers is not slowed by a slow link", () => {
    const w: Workload = { ...seqWriteWorkload(), totalBytes: 4 * MIB };
    expect(tput(labInputs("A", { netemDelayMs: 50 }), w)).toBeCloseTo(
      tput(labInputs("A", { options: { diskFlushes: false } }), w),
      0,
    );
  });
  it("9.4: C inside the site, A across the WAN: latency from C, throughput capped by the WAN window", () => {
    const i = buildPerfInputs({
      peers: [
        { name: "node2", protocol: "C" },
        { name: "node3", protocol: "A", oneWayMs: 10, bandwidthMBps: 125 },
      ],
    });
    const r = evaluate(i, latencyWorkload());
    expect(r.latencyAvgMs).toBeCloseTo(lat(labInputs("C")), 6);
    const t = evaluate(i, seqWriteWorkload());
    expect(t.throughputMBps).toBeLessThan(125);
    expect(t.bottleneck).toMatch(/node3/);
  });
  it("packet loss adds retransmission delay and lowers throughput", () => {
    const lossy = buildPerfInputs({ peers: [{ name: "node2", protocol: "C", loss: 0.02 }] });
    expect(lat(lossy)).toBeGreaterThan(lat(labInputs("C")));
    expect(tput(lossy)).toBeLessThan(tput(labInputs("C")));
  });
  it("a node without connected peers writes at local speed", () => {
    const alone = buildPerfInputs({ peers: [] });
    expect(lat(alone)).toBeCloseTo(lat(labInputs("A")), 6);
    expect(tput(alone)).toBeGreaterThan(tput(labInputs("A")));
  });
  it("the breakdown adds up to the request time", () => {
    const r = evaluate(labInputs("C"), latencyWorkload());
    const sum = r.path.reduce((s, p) => s + p.ms, 0);
    expect(sum).toBeCloseTo(r.requestMs, 9);
    expect(r.path.map((p) => p.label)).toContain("peer: barrier flush (disk-flushes)");
  });
});
