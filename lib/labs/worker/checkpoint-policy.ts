/**
 * When the worker saves a lab's checkpoint after a command (lib/labs/checkpoints.ts: it follows
 * the command's reply and the request thread stores it). A checkpoint costs the worker 5–150 ms (about
 * 1 s with PostgreSQL's data directory) and the request thread a write of its bytes; a light
 * command costs about 1 ms. Taken every CHECKPOINT_EVERY commands, they were most of a light
 * command's cost. So a checkpoint is due:
 *
 * - after a heavy command (CHECKPOINT_HEAVY_MS), as before;
 * - once CHECKPOINT_EVERY commands have run since the last one AND they held the worker at least
 *   SHARE times what that checkpoint cost: a checkpoint then takes at most about 1/SHARE of the
 *   worker's time;
 * - or sooner, once they held it for the rebuild's budget: REBUILD_MS less what restoring the
 *   checkpoint costs (about what saving it cost), TAIL_MS at least: a rebuild restores and
 *   replays about REBUILD_MS at most. A lab's checkpoint grows with its history (its command
 *   log), so a long lab's checkpoints come further apart instead of taking most of its time;
 * - after MAX_FACTOR × CHECKPOINT_EVERY commands whatever they cost (commands too light to
 *   measure still make a tail to replay).
 *
 * Before a lab's first checkpoint in this worker (no cost known yet), light commands wait for
 * TAIL_MS of work: a rebuild replays that much anyway, and a class that starts together does
 * not take 200 checkpoints in the same second (each 10–70 ms of its worker: the p99 of every
 * learner on that worker). Each lab's bounds are scaled by its own factor in [0.5, 1.5) drawn
 * from its session id, so labs that run the same commands at the same pace spread their
 * checkpoints instead of taking them together.
 * Which rows get a checkpoint depends on real time: it never changes a lab's state or a replay.
 */
export interface CheckpointPolicy {
  every: number;
  heavyMs: number;
  /** The commands since the last checkpoint cost at least SHARE × its cost… */
  share: number;
  /** …or sooner, once they took what a rebuild may spend (ms), less the checkpoint's own cost… */
  rebuildMs: number;
  /** …but at least this much (ms): the least tail a checkpoint is worth, and the first one's. */
  tailMs: number;
  /** Commands since the last checkpoint after which one is due whatever they cost (× every). */
  maxFactor: number;
}

export function checkpointPolicy(every: number, heavyMs: number): CheckpointPolicy {
  return {
    every,
    heavyMs,
    share: Number(process.env.LAB_CHECKPOINT_SHARE ?? 4),
    rebuildMs: Number(process.env.LAB_CHECKPOINT_REBUILD_MS ?? 250),
    tailMs: Number(process.env.LAB_CHECKPOINT_TAIL_MS ?? 100),
    maxFactor: 32,
  };
}

/** What the worker knows of a lab's checkpoints (kept per live lab). */
export interface CheckpointClock {
  /** Worker time of the commands since the last checkpoint (ms). */
  sinceMs: number;
  /** What the last checkpoint cost (ms; 0: none taken by this worker yet). */
  lastCostMs: number;
  /** This lab's spread of the bounds (× tail and × count bound), in [0.5, 1.5). */
  spread: number;
  /** Times in a row its due checkpoint was put off (the worker was reading another lab's). */
  putOff: number;
}

/** The clock of a lab; `key` (its session id) draws its spread (1: no key). */
export function newCheckpointClock(key?: string): CheckpointClock {
  return { sinceMs: 0, lastCostMs: 0, spread: key === undefined ? 1 : 0.5 + fnv1a(key) / 2 ** 32, putOff: 0 };
}

/** FNV-1a with murmur3's final mix (ids that differ in their last character spread too). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Is a checkpoint due after a command that took `commandMs`, `commands` rows after the last one? */
export function checkpointDue(
  p: CheckpointPolicy,
  clock: CheckpointClock,
  commands: number,
  commandMs: number,
): boolean {
  clock.sinceMs += commandMs;
  if (commandMs >= p.heavyMs) return true;
  if (commands >= Math.round(p.every * p.maxFactor * clock.spread)) return true;
  if (commands < p.every) return false;
  const cost = clock.lastCostMs;
  const budget = cost > 0 ? Math.min(p.share * cost, Math.max(p.tailMs, p.rebuildMs - cost)) : p.tailMs;
  return clock.sinceMs >= budget * clock.spread;
}

/** A checkpoint was taken, costing `costMs`. */
export function checkpointTaken(clock: CheckpointClock, costMs: number): void {
  clock.sinceMs = 0;
  clock.lastCostMs = costMs;
}
