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
