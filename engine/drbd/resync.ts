/**
 * Analytic resync progress (K9 drbd_sender.c drbd_rs_controller / c-min-rate throttle,
 * simplified as the reference §6 suggests): the rate is min(c-max-rate — or resync-rate when
 * c-plan-ahead is 0 —, link bandwidth, disk bandwidth), ramping up linearly over
 * c-plan-ahead × 0.1 s, throttled to c-min-rate while application I/O is seen, and zero while
 * paused. Progress is integrated in closed form between checkpoints, so a 1 TiB resync costs
 * the same as a 1 MiB one; `done:` is computed at query time.
 */
import type { DiskOpts } from "./conf";

/** Sustained bandwidth of the simulated backing disks (an SSD), bytes/s. */
export const DISK_BANDWIDTH_BPS = 500 * 1024 * 1024;

export interface ResyncRun {
  kind: "resync" | "verify";
  /** Bits (4 KiB blocks) to sync when it started. */
  totalBits: number;
  /** Bits done at `checkpointUs`. */
  doneBits: number;
  checkpointUs: number;
  startUs: number;
  /** Full rate in bits per second (after ramp-up). */
  rateBps: number;
  /** Ramp-up length (c-plan-ahead), µs after start. */
  rampUs: number;
  /** Throttled rate (c-min-rate) in bits per second; 0 = no throttling. */
  minRateBps: number;
  /** Throttle active until this time (application I/O seen). */
  throttleUntilUs: number;
  paused: boolean;
  pausedSinceUs: number;
  pausedTotalUs: number;
  /** Timer of the scheduled completion. */
  timer?: number;
}

/** Steady resync rate in KiB/s for the given options and link bandwidth (bytes/s). */
export function steadyRateKiB(disk: DiskOpts, linkBps: number): number {
  const configured =
    disk.cPlanAhead > 0 ? (disk.cMaxRate > 0 ? disk.cMaxRate : Number.POSITIVE_INFINITY) : disk.resyncRate;
  return Math.max(1, Math.min(configured, linkBps / 1024, DISK_BANDWIDTH_BPS / 1024));
}

export function startRun(
  kind: "resync" | "verify",
  totalBits: number,
  nowUs: number,
  disk: DiskOpts,
  linkBps: number,
  paused: boolean,
): ResyncRun {
  return {
    kind,
    totalBits,
    doneBits: 0,
    checkpointUs: nowUs,
    startUs: nowUs,
    rateBps: steadyRateKiB(disk, linkBps) / 4,
    rampUs: disk.cPlanAhead * 100_000,
    minRateBps: disk.cMinRate > 0 ? disk.cMinRate / 4 : 0,
    throttleUntilUs: 0,
    paused,
    pausedSinceUs: nowUs,
    pausedTotalUs: 0,
  };
}

/** Instantaneous rate (bits/s) at time t (t within one segment). */
function rateAt(run: ResyncRun, t: number): number {
  if (run.paused) return 0;
  let r = run.rateBps;
  if (run.rampUs > 0 && t - run.startUs < run.rampUs) r = run.rateBps * Math.max(0.02, (t - run.startUs) / run.rampUs);
  if (run.minRateBps > 0 && t < run.throttleUntilUs) r = Math.min(r, run.minRateBps);
  return r;
}

/** Segment boundaries where the rate function changes shape. */
function boundaries(run: ResyncRun, from: number, to: number): number[] {
  const pts = [from];
  for (const b of [run.startUs + run.rampUs, run.throttleUntilUs]) if (b > from && b < to) pts.push(b);
  pts.push(to);
  return pts.sort((a, b) => a - b);
}

/** Bits done between two instants (integrating the rate; linear ramp integrates exactly with the midpoint). */
function bitsBetween(run: ResyncRun, from: number, to: number): number {
  let sum = 0;
  const pts = boundaries(run, from, to);
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i] as number;
    const b = pts[i + 1] as number;
    sum += (rateAt(run, (a + b) / 2) * (b - a)) / 1e6;
  }
  return sum;
}

/** Bits done at time `now` (never more than the total). */
export function doneBitsAt(run: ResyncRun, nowUs: number): number {
  return Math.min(run.totalBits, run.doneBits + bitsBetween(run, run.checkpointUs, nowUs));
}

/** Move the checkpoint to `now` (before changing rate, pause or throttle). */
export function checkpoint(run: ResyncRun, nowUs: number): void {
  run.doneBits = doneBitsAt(run, nowUs);
  run.checkpointUs = nowUs;
}

export function setPaused(run: ResyncRun, paused: boolean, nowUs: number): void {
  checkpoint(run, nowUs);
  if (run.paused && !paused) run.pausedTotalUs += nowUs - run.pausedSinceUs;
  if (!run.paused && paused) run.pausedSinceUs = nowUs;
  run.paused = paused;
}

/** Application I/O seen: throttle to c-min-rate for the next second. */
export function noteAppIo(run: ResyncRun, nowUs: number): void {
  if (run.minRateBps <= 0) return;
  checkpoint(run, nowUs);
  run.throttleUntilUs = nowUs + 1_000_000;
}

/** When the run will finish if nothing changes (µs), or null while paused. */
export function completionUs(run: ResyncRun, nowUs: number): number | null {
  if (run.paused) return null;
  let left = run.totalBits - doneBitsAt(run, nowUs);
  if (left <= 0) return nowUs;
  let t = nowUs;
  // walk the segments: ramp end and throttle end, then steady
  for (const b of boundaries(run, nowUs, Number.MAX_SAFE_INTEGER).slice(1, -1)) {
    const n = bitsBetween(run, t, b);
    if (n >= left) break;
    left -= n;
    t = b;
  }
  // within a segment the rate is linear (ramp) or constant: bisect for robustness
  let lo = t;
  let hi = t + Math.ceil((left / Math.max(rateAt(run, t + 1), 1e-9)) * 1e6) + 1;
  while (bitsBetween(run, t, hi) < left) hi = t + (hi - t) * 2;
  for (let i = 0; i < 60 && hi - lo > 1; i++) {
    const mid = Math.floor((lo + hi) / 2);
    if (bitsBetween(run, t, mid) >= left) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** `done:` percentage as status prints it: 100 × (total − left) / total, two decimals. */
export function donePercent(run: ResyncRun, nowUs: number): string {
  if (run.totalBits === 0) return "100.00";
  // drbdsetup: printf("%.2f", 100.0 * (rs_total - bits_to_go) / rs_total) on whole bits
  const done = Math.floor(doneBitsAt(run, nowUs));
  return ((100 * done) / run.totalBits).toFixed(2);
}

/** Average speed in KiB/s excluding paused time (for "Resync done (... K/sec)"). */
export function averageKiBps(run: ResyncRun, endUs: number): number {
  const secs = Math.max(1, Math.round((endUs - run.startUs - run.pausedTotalUs) / 1e6));
  return Math.floor((run.totalBits * 4) / secs);
}
