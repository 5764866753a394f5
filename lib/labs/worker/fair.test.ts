import { describe, expect, it } from "vitest";
import { FairScheduler, OneAtATime, SLICE_MS, slices } from "./fair";

/** Runs `slices` turns of a command owned by `owner`, recording each turn it gets. */
async function command(s: FairScheduler, owner: string, name: string, slices: number, log: string[]) {
  for (let i = 0; i < slices; i++) {
    await s.turn(owner);
    log.push(name);
  }
}

describe("FairScheduler", () => {
  it("gives a learner with three busy labs one lab's share, not three", async () => {
    const ticks: Array<() => void> = [];
    const s = new FairScheduler((fn) => ticks.push(fn));
    const log: string[] = [];
    const all = Promise.all([
      command(s, "noisy", "n1", 30, log),
      command(s, "noisy", "n2", 30, log),
      command(s, "noisy", "n3", 30, log),
      command(s, "quiet", "q", 10, log),
    ]);
    // run 20 ticks by hand: each resumes one waiting command, the learners in turn
    for (let t = 0; t < 20; t++) {
      const tick = ticks.shift();
      expect(tick).toBeDefined();
      tick?.();
      await new Promise((r) => setImmediate(r)); // let the resumed commands reach their next turn
    }
    const count = (p: string) => log.filter((n) => n.startsWith(p)).length;
    expect(count("q")).toBe(10);
    expect(count("n")).toBe(10);
    // the noisy learner's labs take turns among themselves
    expect(log.filter((n) => n.startsWith("n")).slice(0, 6)).toEqual(["n1", "n2", "n3", "n1", "n2", "n3"]);
    while (ticks.length > 0) {
      ticks.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await all;
    expect(count("n")).toBe(90);
    expect(s.waiting).toBe(0);
  });

  it("resumes one command per tick, so that new requests are read between two slices; no tick when nothing waits", async () => {
    const ticks: Array<() => void> = [];
    const s = new FairScheduler((fn) => ticks.push(fn));
    const resumed: string[] = [];
    const a = s.turn("a").then(() => resumed.push("a"));
    const b = s.turn("b").then(() => resumed.push("b"));
    expect(ticks).toHaveLength(1);
    ticks.shift()?.();
    await a;
    expect(resumed).toEqual(["a"]);
    expect(s.waiting).toBe(1);
    expect(ticks).toHaveLength(1);
    ticks.shift()?.();
    await b;
    expect(resumed).toEqual(["a", "b"]);
    expect(ticks).toHaveLength(0);
  });
});

describe("slices", () => {
  it("waits for a turn only after SLICE_MS of work, and counts the work's own time", async () => {
    const ticks: Array<() => void> = [];
    const s = new FairScheduler((fn) => ticks.push(fn));
    let clock = 0;
    const w = slices(s, "a", () => clock);
    clock = SLICE_MS - 1;
    await w.yieldNow(); // under a slice: no turn asked
    expect(s.waiting).toBe(0);
    clock = SLICE_MS + 1;
    const waiting = w.yieldNow();
    expect(s.waiting).toBe(1);
    clock = 100; // the other labs run for 100 − 5 ms
    ticks.shift()?.();
    await waiting;
    clock = 103;
    expect(w.ownMs()).toBe(SLICE_MS + 1 + 3);
  });
});

describe("OneAtATime", () => {
  it("runs one piece at a time, in order, and says when it is busy", async () => {
    const gate = new OneAtATime();
    const log: string[] = [];
    let release!: () => void;
    expect(gate.busy).toBe(false);
    const first = gate.run(async () => {
      log.push("1 start");
      await new Promise<void>((r) => {
        release = r;
      });
      log.push("1 end");
      return 1;
    });
    const second = gate.run(async () => {
      log.push("2 start");
      return 2;
    });
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(["1 start"]);
    expect(gate.busy).toBe(true);
    release();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(log).toEqual(["1 start", "1 end", "2 start"]);
    expect(gate.busy).toBe(false);
  });

  it("goes on after a piece that fails, and hands its error to its caller only", async () => {
    const gate = new OneAtATime();
    const failed = gate.run(async () => {
      throw new Error("walk failed");
    });
    const next = gate.run(async () => "next");
    await expect(failed).rejects.toThrow("walk failed");
    expect(await next).toBe("next");
    expect(gate.busy).toBe(false);
  });
});
