import type { LiveLab } from "./live";

export interface LabCacheOptions {
  /** Most labs kept in memory; the least recently used goes first. */
  maxEntries: number;
  /** A lab untouched for this long is dropped (rebuilt by replay when it comes back). */
  idleMs: number;
  now?: () => number;
  /**
   * Also drop idle labs on a timer, every this many ms: without it they go only when another
   * lab is asked for, so a worker nobody calls any more keeps its idle labs (and their memory).
   */
  sweepEveryMs?: number;
  /** Told how many labs left memory (evicted, swept, trimmed): what they held is garbage now. */
  onDrop?: (count: number) => void;
}

/** In-memory LRU of live labs by lab session id; a miss is rebuilt once, even under concurrency. */
export class LabCache {
  private readonly entries = new Map<string, { promise: Promise<LiveLab>; live?: LiveLab }>();
  private readonly now: () => number;

  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly opts: LabCacheOptions) {
    this.now = opts.now ?? Date.now;
    if (opts.sweepEveryMs !== undefined && opts.sweepEveryMs > 0) {
      this.timer = setInterval(() => this.sweep(), opts.sweepEveryMs);
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** Stop the sweeping timer. */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  async get(id: string, build: () => Promise<LiveLab>): Promise<LiveLab> {
    this.sweep();
    let entry = this.entries.get(id);
    if (entry) this.entries.delete(id);
    else entry = { promise: build() };
    this.entries.set(id, entry);
    try {
      const live = await entry.promise;
      entry.live = live;
      live.lastUsed = this.now();
      this.trim();
      return live;
    } catch (e) {
      if (this.entries.get(id) === entry) this.entries.delete(id);
      throw e;
    }
  }

  evict(id: string): void {
    if (this.entries.delete(id)) this.opts.onDrop?.(1);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get size(): number {
    return this.entries.size;
  }

  private trim(): void {
    while (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
      this.opts.onDrop?.(1);
    }
  }

  /** Drop labs idle too long (only settled entries: a lab being built is never idle); how many went. */
  sweep(): number {
    const limit = this.now() - this.opts.idleMs;
    let dropped = 0;
    for (const [id, entry] of this.entries)
      if (entry.live && entry.live.lastUsed < limit) {
        this.entries.delete(id);
        dropped++;
      }
    if (dropped > 0) this.opts.onDrop?.(dropped);
    return dropped;
  }
}
