import { describe, expect, it } from "vitest";
import { type CheckpointPolicy, checkpointDue, checkpointTaken, newCheckpointClock } from "./checkpoint-policy";

const p: CheckpointPolicy = { every: 8, heavyMs: 250, share: 4, rebuildMs: 250, tailMs: 100, maxFactor: 32 };

/** The rows (1-based count since the last checkpoint) at which checkpoints are taken. */
function run(commandMs: (i: number) => number, costMs: number, n: number, key?: string): number[] {
  const clock = newCheckpointClock(key);
  const taken: number[] = [];
  let last = 0;
  for (let i = 1; i <= n; i++) {
    if (checkpointDue(p, clock, i - last, commandMs(i))) {
      taken.push(i);
      last = i;
      checkpointTaken(clock, costMs);
    }
  }
  return taken;
}

describe("checkpoint policy", () => {
  it("takes the first one after `tailMs` of commands, then once they cost `share` times a checkpoint", () => {
    // commands of 5 ms: the first after 100 ms of them (20); an 8 ms checkpoint: then every 32 ms (but ≥ every)
    expect(run(() => 5, 8, 50)).toEqual([20, 28, 36, 44]);
    // light commands of 1 ms: the first after 100 of them, then after 32 ms of commands
    expect(run(() => 1, 8, 200)).toEqual([100, 132, 164, 196]);
  });

  it("spreads labs that run the same commands at the same pace", () => {
    const firsts = Array.from({ length: 200 }, (_, i) => run(() => 1, 8, 300, `lab-${i}`)[0] ?? 0);
    // the same lab, the same rows: the spread is the session id's, not chance
    expect(run(() => 1, 8, 300, "lab-7")[0]).toBe(firsts[7]);
    expect(Math.min(...firsts)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...firsts)).toBeLessThanOrEqual(150);
    // 200 labs of a class: no command count holds more than a few of their first checkpoints
    const perRow = new Map<number, number>();
    for (const f of firsts) perRow.set(f, (perRow.get(f) ?? 0) + 1);
    expect(Math.max(...perRow.values())).toBeLessThanOrEqual(12);
    expect(perRow.size).toBeGreaterThan(60);
  });

  it("keeps a rebuild (restore and tail) within its budget, and never waits past maxFactor × every commands", () => {
    // a 1 s checkpoint (PostgreSQL): commands of 10 ms → due after tailMs (100 ms) of them
    expect(run(() => 10, 1000, 40)).toEqual([10, 20, 30, 40]);
    // a 20 ms checkpoint: `share` decides (80 ms of commands); a 70 ms one (a long lab's history):
    // the rebuild's budget, 250 − 70 = 180 ms of commands (not 4 × 70)
    expect(run(() => 1, 20, 300)).toEqual([100, 180, 260]);
    expect(run(() => 1, 70, 500)).toEqual([100, 280, 460]);
    // 0.1 ms commands: the count bound (256)
    expect(run(() => 0.1, 50, 600)).toEqual([256, 512]);
  });

  it("is due after a heavy command, and never before `every` light ones", () => {
    expect(run((i) => (i === 3 ? 300 : 1), 8, 10)).toEqual([3]);
    expect(run(() => 60, 0, 7)).toEqual([]);
    // checkpoints as cheap as the commands: every `every` commands once the first is taken
    expect(run(() => 5, 1, 44)).toEqual([20, 28, 36, 44]);
  });
});
