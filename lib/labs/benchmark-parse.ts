/** A `benchmark.sh write` result read from its output (engine/perf/benchmark.ts format). */
export interface BenchmarkResult {
  protocol: "A" | "B" | "C";
  throughputMBs: number;
  latencyMs: number;
  params: { mode: "write"; netem?: string; latencyP99Ms?: number };
}

export function parseBenchmarkOutput(input: string, output: string): BenchmarkResult | undefined {
  if (!/benchmark\.sh\b/.test(input)) return undefined;
  const proto = /^Results - Protocol ([ABC])$/m.exec(output)?.[1] as BenchmarkResult["protocol"] | undefined;
  const tput = /^ {2}Throughput\s*: ([\d.]+) MB\/s$/m.exec(output)?.[1];
  const lat = /^ {2}Latency \(avg\)\s*: ([\d.]+) ms$/m.exec(output)?.[1];
  if (!proto || tput === undefined || lat === undefined) return undefined;
  const p99 = /^ {2}Latency \(p99\)\s*: ([\d.]+) ms$/m.exec(output)?.[1];
  const netem = / - netem (delay \S+)/.exec(output)?.[1];
  return {
    protocol: proto,
    throughputMBs: Number(tput),
    latencyMs: Number(lat),
    params: { mode: "write", ...(netem ? { netem } : {}), ...(p99 !== undefined ? { latencyP99Ms: Number(p99) } : {}) },
  };
}
