import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPerfInputs, latencyWorkload, seqWriteWorkload } from "./inputs";
import { evaluate } from "./model";
import type { DiskParams, PerfInputs, Protocol, Workload } from "./types";

const KIB = 1024;
const MIB = 1024 * KIB;

const disk = fc.record<DiskParams>({
  writeLatencyMs: fc.double({ min: 0.02, max: 30, noNaN: true }),
  flushLatencyMs: fc.double({ min: 0, max: 50, noNaN: true }),
  writeMBps: fc.double({ min: 5, max: 3000, noNaN: true }),
  readLatencyMs: fc.double({ min: 0.02, max: 30, noNaN: true }),
  readMBps: fc.double({ min: 5, max: 3000, noNaN: true }),
});

const scenario = fc.record({
  protocol: fc.constantFrom<Protocol>("A", "B", "C"),
  oneWayMs: fc.double({ min: 0.01, max: 100, noNaN: true }),
  bandwidthMBps: fc.double({ min: 1, max: 5000, noNaN: true }),
  loss: fc.constantFrom(0, 0.001, 0.01),
  local: disk,
  peerDisk: disk,
  sndbufSize: fc.constantFrom(0, 128 * KIB, 512 * KIB, 1024 * KIB, 8 * MIB),
  maxBuffers: fc.constantFrom(32, 2048, 8000, 36 * 1024),
  alExtents: fc.constantFrom(67, 1237, 3389),
  diskFlushes: fc.boolean(),
  queueDepth: fc.constantFrom(1, 2, 8, 32),
  blockKiB: fc.constantFrom(4, 64, 1024),
  pattern: fc.constantFrom<"seq" | "rand">("seq", "rand"),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function inputsOf(s: Scenario, patch: Partial<Scenario> = {}): PerfInputs {
  const x = { ...s, ...patch };
  return buildPerfInputs({
    local: x.local,
    options: { sndbufSize: x.sndbufSize, maxBuffers: x.maxBuffers, alExtents: x.alExtents, diskFlushes: x.diskFlushes },
    peers: [
      {
        name: "node2",
        protocol: x.protocol,
        oneWayMs: x.oneWayMs,
        bandwidthMBps: x.bandwidthMBps,
        loss: x.loss,
        disk: x.peerDisk,
      },
    ],
    deviceBytes: 16 * 1024 * MIB,
  });
}

function workloadOf(s: Scenario): Workload {
  return {
    ...seqWriteWorkload(),
    pattern: s.pattern,
    blockBytes: s.blockKiB * KIB,
    queueDepth: s.queueDepth,
    workingSetBytes: 16 * 1024 * MIB,
  };
}

const run = (s: Scenario, patch: Partial<Scenario> = {}) => evaluate(inputsOf(s, patch), workloadOf(s));
const EPS = 1e-9;

describe("monotonicity of the model", () => {
  it("more RTT never raises throughput nor lowers latency", () => {
    fc.assert(
      fc.property(scenario, fc.double({ min: 0, max: 100, noNaN: true }), (s, extra) => {
        const a = run(s);
        const b = run(s, { oneWayMs: s.oneWayMs + extra });
        expect(b.throughputMBps).toBeLessThanOrEqual(a.throughputMBps * (1 + EPS));
        expect(b.requestMs).toBeGreaterThanOrEqual(a.requestMs * (1 - EPS));
      }),
    );
  });
  it("more bandwidth never lowers throughput", () => {
    fc.assert(
      fc.property(scenario, fc.double({ min: 1, max: 10, noNaN: true }), (s, factor) => {
        const a = run(s);
        const b = run(s, { bandwidthMBps: s.bandwidthMBps * factor });
        expect(b.throughputMBps).toBeGreaterThanOrEqual(a.throughputMBps * (1 - EPS));
      }),
    );
  });
  it("a faster peer disk never slows protocol C down", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const c = { ...s, protocol: "C" as const };
        const slow = run(c);
        const fast = run(c, {
          peerDisk: {
            ...s.peerDisk,
            writeLatencyMs: s.peerDisk.writeLatencyMs / 2,
            flushLatencyMs: s.peerDisk.flushLatencyMs / 2,
          },
        });
        expect(fast.requestMs).toBeLessThanOrEqual(slow.requestMs * (1 + EPS));
        expect(fast.throughputMBps).toBeGreaterThanOrEqual(slow.throughputMBps * (1 - EPS));
      }),
    );
  });
  it("a bigger send buffer never lowers protocol A's throughput", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const a = { ...s, protocol: "A" as const, sndbufSize: 512 * KIB };
        expect(run(a, { sndbufSize: 4 * MIB }).throughputMBps).toBeGreaterThanOrEqual(
          run(a).throughputMBps * (1 - EPS),
        );
      }),
    );
  });
  it("more max-buffers or al-extents never hurt", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const base = run(s, { maxBuffers: 2048, alExtents: 1237 });
        const tuned = run(s, { maxBuffers: 36 * 1024, alExtents: 3389 });
        expect(tuned.throughputMBps).toBeGreaterThanOrEqual(base.throughputMBps * (1 - EPS));
        expect(tuned.requestMs).toBeLessThanOrEqual(base.requestMs * (1 + EPS));
      }),
    );
  });
  it("acknowledging later never helps: latency A ≤ B ≤ C and throughput A ≥ B ≥ C", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const a = run(s, { protocol: "A" });
        const b = run(s, { protocol: "B" });
        const c = run(s, { protocol: "C" });
        expect(a.requestMs).toBeLessThanOrEqual(b.requestMs * (1 + EPS));
        expect(b.requestMs).toBeLessThanOrEqual(c.requestMs * (1 + EPS));
        expect(a.throughputMBps).toBeGreaterThanOrEqual(b.throughputMBps * (1 - EPS));
        expect(b.throughputMBps).toBeGreaterThanOrEqual(c.throughputMBps * (1 - EPS));
      }),
    );
  });
  it("results are finite, positive and consistent (Little's law, breakdown sums)", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const w = workloadOf(s);
        const r = run(s);
        expect(Number.isFinite(r.throughputMBps) && r.throughputMBps > 0).toBe(true);
        expect(r.latencyAvgMs).toBeGreaterThanOrEqual(r.requestMs * (1 - EPS));
        expect(r.latencyP99Ms).toBeGreaterThanOrEqual(r.latencyAvgMs);
        expect(r.bytes).toBeLessThanOrEqual(w.totalBytes);
        expect(r.elapsedMs).toBeLessThanOrEqual(w.runtimeMs * (1 + EPS));
        expect(r.path.reduce((t, p) => t + p.ms, 0)).toBeCloseTo(r.requestMs, 6);
        // Never faster than the slowest physical pipe it must cross.
        expect(r.throughputMBps).toBeLessThanOrEqual(s.local.writeMBps * (1 + EPS));
      }),
    );
  });
  it("the model is a pure function of its inputs", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(run(s)).toEqual(run(s));
        const lat = evaluate(inputsOf(s), latencyWorkload());
        expect(lat).toEqual(evaluate(inputsOf(s), latencyWorkload()));
      }),
    );
  });
});
