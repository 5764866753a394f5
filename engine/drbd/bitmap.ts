/**
 * The out-of-sync bitmap, one bit per 4 KiB block (DRBD's BM_BLOCK_SIZE), kept as a sorted
 * list of disjoint half-open block intervals instead of a bit array, so that marking a whole
 * 1 TiB device (268,435,456 bits) for a full sync costs one interval.
 */
export const BM_BLOCK_SIZE = 4096;

export type Interval = [start: number, end: number];

export class Bitmap {
  private iv: Interval[] = [];

  static fromJSON(list: Interval[]): Bitmap {
    const b = new Bitmap();
    for (const [s, e] of list) b.setRange(s, e);
    return b;
  }

  toJSON(): Interval[] {
    return this.iv.map(([s, e]) => [s, e]);
  }

  clone(): Bitmap {
    return Bitmap.fromJSON(this.iv);
  }

  /** Number of set bits. */
  count(): number {
    let n = 0;
    for (const [s, e] of this.iv) n += e - s;
    return n;
  }

  isEmpty(): boolean {
    return this.iv.length === 0;
  }

  intervals(): readonly Interval[] {
    return this.iv;
  }

  test(block: number): boolean {
    for (const [s, e] of this.iv) {
      if (block < s) return false;
      if (block < e) return true;
    }
    return false;
  }

  /** Set the bits for blocks [start, end). */
  setRange(start: number, end: number): void {
    if (end <= start) return;
    const out: Interval[] = [];
    let s = start;
    let e = end;
    let placed = false;
    for (const cur of this.iv) {
      if (cur[1] < s) out.push(cur);
      else if (cur[0] > e) {
        if (!placed) {
          out.push([s, e]);
          placed = true;
        }
        out.push(cur);
      } else {
        s = Math.min(s, cur[0]);
        e = Math.max(e, cur[1]);
      }
    }
    if (!placed) out.push([s, e]);
    this.iv = out;
  }

  /** Clear the bits for blocks [start, end). */
  clearRange(start: number, end: number): void {
    if (end <= start) return;
    const out: Interval[] = [];
    for (const [s, e] of this.iv) {
      if (e <= start || s >= end) out.push([s, e]);
      else {
        if (s < start) out.push([s, start]);
        if (e > end) out.push([end, e]);
      }
    }
    this.iv = out;
  }

  /** Mark the blocks touched by a byte range. */
  setBytes(offset: number, length: number): void {
    if (length <= 0) return;
    this.setRange(Math.floor(offset / BM_BLOCK_SIZE), Math.ceil((offset + length) / BM_BLOCK_SIZE));
  }

  /** Bitwise OR with another bitmap (merge at handshake). */
  merge(other: Bitmap): void {
    for (const [s, e] of other.iv) this.setRange(s, e);
  }

  clearAll(): void {
    this.iv = [];
  }

  /** The first `n` set bits in block order, as intervals (the part a resync has done). */
  firstBits(n: number): Interval[] {
    const out: Interval[] = [];
    let left = n;
    for (const [s, e] of this.iv) {
      if (left <= 0) break;
      const take = Math.min(left, e - s);
      out.push([s, s + take]);
      left -= take;
    }
    return out;
  }
}
