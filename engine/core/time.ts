/**
 * The lab's wall clock is derived from the virtual clock: virtual time 0 is this instant
 * (the workshop's monitor shows 2024-01-15 14:32:45). Containers run in UTC.
 */
export const LAB_EPOCH_MS = Date.UTC(2024, 0, 15, 14, 30, 0);

/** Wall-clock milliseconds since 1970 for a virtual time in microseconds. */
export function wallClockMs(virtualUs: number): number {
  return LAB_EPOCH_MS + Math.floor(virtualUs / 1000);
}
