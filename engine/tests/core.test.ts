/** The shared clock and RNG the whole engine relies on. */
import { describe, expect, it } from "vitest";
import { Clock } from "../core/clock";
import { prngBytes, Rng } from "../core/rng";

describe("virtual clock", () => {
  it("runs timers in time order, and same-time timers in scheduling order", () => {
    const c = new Clock();
    const seen: string[] = [];
    c.schedule(300, "c", () => seen.push("c@300"));
    c.schedule(100, "a", () => seen.push("a@100"));
    c.schedule(100, "b", () => seen.push("b@100"));
    c.advanceTo(200);
    expect(seen).toEqual(["a@100", "b@100"]);
    expect(c.now).toBe(200);
    c.advanceBy(100);
    expect(seen).toEqual(["a@100", "b@100", "c@300"]);
  });

  it("sets now to each timer's instant while it runs and honours timers scheduled meanwhile", () => {
    const c = new Clock();
    const at: number[] = [];
    c.schedule(10, "first", () => {
      at.push(c.now);
      c.schedule(5, "chained", () => at.push(c.now));
    });
    c.advanceTo(100);
    expect(at).toEqual([10, 15]);
  });

  it("skips cancelled timers and refuses re-entrant advances", () => {
    const c = new Clock();
    let ran = false;
    const id = c.schedule(10, "x", () => {
      ran = true;
    });
    c.cancel(id);
    c.schedule(20, "reenter", () => c.advanceBy(1));
    expect(() => c.advanceTo(50)).toThrow(/not re-entrant/);
    expect(ran).toBe(false);
  });
});

describe("seeded rng", () => {
  it("gives the same sequence for the same seed and a different one for another seed", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(sa);
  });

  it("prngBytes slices agree with the whole stream", () => {
    const whole = prngBytes(7, 0, 64);
    expect(prngBytes(7, 13, 20)).toEqual(whole.slice(13, 33));
    expect(prngBytes(8, 0, 64)).not.toEqual(whole);
  });
});
