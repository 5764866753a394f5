import { describe, expect, it } from "vitest";
import { type CheckpointPolicy, checkpointDue, checkpointTaken, newCheckpointClock } from "./checkpoint-policy";

const p: CheckpointPolicy = { every: 8, heavyMs: 250, share: 4, tailMs: 100, maxFactor: 8 };

/** The rows (1-based count since the last checkpoint) at which checkpoints are taken. */
function run(commandMs: (i: number) => number, costMs: number, n: number): number[] {
  const clock = newCheckpointClock();
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
  it("takes the first one after `every` commands, then once the commands cost `share` times a checkpoint", () => {
    // light commands of 1 ms, an 8 ms checkpoint: the next one after 32 ms of commands
    expect(run(() => 1, 8, 100)).toEqual([8, 40, 72]);
  });

  it("never waits longer than the tail a rebuild should replay, nor than maxFactor × every commands", () => {
    // a 1 s checkpoint (PostgreSQL): commands of 10 ms → due after 100 ms of them
    expect(run(() => 10, 1000, 40)).toEqual([8, 18, 28, 38]);
    // 0.1 ms commands: the count bound (64)
    expect(run(() => 0.1, 50, 140)).toEqual([8, 72, 136]);
  });

  it("is due after a heavy command, and never before `every` light ones", () => {
    expect(run((i) => (i === 3 ? 300 : 1), 8, 10)).toEqual([3]);
    expect(run(() => 60, 0, 7)).toEqual([]);
    // checkpoints as cheap as the commands: every `every` commands, as before
    expect(run(() => 5, 1, 24)).toEqual([8, 16, 24]);
  });
});
