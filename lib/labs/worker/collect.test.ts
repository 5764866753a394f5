import { describe, expect, it } from "vitest";
import { exposedGc, InstanceCollector } from "./collect";

function fake(opts: { busyCloses?: number; quietMs?: number } = {}) {
  const state = { closed: 0, now: 0, gcs: 0 };
  const c = new InstanceCollector({
    gc: () => {
      state.gcs++;
    },
    closed: () => state.closed,
    now: () => state.now,
    ...opts,
  });
  return { state, c };
}

describe("InstanceCollector: when a worker collects closed PostgreSQL instances", () => {
  it("collects after a request once two instances closed, not after one", () => {
    const { state, c } = fake();
    expect(c.afterWork()).toBe(false);
    state.closed = 1;
    expect(c.afterWork()).toBe(false);
    expect(state.gcs).toBe(0);
    state.closed = 2;
    expect(c.afterWork()).toBe(true);
    expect(state.gcs).toBe(1);
    expect(c.pending()).toBe(0);
    // counted from the last collection
    state.closed = 3;
    expect(c.afterWork()).toBe(false);
    expect(c.pending()).toBe(1);
  });

  it("collects what is pending on its timer once the worker has been quiet, never while it works", () => {
    const { state, c } = fake({ quietMs: 1000 });
    state.closed = 1;
    state.now = 500;
    c.afterWork();
    state.now = 1200; // 700 ms since the last request
    expect(c.tick()).toBe(false);
    state.now = 1600;
    expect(c.tick()).toBe(true);
    expect(state.gcs).toBe(1);
    // nothing pending: the timer does nothing, however quiet the worker
    state.now = 60_000;
    expect(c.tick()).toBe(false);
    expect(state.gcs).toBe(1);
  });

  it("counts labs that left memory as pending (their open instances are garbage with them)", () => {
    const { state, c } = fake();
    c.labsDropped(2);
    expect(c.pending()).toBe(2);
    expect(c.afterWork()).toBe(true);
    expect(state.gcs).toBe(1);
    expect(c.pending()).toBe(0);
  });

  it("does nothing without a collector", () => {
    const c = new InstanceCollector({ gc: null, closed: () => 5, now: () => 0 });
    c.labsDropped(3);
    expect(c.afterWork()).toBe(false);
    expect(c.collections).toBe(0);
  });

  it("exposes V8's full collection, which frees a dropped WebAssembly memory", async () => {
    const gc = exposedGc();
    expect(gc).toBeTypeOf("function");
    let freed = false;
    const registry = new FinalizationRegistry(() => {
      freed = true;
    });
    (() => {
      const memory = new WebAssembly.Memory({ initial: 16 });
      new Uint8Array(memory.buffer).fill(1);
      registry.register(memory, "memory");
    })();
    for (let i = 0; i < 20 && !freed; i++) {
      gc?.();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(freed).toBe(true);
  });
});
