/**
 * The benchmark runner behind `/scripts/benchmark.sh write|read|latency` and
 * `/scripts/monitor.sh latency`: evaluates the model, draws seeded jitter around it (same
 * seed → same text) and prints what dd, fio and ioping would print, framed like the
 * workshop's boxes. Returns the virtual time the run takes so the caller advances its clock.
 */
import type { Rng } from "../core/rng";
import { box, cG, ddHuman, ddRate, iopingTime, ms, percentile } from "./format";
import { latencyWorkload, seqReadWorkload, seqWriteWorkload } from "./inputs";
import { evaluate } from "./model";
import type { PerfInputs, PerfResult, Workload } from "./types";

export type BenchmarkMode = "write" | "read" | "latency";
export const BENCHMARK_MODES: readonly BenchmarkMode[] = ["write", "read", "latency"];
export const BENCHMARK_USAGE = "Usage: benchmark.sh write|read|latency";

/** The script's argument check: a mode, or null (print the usage line, exit 1). */
export function parseBenchmarkMode(arg: string | undefined): BenchmarkMode | null {
  return BENCHMARK_MODES.find((m) => m === arg) ?? null;
}

export interface BenchmarkContext {
  resource: string;
  device: string;
  /** File the benchmark writes (on the DRBD-backed filesystem). */
  file: string;
  /** Overrides of the standard workloads (tests, bench). */
  seq?: Workload;
  latency?: Workload;
}

export interface BenchmarkNumbers {
  throughputMBps?: number;
  latencyAvgMs?: number;
  latencyP99Ms?: number;
  iops?: number;
}

export interface BenchmarkRun {
  mode: BenchmarkMode;
  text: string;
  /** Virtual time the benchmark takes (ms). */
  elapsedMs: number;
  /** The figures printed in the summary. */
  numbers: BenchmarkNumbers;
  /** The model's deterministic results behind them. */
  results: PerfResult[];
}

export const DEFAULT_CONTEXT: BenchmarkContext = {
  resource: "r0",
  device: "/dev/drbd0",
  file: "/mnt/drbd/.drbd-benchmark",
};

/** Approximately standard normal (Irwin–Hall with four uniforms). */
function gauss(rng: Rng): number {
  return (rng.next() + rng.next() + rng.next() + rng.next() - 2) * Math.sqrt(3);
}

/** Log-normal factor with mean 1 and the given coefficient of variation. */
function jitter(rng: Rng, cv: number): number {
  const s = Math.sqrt(Math.log(1 + cv * cv));
  return Math.exp(s * gauss(rng) - (s * s) / 2);
}

