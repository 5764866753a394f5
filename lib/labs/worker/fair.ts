/**
 * Fair turns between the labs of one worker. A running command awaits `turn(owner)` at its work
 * checkpoints; each tick resumes one waiting command, the owners (learners) in turn, so a
 * learner running loops on three labs gets one lab's share, as much as a learner with one lab.
 * Between ticks the event loop reads new requests.
 */
export class FairScheduler {
  /** Waiting commands by owner; Map order is the round-robin order. */
  private readonly queues = new Map<string, Array<() => void>>();
  private scheduled = false;

  constructor(private readonly defer: (fn: () => void) => void = (fn) => setImmediate(fn)) {}

  turn(owner: string): Promise<void> {
    return new Promise((resolve) => {
      const q = this.queues.get(owner);
      if (q) q.push(resolve);
      else this.queues.set(owner, [resolve]);
      this.schedule();
    });
  }

  /** Commands waiting for a turn. */
  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => this.tick());
  }

  /**
   * Resumes one waiting command, the first owner's in the round; the owner goes to the back.
   * One per tick, not one per owner: between two slices the event loop reads new requests (a
   * round of every owner's slice in one go kept them waiting for all of it).
   */
  private tick(): void {
    this.scheduled = false;
    const first = this.queues.entries().next();
    if (first.done) return;
    const [owner, q] = first.value;
    const next = q.shift();
    this.queues.delete(owner);
    if (q.length > 0) this.queues.set(owner, q);
    if (this.queues.size > 0) this.schedule();
    next?.();
  }
}

/** Real time a command may run between two turns before it lets the others go (ms). */
export const SLICE_MS = 4;

/**
 * Fair turns for one piece of work (a command, a checkpoint's walk): `yieldNow` waits for
 * `owner`'s next turn once the work has run SLICE_MS since its last one; `ownMs` is the time it
 * ran, the other labs' turns left out.
 */
export function slices(
  scheduler: FairScheduler,
  owner: string,
  now: () => number = () => performance.now(),
): { yieldNow: () => Promise<void>; ownMs: () => number } {
  let start = now();
  let ran = 0;
  return {
    async yieldNow() {
      const t = now();
      if (t - start < SLICE_MS) return;
      ran += t - start;
      await scheduler.turn(owner);
      start = now();
    },
    ownMs: () => ran + now() - start,
  };
}

/**
 * Work that runs one piece at a time (a worker's checkpoint walks: each one read in slices
 * between the other labs' turns; several at once made every turn longer, and each lab whose
 * checkpoint was being read waited for all of them). `run` starts `fn` once the pieces before
 * it are done; `busy` says whether one is running or waiting.
 */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  get busy(): boolean {
    return this.pending > 0;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    this.pending++;
    const done = this.tail.then(fn).finally(() => {
      this.pending--;
    });
    this.tail = done.catch(() => undefined);
    return done;
  }
}
