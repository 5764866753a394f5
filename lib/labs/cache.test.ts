import { afterEach, describe, expect, it, vi } from "vitest";
import { LabCache } from "./cache";
import type { LiveLab } from "./live";

const fake = () => ({ lastUsed: 0 }) as unknown as LiveLab;

describe("LabCache idle eviction", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("drops a lab idle past idleMs on its timer, with no other request, and keeps one in use", async () => {
    vi.useFakeTimers();
    let now = 0;
    const cache = new LabCache({ maxEntries: 10, idleMs: 10_000, now: () => now, sweepEveryMs: 1000 });
    await cache.get("idle", async () => fake());
    now = 5000;
    await cache.get("busy", async () => fake());
    now = 12_000; // "idle" untouched for 12 s, "busy" for 7 s
    vi.advanceTimersByTime(1000);
    expect(cache.has("idle")).toBe(false);
    expect(cache.has("busy")).toBe(true);
    now = 16_000;
    vi.advanceTimersByTime(1000);
    expect(cache.has("busy")).toBe(false);
    cache.close();
  });

  it("tells its owner how many labs left memory: swept, evicted, trimmed (never a lab it does not hold)", async () => {
    vi.useFakeTimers();
    let now = 0;
    const drops: number[] = [];
    const cache = new LabCache({
      maxEntries: 2,
      idleMs: 10_000,
      now: () => now,
      sweepEveryMs: 1000,
      onDrop: (n) => drops.push(n),
    });
    await cache.get("a", async () => fake());
    await cache.get("b", async () => fake());
    await cache.get("c", async () => fake()); // over maxEntries: "a" goes
    expect(drops).toEqual([1]);
    cache.evict("b");
    cache.evict("b"); // not held any more
    expect(drops).toEqual([1, 1]);
    now = 20_000;
    vi.advanceTimersByTime(1000); // "c" idle
    expect(drops).toEqual([1, 1, 1]);
    expect(cache.size).toBe(0);
    cache.close();
  });

  it("without a sweeping timer, an idle lab stays until another lab is asked for", async () => {
    vi.useFakeTimers();
    let now = 0;
    const cache = new LabCache({ maxEntries: 10, idleMs: 10_000, now: () => now });
    await cache.get("idle", async () => fake());
    now = 60_000;
    vi.advanceTimersByTime(60_000);
    expect(cache.has("idle")).toBe(true);
    await cache.get("other", async () => fake());
    expect(cache.has("idle")).toBe(false);
  });

  it("a lab being built is never swept", async () => {
    let now = 0;
    const cache = new LabCache({ maxEntries: 10, idleMs: 10, now: () => now });
    let finish: (l: LiveLab) => void = () => undefined;
    const pending = cache.get("slow", () => new Promise<LiveLab>((r) => (finish = r)));
    now = 1000;
    expect(cache.sweep()).toBe(0);
    finish(fake());
    await pending;
    now = 2000;
    expect(cache.sweep()).toBe(1);
  });
});