/** Per-request latencies: every step of the critical path varies on its own. */
export function sampleLatencies(r: PerfResult, rng: Rng, n: number): number[] {
  const queueing = r.requestMs > 0 ? r.latencyAvgMs / r.requestMs : 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (const step of r.path) t += step.ms * jitter(rng, step.cv);
    out.push(t * queueing);
  }
  return out;
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const avg = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  const sd = Math.sqrt(samples.reduce((a, b) => a + (b - avg) ** 2, 0) / Math.max(1, samples.length));
  return { sorted, avg, sd, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

function protocolLabel(inputs: PerfInputs): string {
  const protocols = [...new Set(inputs.peers.map((p) => p.protocol))];
  if (protocols.length === 0) return "none (no peer connected)";
  if (protocols.length === 1) return protocols[0] as string;
  return inputs.peers.map((p) => `${p.name}:${p.protocol}`).join(" ");
}

/** The workshop table's "Data Safety" column (section 5, step 4). */
const DATA_SAFETY: Record<string, string> = {
  A: "Possible data loss (async)",
  B: "In-flight data risk (semi-sync)",
  C: "Zero data loss (sync)",
};

function header(title: string, inputs: PerfInputs, ctx: BenchmarkContext): string {
  const lines: (string | null)[] = [title, null, `Resource: ${ctx.resource} (${ctx.device})`];
  for (const p of inputs.peers) lines.push(`Peer: ${p.name} - protocol ${p.protocol}, RTT ${ms(p.rttMs)} ms`);
  return box(lines);
}

function breakdown(r: PerfResult, what: string): string[] {
  const lines = [`  Where the time goes (${what}, critical path):`];
  for (const step of r.path) lines.push(`    ${`${step.label} `.padEnd(44, ".")} ${ms(step.ms).padStart(7)} ms`);
  return lines;
}

function congestionNotes(r: PerfResult, inputs: PerfInputs): string[] {
  const notes: string[] = [];
  for (const p of r.peers) {
    if (p.congestion === "blocked")
      notes.push(`  Note: send buffer to ${p.name} filled up; writes then waited for the peer (on-congestion block).`);
    if (p.congestion === "ahead")
      notes.push(
        `  Note: ${p.name} fell behind: Ahead/Behind (on-congestion pull-ahead), ${ddHuman(p.outOfSyncBytes, false)} out of sync.`,
      );
    if (p.congestion === "disconnected")
      notes.push(`  Note: congestion towards ${p.name}: connection dropped (on-congestion disconnect).`);
  }
  if (r.resyncMBps > 0) {
    const how = inputs.drbd.cMinRateKiBps > 0 ? "throttled to c-min-rate" : "c-min-rate 0: not throttled";
    notes.push(`  Note: resync in progress uses ${ms(r.resyncMBps)} MB/s (${how}).`);
  }
  return notes;
}

interface DdRun {
  lines: string[];
  elapsedMs: number;
  mbps: number;
}

function ddRun(r: PerfResult, rng: Rng, cmd: string): DdRun {
  const mbps = r.throughputMBps * jitter(rng, 0.02);
  const records = Math.floor(r.bytes / r.workload.blockBytes);
  const bytes = records * r.workload.blockBytes;
  const seconds = bytes / (mbps * 1e6);
  const lines = [`$ ${cmd}`, `${records}+0 records in`, `${records}+0 records out`];
  lines.push(
    `${bytes} bytes (${ddHuman(bytes, true)}, ${ddHuman(bytes, false)}) copied, ${cG(seconds)} s, ${ddRate(mbps * 1e6)}`,
  );
  return { lines, elapsedMs: seconds * 1000, mbps };
}

interface FioRun {
  lines: string[];
  elapsedMs: number;
  avg: number;
  p99: number;
  iops: number;
}

function fioRun(r: PerfResult, rng: Rng): FioRun {
  const n = Math.max(1, Math.round(r.bytes / r.workload.blockBytes));
  const s = stats(sampleLatencies(r, rng, n));
  const totalMs = s.avg * n;
  const iops = (n * 1000) / totalMs;
  const kib = (iops * r.workload.blockBytes) / 1024;
  const p = (q: number) => ms(percentile(s.sorted, q));
  const lines = [
    `  write: IOPS=${Math.round(iops)}, BW=${Math.round(kib)}KiB/s (${Math.round(kib * 1.024)}kB/s)`,
    `    clat (msec): min=${ms(s.min)}, max=${ms(s.max)}, avg=${ms(s.avg)}, stdev=${ms(s.sd)}`,
    `    clat percentiles (msec): 50.00th=[${p(50)}], 90.00th=[${p(90)}], 99.00th=[${p(99)}]`,
  ];
  return { lines, elapsedMs: totalMs, avg: s.avg, p99: percentile(s.sorted, 99), iops };
}

function ddCount(w: Workload): number {
  return Math.round(w.totalBytes / w.blockBytes);
}

function runWrite(inputs: PerfInputs, rng: Rng, ctx: BenchmarkContext): BenchmarkRun {
  const seqW = ctx.seq ?? seqWriteWorkload(inputs.deviceBytes);
  const latW = ctx.latency ?? latencyWorkload(inputs.deviceBytes);
  const seq = evaluate(inputs, seqW);
  const lat = evaluate(inputs, latW);
  const proto = protocolLabel(inputs);
  const dd = ddRun(seq, rng.fork("dd"), `dd if=/dev/zero of=${ctx.file} bs=1M count=${ddCount(seqW)} oflag=direct`);
  const fio = fioRun(lat, rng.fork("fio"));
  const n = Math.round(lat.bytes / latW.blockBytes);
  const lines = [
    header(`DRBD Benchmark - Protocol ${proto}`, inputs, ctx),
    "",
    "[1/2] Sequential write (1 MiB blocks, O_DIRECT)",
    ...dd.lines,
    "",
    `[2/2] Write latency (${n} x 4 KiB random writes, O_DIRECT, queue depth 1)`,
    ...fio.lines,
    "",
    `Results - Protocol ${proto}`,
    `  Throughput     : ${Math.round(dd.mbps)} MB/s`,
    `  Latency (avg)  : ${ms(fio.avg)} ms`,
    `  Latency (p99)  : ${ms(fio.p99)} ms`,
    `  IOPS (4 KiB)   : ${Math.round(fio.iops)}`,
    `  Limited by     : ${seq.bottleneck}`,
    ...(DATA_SAFETY[proto] ? [`  Data safety    : ${DATA_SAFETY[proto]}`] : []),
    ...congestionNotes(seq, inputs),
    ...breakdown(lat, "one 4 KiB write"),
  ];
  return {
    mode: "write",
    text: `${lines.join("\n")}\n`,
    elapsedMs: dd.elapsedMs + fio.elapsedMs,
    numbers: { throughputMBps: dd.mbps, latencyAvgMs: fio.avg, latencyP99Ms: fio.p99, iops: fio.iops },
    results: [seq, lat],
  };
}

function runRead(inputs: PerfInputs, rng: Rng, ctx: BenchmarkContext): BenchmarkRun {
  const w = seqReadWorkload(inputs.deviceBytes);
  const r = evaluate(inputs, w);
  const dd = ddRun(r, rng.fork("dd"), `dd if=${ctx.file} of=/dev/null bs=1M count=${ddCount(w)} iflag=direct`);
  const lines = [
    header("DRBD Benchmark - Sequential Read", inputs, ctx),
    "",
    "Reads are served by the local disk (read-balancing prefer-local):",
    "the replication protocol does not change them.",
    "",
    ...dd.lines,
    "",
    "Results - Read",
    `  Throughput     : ${Math.round(dd.mbps)} MB/s`,
    `  Latency (avg)  : ${ms(r.latencyAvgMs)} ms per 1 MiB read`,
    `  Limited by     : ${r.bottleneck}`,
  ];
  return {
    mode: "read",
    text: `${lines.join("\n")}\n`,
    elapsedMs: dd.elapsedMs,
    numbers: { throughputMBps: dd.mbps, latencyAvgMs: r.latencyAvgMs },
    results: [r],
  };
}

function runLatency(inputs: PerfInputs, rng: Rng, ctx: BenchmarkContext): BenchmarkRun {
  const w = ctx.latency ?? latencyWorkload(inputs.deviceBytes);
  const r = evaluate(inputs, w);
  const fio = fioRun(r, rng.fork("fio"));
  const n = Math.round(r.bytes / w.blockBytes);
  const proto = protocolLabel(inputs);
  const lines = [
    header(`DRBD Benchmark - Write Latency (Protocol ${proto})`, inputs, ctx),
    "",
    `$ fio --name=latency --filename=${ctx.file} --rw=randwrite --bs=4k --iodepth=1 --direct=1 --number_ios=${n}`,
    ...fio.lines,
    "",
    `Results - Protocol ${proto}`,
    `  Latency (avg)  : ${ms(fio.avg)} ms`,
    `  Latency (p99)  : ${ms(fio.p99)} ms`,
    `  IOPS (4 KiB)   : ${Math.round(fio.iops)}`,
    ...(r.alTransactionsPerSec > 0
      ? [
          `  Activity log   : ${Math.round(r.alTransactionsPerSec)} AL transactions/s (al-extents ${inputs.drbd.alExtents})`,
        ]
      : []),
    ...congestionNotes(r, inputs),
    ...breakdown(r, "one 4 KiB write"),
  ];
  return {
    mode: "latency",
    text: `${lines.join("\n")}\n`,
    elapsedMs: fio.elapsedMs,
    numbers: { latencyAvgMs: fio.avg, latencyP99Ms: fio.p99, iops: fio.iops },
    results: [r],
  };
}

/** `benchmark.sh write|read|latency`. */
export function runBenchmark(
  mode: BenchmarkMode,
  inputs: PerfInputs,
  rng: Rng,
  ctx: BenchmarkContext = DEFAULT_CONTEXT,
): BenchmarkRun {
  if (mode === "write") return runWrite(inputs, rng, ctx);
  if (mode === "read") return runRead(inputs, rng, ctx);
  return runLatency(inputs, rng, ctx);
}

export interface MonitorLatencyRun {
  text: string;
  elapsedMs: number;
  samplesMs: number[];
}

/**
 * `monitor.sh latency`: a few 4 KiB write probes one second apart, printed like `ioping -W`.
 */
export function monitorLatency(
  inputs: PerfInputs,
  rng: Rng,
  ctx: BenchmarkContext = DEFAULT_CONTEXT,
  count = 5,
): MonitorLatencyRun {
  const r = evaluate(inputs, latencyWorkload(inputs.deviceBytes, count));
  const samples = sampleLatencies(r, rng.fork("ioping"), count);
  const size = ddHuman(inputs.deviceBytes, false).replace(".0 ", " ");
  const target = `${ctx.device} (block device ${size})`;
  const lines = [`Write latency on ${ctx.device} - resource ${ctx.resource}, protocol ${protocolLabel(inputs)}`];
  for (const [i, t] of samples.entries()) {
    lines.push(`4 KiB >>> ${target}: request=${i + 1} time=${iopingTime(t)}${i === 0 ? " (warmup)" : ""}`);
  }
  const counted = samples.slice(1);
  const s = stats(counted.length > 0 ? counted : samples);
  const busy = counted.reduce((a, b) => a + b, 0);
  lines.push("", `--- ${target} ioping statistics ---`);
  const iops = busy > 0 ? (counted.length * 1000) / busy : 0;
  lines.push(
    `${counted.length} requests completed in ${iopingTime(busy)}, ${counted.length * 4} KiB written, ${Math.round(iops)} iops, ${((iops * 4) / 1024).toFixed(2)} MiB/s`,
  );
  lines.push(
    `min/avg/max/mdev = ${iopingTime(s.min)} / ${iopingTime(s.avg)} / ${iopingTime(s.max)} / ${iopingTime(s.sd)}`,
  );
  return {
    text: `${lines.join("\n")}\n`,
    elapsedMs: (count - 1) * 1000 + samples.reduce((a, b) => a + b, 0),
    samplesMs: samples,
  };
}
