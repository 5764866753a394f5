// TP2 matrix: `benchmark.sh write` (seed 1) for protocol A/B/C × RTT 0.1/10/50/100 ms, with the
// lab's shipped config (annex B), DRBD's defaults and annex C's tuning. Throughput is the dd phase
// (1 MiB direct writes), latency the 4 KiB latency phase. Also times the model itself.
import { Rng } from "../engine/core/rng";
import { runBenchmark } from "../engine/perf/benchmark";
import {
  ANNEX_B_TUNING,
  ANNEX_C_SYSCTL,
  ANNEX_C_TUNING,
  buildPerfInputs,
  LAB_DISK,
  latencyWorkload,
  type PerfSource,
  seqWriteWorkload,
} from "../engine/perf/inputs";
import { evaluate } from "../engine/perf/model";
import type { DrbdTuning, HostParams, Protocol, Workload } from "../engine/perf/types";

const RTTS_MS = [0.1, 10, 50, 100];
const PROTOCOLS: Protocol[] = ["A", "B", "C"];

interface Variant {
  title: string;
  options: Partial<DrbdTuning>;
  host: Partial<HostParams>;
}

const VARIANTS: Variant[] = [
  {
    title: "Lab as shipped: annex B global_common.conf (no-disk-flushes, no-md-flushes, sndbuf/rcvbuf 512k)",
    options: ANNEX_B_TUNING,
    host: {},
  },
  { title: "DRBD defaults (sndbuf auto ≤ 4 MiB, max-buffers 2048, al-extents 1237)", options: {}, host: {} },
  {
    title: "Annex C tuning (max-buffers 36k, sndbuf 1024k, rcvbuf 2048k, al-extents 3389, c-max-rate 720M)",
    options: ANNEX_C_TUNING,
    host: {},
  },
  {
    title: "Lab + annex C (the shipped annex B file with annex C's values applied on top)",
    options: { ...ANNEX_B_TUNING, ...ANNEX_C_TUNING },
    host: {},
  },
  {
    title: "Annex C tuning + annex C sysctls (tcp_wmem/rmem max 16 MiB)",
    options: ANNEX_C_TUNING,
    host: ANNEX_C_SYSCTL,
  },
];

function cell(mbps: number, ms: number): string {
  const t = mbps >= 100 ? mbps.toFixed(0) : mbps.toFixed(1);
  const l = ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
  return `${t.padStart(6)} MB/s ${l.padStart(6)} ms`;
}

export default async function tp2MatrixBench(): Promise<void> {
  const started = performance.now();
  let runs = 0;
  for (const v of VARIANTS) {
    console.log(`\n${v.title}`);
    console.log(
      `${"RTT".padStart(8)} | ${PROTOCOLS.map((p) => `protocol ${p}`.padEnd(21)).join(" | ")} | virtual time (A/B/C)`,
    );
    for (const rtt of RTTS_MS) {
      const cells: string[] = [];
      const times: string[] = [];
      for (const protocol of PROTOCOLS) {
        const inputs = buildPerfInputs({
          options: v.options,
          host: v.host,
          peers: [{ name: "node2", protocol, oneWayMs: rtt / 2 }],
        });
        const r = runBenchmark("write", inputs, new Rng(1));
        runs++;
        cells.push(cell(r.numbers.throughputMBps ?? 0, r.numbers.latencyAvgMs ?? 0));
        times.push(`${(r.elapsedMs / 1000).toFixed(1)}s`);
      }
      console.log(`${`${rtt} ms`.padStart(8)} | ${cells.join(" | ")} | ${times.join("/")}`);
    }
  }
  annexEffects();
  const wallMs = performance.now() - started;
  console.log(
    `\n${runs} benchmark runs in ${wallMs.toFixed(0)} ms (${(wallMs / runs).toFixed(1)} ms per run, 1000 latency samples each)`,
  );
}

/** Where each annex C option shows: the situations a DRBD admin tunes it for. */
function annexEffects(): void {
  const GIB = 1024 ** 3;
  const cases: { what: string; src: PerfSource; w: Workload; figure: "latency" | "throughput" | "resync" }[] = [
    {
      what: "al-extents: 4 KiB random writes over 20 GiB, protocol C",
      src: { deviceBytes: 20 * GIB, peers: [{ name: "node2", protocol: "C" }] },
      w: latencyWorkload(20 * GIB),
      figure: "latency",
    },
    {
      what: "max-buffers: peer disk 20 ms / 500 MB/s, 64 x 1 MiB in flight, C",
      src: { peers: [{ name: "node2", protocol: "C", disk: { ...LAB_DISK, writeLatencyMs: 20, writeMBps: 500 } }] },
      w: { ...seqWriteWorkload(), queueDepth: 64, totalBytes: GIB },
      figure: "throughput",
    },
    {
      what: "c-max-rate: resync running, c-min-rate 0, 8 x 1 MiB in flight, C",
      src: { resyncActive: true, options: { cMinRateKiBps: 0 }, peers: [{ name: "node2", protocol: "C" }] },
      w: { ...seqWriteWorkload(), queueDepth: 8 },
      figure: "resync",
    },
    {
      what: "sndbuf-size: protocol A, 50 ms RTT (auto-tuned 4 MiB vs fixed 1024k)",
      src: { peers: [{ name: "node2", protocol: "A", oneWayMs: 25 }] },
      w: seqWriteWorkload(),
      figure: "throughput",
    },
  ];
  console.log("\nAnnex C, option by option (defaults -> annex C)");
  for (const c of cases) {
    const before = evaluate(buildPerfInputs(c.src), c.w);
    const after = evaluate(
      buildPerfInputs({
        ...c.src,
        options: { ...c.src.options, ...ANNEX_C_TUNING, ...(c.figure === "resync" ? { cMinRateKiBps: 0 } : {}) },
      }),
      c.w,
    );
    const show = (r: typeof before) =>
      c.figure === "latency"
        ? `${r.latencyAvgMs.toFixed(2)} ms (${Math.round(r.alTransactionsPerSec)} AL tx/s)`
        : c.figure === "resync"
          ? `app ${r.throughputMBps.toFixed(0)} MB/s, resync ${r.resyncMBps.toFixed(0)} MB/s`
          : `${r.throughputMBps.toFixed(1)} MB/s`;
    console.log(`  ${c.what.padEnd(72)} ${show(before)} -> ${show(after)}`);
  }
}
