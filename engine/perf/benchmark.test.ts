import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng";
import { BENCHMARK_USAGE, monitorLatency, parseBenchmarkMode, runBenchmark } from "./benchmark";
import { cG, ddHuman, iopingTime } from "./format";
import { labInputs, latencyWorkload, seqWriteWorkload } from "./inputs";
import { evaluate } from "./model";

/** The value, or a test failure when it is missing. */
function req<T>(v: T | undefined): T {
  if (v === undefined) throw new Error("missing value");
  return v;
}

describe("benchmark.sh write", () => {
  it("prints the same text for the same seed, and another text for another seed", () => {
    const a = runBenchmark("write", labInputs("C"), new Rng(7));
    const b = runBenchmark("write", labInputs("C"), new Rng(7));
    const c = runBenchmark("write", labInputs("C"), new Rng(8));
    expect(a.text).toBe(b.text);
    expect(a.elapsedMs).toBe(b.elapsedMs);
    expect(c.text).not.toBe(a.text);
  });
  it("shows the workshop-style header, dd's summary lines and fio's latency lines", () => {
    const r = runBenchmark("write", labInputs("C"), new Rng(1));
    expect(r.text).toContain("│ DRBD Benchmark - Protocol C");
    expect(r.text).toContain("│ Peer: node2 - protocol C, RTT 0.10 ms");
    expect(r.text).toContain(
      "$ dd if=/dev/zero of=/mnt/drbd/.drbd-benchmark bs=1M count=256 oflag=direct\n256+0 records in\n256+0 records out\n",
    );
    expect(r.text).toMatch(/^268435456 bytes \(268 MB, 256 MiB\) copied, \d+\.\d+ s, \d+ MB\/s$/m);
    expect(r.text).toMatch(/^ {2}write: IOPS=\d+, BW=\d+KiB\/s \(\d+kB\/s\)$/m);
    expect(r.text).toMatch(
      /^ {4}clat percentiles \(msec\): 50\.00th=\[[\d.]+\], 90\.00th=\[[\d.]+\], 99\.00th=\[[\d.]+\]$/m,
    );
    expect(r.text).toContain("peer: barrier flush (disk-flushes)");
    expect(r.text).toContain("  Data safety    : Zero data loss (sync)");
    expect(runBenchmark("write", labInputs("A"), new Rng(1)).text).toContain("Possible data loss");
  });
  it("prints the figures it returns, close to the model's", () => {
    const i = labInputs("B");
    const r = runBenchmark("write", i, new Rng(3));
    const n = r.numbers;
    expect(r.text).toContain(`Throughput     : ${Math.round(req(n.throughputMBps))} MB/s`);
    expect(r.text).toContain(`Latency (avg)  : ${req(n.latencyAvgMs).toFixed(2)} ms`);
    const model = evaluate(i, seqWriteWorkload());
    expect(Math.abs(req(n.throughputMBps) / model.throughputMBps - 1)).toBeLessThan(0.08);
    const lat = evaluate(i, latencyWorkload());
    expect(Math.abs(req(n.latencyAvgMs) / lat.latencyAvgMs - 1)).toBeLessThan(0.05);
    expect(req(n.latencyP99Ms)).toBeGreaterThan(req(n.latencyAvgMs));
  });
  it("keeps the TP2 ordering whatever the seed", () => {
    for (let seed = 1; seed <= 6; seed++) {
      const [a, b, c] = (["A", "B", "C"] as const).map(
        (p) => runBenchmark("write", labInputs(p), new Rng(seed)).numbers,
      );
      const t = (n: typeof a) => req(req(n).throughputMBps);
      const l = (n: typeof a) => req(req(n).latencyAvgMs);
      expect(t(a)).toBeGreaterThan(t(b));
      expect(t(b)).toBeGreaterThan(t(c));
      expect(l(a)).toBeLessThan(l(b));
      expect(l(b)).toBeLessThan(l(c));
    }
  });
  it("takes virtual time: longer on a 50 ms link", () => {
    const lan = runBenchmark("write", labInputs("C"), new Rng(1));
    const wan = runBenchmark("write", labInputs("C", { netemDelayMs: 50 }), new Rng(1));
    expect(lan.elapsedMs).toBeGreaterThan(1000);
    expect(wan.elapsedMs).toBeGreaterThan(lan.elapsedMs * 10);
  });
  it("explains congestion: the send buffer filling up, or pull-ahead", () => {
    const blocked = runBenchmark("write", labInputs("A", { netemDelayMs: 50 }), new Rng(1));
    expect(blocked.text).toContain("send buffer to node2 filled up");
    expect(blocked.text).toMatch(/Limited by +: TCP window to node2 \(4096 KiB \/ 50\.1 ms RTT\)/);
    const ahead = runBenchmark("write", labInputs("A", { netemDelayMs: 50, onCongestion: "pull-ahead" }), new Rng(1));
    expect(ahead.text).toMatch(/node2 fell behind: Ahead\/Behind \(on-congestion pull-ahead\), \d+ MiB out of sync/);
    expect(runBenchmark("write", labInputs("C"), new Rng(1)).text).not.toContain("Note:");
  });
});

