/**
 * Longest real wait at one checkpoint of a streamed command (virtual time between two
 * checkpoints is at most 1 s): `monitor.sh watch` refreshes every ~2 real seconds.
 */
export const PACE_MAX_MS = 2000;

/** Real time to wait before the command's virtual clock moves `stepUs` on. */
export function paceMs(stepUs: number): number {
  return Math.min(PACE_MAX_MS, Math.max(0, stepUs / 1000));
}

/** Waits `ms` of real time, or less if `signal` aborts (Ctrl-C, the page gone). */
export function realWait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const stop = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", stop);
      resolve();
    }, ms);
    signal.addEventListener("abort", stop, { once: true });
  });
}
