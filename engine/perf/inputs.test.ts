import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG_FILES, GLOBAL_COMMON_PATH, parseConfig, resolveResource } from "../drbd/config";
import {
  ANNEX_B_TUNING,
  ANNEX_C_TUNING,
  buildPerfInputs,
  DRBD_DEFAULTS,
  labInputs,
  latencyWorkload,
  seqWriteWorkload,
  tuningFromSettings,
} from "./inputs";
import { evaluate } from "./model";
import type { DrbdTuning } from "./types";

const KIB = 1024;

function req<T>(v: T | undefined | null): T {
  if (v === undefined || v === null) throw new Error("missing value");
  return v;
}

function tuningOf(files: Record<string, string>): DrbdTuning {
  const { config } = parseConfig(files, { hostname: "node1" });
  const r0 = req(resolveResource(config, "r0", "node1"));
  return tuningFromSettings(req(r0.peers[0]).settings, r0.settings);
}

describe("mapping the resolved DRBD config", () => {
  it("the lab's shipped global_common.conf is annex B", () => {
    const t = tuningOf({ ...DEFAULT_CONFIG_FILES });
    expect(t).toEqual({ ...DRBD_DEFAULTS, ...ANNEX_B_TUNING });
  });
  it("DRBD's own defaults when global_common.conf sets nothing", () => {
    const t = tuningOf({ ...DEFAULT_CONFIG_FILES, [GLOBAL_COMMON_PATH]: "global { usage-count no; }\ncommon { }\n" });
    expect(t).toEqual(DRBD_DEFAULTS);
  });
  it("annex C's units: 36k pages, 1024k bytes, 720M KiB/s", () => {
    const annexC = `global { usage-count no; }
common {
    net { max-buffers 36k; sndbuf-size 1024k; rcvbuf-size 2048k; }
    disk { al-extents 3389; c-max-rate 720M; }
}
`;
    const t = tuningOf({ ...DEFAULT_CONFIG_FILES, [GLOBAL_COMMON_PATH]: annexC });
    expect(t).toEqual({ ...DRBD_DEFAULTS, ...ANNEX_C_TUNING });
    expect(t.maxBuffers).toBe(36864);
    expect(t.sndbufSize).toBe(1048576);
    expect(t.cMaxRateKiBps).toBe(737280);
  });
  it("pull-ahead only counts with protocol A", () => {
    const net = {
      protocol: "C" as const,
      maxBuffersPages: 2048,
      maxEpochSize: 2048,
      sndbufSizeBytes: 0,
      rcvbufSizeBytes: 0,
      onCongestion: "pull-ahead",
      cMaxRateKiB: 102400,
      cMinRateKiB: 250,
    };
    const res = { alExtents: 1237, diskFlushes: true, mdFlushes: true };
    expect(tuningFromSettings(net, res).onCongestion).toBe("block");
    expect(tuningFromSettings({ ...net, protocol: "A" }, res).onCongestion).toBe("pull-ahead");
    expect(tuningFromSettings({ ...net, onCongestion: "bogus" }, res).onCongestion).toBe("block");
  });
  it("netem delay on one end adds to the RTT once", () => {
    const i = buildPerfInputs({ peers: [{ name: "node2", protocol: "C", oneWayMs: 0.05, netemDelayMs: 50 }] });
    expect(req(i.peers[0]).rttMs).toBeCloseTo(50.1, 9);
    expect(i.drbd.sndbufSize).toBe(0);
    expect(buildPerfInputs({ options: { sndbufSize: 512 * KIB }, peers: [] }).drbd.sndbufSize).toBe(512 * KIB);
  });
});

describe("TP2 with the lab's shipped config (annex B: no-disk-flushes, 512k buffers)", () => {
  const run = (p: "A" | "B" | "C", netemDelayMs = 0) => {
    const i = labInputs(p, { options: ANNEX_B_TUNING, netemDelayMs });
    return { t: evaluate(i, seqWriteWorkload()).throughputMBps, l: evaluate(i, latencyWorkload()).latencyAvgMs };
  };
  it("keeps the workshop's ordering; throughput within ±30% of the table", () => {
    const a = run("A");
    const b = run("B");
    const c = run("C");
    expect(a.t).toBeGreaterThan(b.t);
    expect(b.t).toBeGreaterThan(c.t);
    expect(a.l).toBeLessThan(b.l);
    expect(b.l).toBeLessThan(c.l);
    for (const [v, target] of [
      [a.t, 450],
      [b.t, 320],
      [c.t, 180],
    ] as const)
      expect(Math.abs(v / target - 1)).toBeLessThan(0.3);
  });
  it("without the peer's barrier flush, C only pays the peer's write and one more hand-off than B", () => {
    const b = run("B");
    const c = run("C");
    expect(c.l - b.l).toBeCloseTo(0.5 + (4 * KIB) / 700e3 + 0.5, 6);
  });
  it("annex C on top of it: 1024k buffers double A on a 50 ms link, and a 1 MiB write fits one window", () => {
    const on = (p: "A" | "B", netemDelayMs: number, extra = {}) =>
      evaluate(labInputs(p, { options: { ...ANNEX_B_TUNING, ...extra }, netemDelayMs }), seqWriteWorkload())
        .throughputMBps;
    expect(on("A", 50, ANNEX_C_TUNING)).toBeGreaterThan(on("A", 50) * 1.9);
    expect(on("B", 10, ANNEX_C_TUNING)).toBeGreaterThan(on("B", 10) * 1.5);
  });
  it("a 50 ms link: the fixed 512k send buffer caps A near B and C", () => {
    const a = run("A", 50);
    expect(a.t).toBeCloseTo((512 * KIB) / 0.0501 / 1e6, 0);
    expect(a.t).toBeGreaterThan(run("B", 50).t);
  });
});
