/**
 * Free-space map of the data area: a sorted list of free block runs. Rebuilt at mount time
 * from the inodes' block runs (the free map is derived, not stored, like a bitmap that fsck
 * could regenerate), then kept up to date by allocations and releases.
 */

/** A run of `count` consecutive blocks starting at block number `start`. */
export type Run = [start: number, count: number];

export class BlockAllocator {
  private free: Run[];
  private freeCount: number;

  /** Data area [first, first + count) with `used` runs already taken. */
  constructor(
    readonly first: number,
    readonly count: number,
    used: Iterable<Run> = [],
  ) {
    const sorted = [...used].filter((r) => r[1] > 0).sort((a, b) => a[0] - b[0]);
    this.free = [];
    let pos = first;
    for (const [s, n] of sorted) {
      if (s > pos) this.free.push([pos, s - pos]);
      pos = Math.max(pos, s + n);
    }
    if (pos < first + count) this.free.push([pos, first + count - pos]);
    this.freeCount = this.free.reduce((a, r) => a + r[1], 0);
  }

  freeBlocks(): number {
    return this.freeCount;
  }

  usedBlocks(): number {
    return this.count - this.freeCount;
  }

  /** Copy of the free runs (fsck, tests). */
  freeRuns(): Run[] {
    return this.free.map((r) => [r[0], r[1]]);
  }

  /**
   * Take `n` blocks, preferring to continue at block `hint` (so appends stay contiguous), then
   * first fit, then the largest runs. Returns null when fewer than `n` blocks are free.
   */
  allocate(n: number, hint?: number): Run[] | null {
    if (n <= 0) return [];
    if (n > this.freeCount) return null;
    const out: Run[] = [];
    let need = n;
    if (hint !== undefined) {
      const i = this.free.findIndex((r) => r[0] === hint);
      if (i >= 0) need -= this.takeFrom(i, need, out);
    }
    if (need > 0) {
      const fit = this.free.findIndex((r) => r[1] >= need);
      if (fit >= 0) need -= this.takeFrom(fit, need, out);
    }
    while (need > 0) {
      let best = 0;
      for (let i = 1; i < this.free.length; i++) if ((this.free[i] as Run)[1] > (this.free[best] as Run)[1]) best = i;
      need -= this.takeFrom(best, need, out);
    }
    return mergeRuns(out);
  }

  /** Give runs back to the free map. */
  release(runs: Iterable<Run>): void {
    for (const [s, n] of runs) {
      if (n <= 0) continue;
      this.free.push([s, n]);
      this.freeCount += n;
    }
    this.free = mergeRuns(this.free.sort((a, b) => a[0] - b[0]));
  }

  private takeFrom(i: number, need: number, out: Run[]): number {
    const r = this.free[i] as Run;
    const take = Math.min(need, r[1]);
    out.push([r[0], take]);
    if (take === r[1]) this.free.splice(i, 1);
    else this.free[i] = [r[0] + take, r[1] - take];
    this.freeCount -= take;
    return take;
  }
}

/** Merge adjacent runs of a list already in the desired order. */
export function mergeRuns(runs: Run[]): Run[] {
  const out: Run[] = [];
  for (const [s, n] of runs) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === s) last[1] += n;
    else out.push([s, n]);
  }
  return out;
}

export function runsBlockCount(runs: readonly Run[]): number {
  let n = 0;
  for (const r of runs) n += r[1];
  return n;
}

/** Split a run list after `blocks` blocks: [first part, rest]. */
export function splitRuns(runs: readonly Run[], blocks: number): [Run[], Run[]] {
  const head: Run[] = [];
  const tail: Run[] = [];
  let left = blocks;
  for (const [s, n] of runs) {
    if (left >= n) {
      head.push([s, n]);
      left -= n;
    } else if (left > 0) {
      head.push([s, left]);
      tail.push([s + left, n - left]);
      left = 0;
    } else {
      tail.push([s, n]);
    }
  }
  return [head, tail];
}
