import { describe, expect, it } from "vitest";
import { DEFAULT_DISK } from "./conf";
import { checkpoint, completionUs, donePercent, noteAppIo, setPaused, startRun, steadyRateKiB } from "./resync";

const GiB = 1024 ** 3;
const link = 125 * 1024 * 1024; // 1 Gbit/s

describe("resync progress model", () => {
  it("runs at c-max-rate (100 MiB/s default) with the dynamic controller", () => {
    expect(steadyRateKiB(DEFAULT_DISK, link)).toBe(102400);
  });

  it("uses resync-rate when c-plan-ahead is 0 (fixed rate)", () => {
    expect(steadyRateKiB({ ...DEFAULT_DISK, cPlanAhead: 0, resyncRate: 40960 }, link)).toBe(40960);
  });

  it("never exceeds the link bandwidth", () => {
    expect(steadyRateKiB({ ...DEFAULT_DISK, cMaxRate: 4194304 }, 10 * 1024 * 1024)).toBe(10240);
  });

  it("finishes a 1 GiB full sync in about 10 s plus the ramp", () => {
    const run = startRun("resync", GiB / 4096, 0, DEFAULT_DISK, link, false);
    const end = completionUs(run, 0) as number;
    expect(end / 1e6).toBeGreaterThan(10);
    expect(end / 1e6).toBeLessThan(11.5);
    expect(donePercent(run, end)).toBe("100.00");
    expect(Number(donePercent(run, end / 2))).toBeGreaterThan(40);
    expect(Number(donePercent(run, end / 2))).toBeLessThan(55);
  });

  it("freezes progress while paused and resumes where it left off", () => {
    const run = startRun("resync", GiB / 4096, 0, DEFAULT_DISK, link, false);
    setPaused(run, true, 5e6);
    const at5 = donePercent(run, 5e6);
    expect(donePercent(run, 50e6)).toBe(at5);
    expect(completionUs(run, 50e6)).toBeNull();
    setPaused(run, false, 50e6);
    expect(Number(donePercent(run, 52e6))).toBeGreaterThan(Number(at5));
  });

  it("falls to c-min-rate under application I/O", () => {
    const run = startRun("resync", GiB / 4096, 0, DEFAULT_DISK, link, false);
    checkpoint(run, 5e6);
    const before = Number(donePercent(run, 5e6));
    noteAppIo(run, 5e6);
    // 250 KiB/s for one second on 1 GiB = 0.02 %
    expect(Number(donePercent(run, 6e6)) - before).toBeLessThan(0.1);
  });

  it("computes a 1 TiB full sync analytically", () => {
    const run = startRun("resync", 1024 ** 4 / 4096, 0, DEFAULT_DISK, link, false);
    const end = completionUs(run, 0) as number;
    // 1 TiB at 100 MiB/s ≈ 10486 s
    expect(Math.round(end / 1e6)).toBeGreaterThan(10480);
    expect(Math.round(end / 1e6)).toBeLessThan(10490);
  });
});