describe("benchmark.sh read and latency", () => {
  it("read: served locally, the same figures for every protocol", () => {
    const a = runBenchmark("read", labInputs("A"), new Rng(5));
    const c = runBenchmark("read", labInputs("C", { netemDelayMs: 50 }), new Rng(5));
    expect(a.numbers).toEqual(c.numbers);
    expect(a.text).toContain("read-balancing prefer-local");
    expect(a.text).toContain("$ dd if=/mnt/drbd/.drbd-benchmark of=/dev/null bs=1M count=256 iflag=direct");
  });
  it("latency: fio-like run with percentiles and the breakdown", () => {
    const r = runBenchmark("latency", labInputs("C"), new Rng(2));
    expect(r.text).toContain("DRBD Benchmark - Write Latency (Protocol C)");
    expect(r.text).toContain("--rw=randwrite --bs=4k --iodepth=1 --direct=1 --number_ios=1000");
    expect(r.numbers.throughputMBps).toBeUndefined();
    expect(req(r.numbers.latencyP99Ms)).toBeGreaterThan(req(r.numbers.latencyAvgMs));
    expect(r.elapsedMs).toBeCloseTo(1000 * req(r.numbers.latencyAvgMs), 6);
  });
  it("latency shows activity-log transactions when al-extents is too small", () => {
    const r = runBenchmark("latency", labInputs("C", { options: { alExtents: 67 } }), new Rng(2));
    expect(r.text).toMatch(/Activity log +: \d+ AL transactions\/s \(al-extents 67\)/);
    expect(runBenchmark("latency", labInputs("C"), new Rng(2)).text).not.toContain("AL transactions");
  });
  it("accepts exactly write, read and latency", () => {
    expect(parseBenchmarkMode("write")).toBe("write");
    expect(parseBenchmarkMode("latency")).toBe("latency");
    for (const bad of [undefined, "", "WRITE", "writes", "bench"]) expect(parseBenchmarkMode(bad)).toBeNull();
    expect(BENCHMARK_USAGE).toBe("Usage: benchmark.sh write|read|latency");
  });
});

describe("monitor.sh latency", () => {
  it("prints ioping-like probes one second apart, deterministic for a seed", () => {
    const r = monitorLatency(labInputs("C"), new Rng(4));
    expect(r.text).toBe(monitorLatency(labInputs("C"), new Rng(4)).text);
    const probes = r.text
      .split("\n")
      .filter((l) => l.startsWith("4 KiB >>> /dev/drbd0 (block device 1 GiB): request="));
    expect(probes).toHaveLength(5);
    expect(probes[0]).toMatch(/\(warmup\)$/);
    expect(r.text).toMatch(/^4 requests completed in [\d.]+ ms, 16 KiB written, \d+ iops, [\d.]+ MiB\/s$/m);
    expect(r.text).toMatch(/^min\/avg\/max\/mdev = [\d.]+ ms \/ [\d.]+ ms \/ [\d.]+ ms \/ [\d.]+ (us|ms)$/m);
    expect(r.elapsedMs).toBeGreaterThan(4000);
    expect(r.samplesMs.every((t) => t > 1 && t < 10)).toBe(true);
  });
  it("follows the RTT added by simulate-latency", () => {
    const r = monitorLatency(labInputs("C", { netemDelayMs: 50 }), new Rng(4), undefined, 3);
    expect(r.samplesMs).toHaveLength(3);
    expect(Math.min(...r.samplesMs)).toBeGreaterThan(50);
  });
});

describe("formatting like dd and ioping", () => {
  it("dd sizes and seconds", () => {
    expect(ddHuman(268435456, true)).toBe("268 MB");
    expect(ddHuman(268435456, false)).toBe("256 MiB");
    expect(ddHuman(1073741824, true)).toBe("1.1 GB");
    expect(ddHuman(1073741824, false)).toBe("1.0 GiB");
    expect(cG(1.5623512)).toBe("1.56235");
    expect(cG(12.5)).toBe("12.5");
  });
  it("ioping times", () => {
    expect(iopingTime(0.0952)).toBe("95.2 us");
    expect(iopingTime(3.664)).toBe("3.66 ms");
    expect(iopingTime(1234)).toBe("1.23 s");
  });
});
