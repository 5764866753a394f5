/**
 * Values by key for `ttlMs`, at most `maxEntries` (the least recently stored goes first): what
 * a command needs about its learner without a query (lab session rows, stored bytes).
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The kept value, or `read()`'s (kept unless null). */
  async get(key: string, read: () => Promise<V | null>): Promise<V | null> {
    const hit = this.peek(key);
    if (hit !== undefined) return hit;
    const value = await read();
    this.entries.delete(key);
    if (value === null) return null;
    this.entries.set(key, { value, at: this.now() });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }

  /** The kept value if it is still fresh. */
  peek(key: string): V | undefined {
    const hit = this.entries.get(key);
    return hit && this.now() - hit.at < this.ttlMs ? hit.value : undefined;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
