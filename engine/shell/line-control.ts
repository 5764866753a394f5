/**
 * The terminal line running now, as the engine's work checkpoints see it. A line is measured
 * in work units, never in real time: every command the interpreter charges, every loop
 * iteration, every unit of awk/sed/... work, every step of `sleep` and every KiB printed is a
 * checkpoint that adds to the line's count. At each checkpoint the line may be stopped:
 *  - by a Ctrl-C: the first checkpoint after the caller asked for it (a live Ctrl-C, polled
 *    synchronously, so a pure CPU loop stops at once), or the checkpoint whose count was
 *    recorded (a replay stops at exactly the same point);
 *  - by its budget: a line may spend LINE_WORK_BUDGET units (about one second of CPU), plus
 *    WORK_PER_VIRTUAL_S for every virtual second it waited (a dashboard that refreshes every
 *    two seconds runs on, as a process that mostly sleeps), LINE_WORK_CAP in all; then it is
 *    killed as by a CPU time limit, at the same point in every replay.
 * Checkpoints that may wait (loop iterations through the tick command, our commands, `sleep`
 * steps) also let the caller run other work (`yieldNow`) and pace the output in real time for
 * the eye (`pace`); neither changes the outcome of the line. Virtual time is free: `sleep 3600`
 * is 3600 steps, far below the budget.
 */
import type { Clock } from "../core/clock";

/** Work units a command line may spend at once before it is killed (about one second of CPU). */
export const LINE_WORK_BUDGET = 16_000;
/** Work units a line earns per virtual second it lets pass (`sleep`, a benchmark's run). */
export const WORK_PER_VIRTUAL_S = 2_000;
/** Work units no line may exceed, whatever virtual time it let pass (some 30 s of CPU). */
export const LINE_WORK_CAP = 500_000;
/**
 * Work units between two calls of the caller's `yieldNow` (about a millisecond of CPU; the
 * caller decides whether to let others run: lib/labs/worker/fair.ts, every 4 ms). At 64 a CPU
 * loop held its worker up to 9–11 ms (p99) between two chances to let another lab run, at 16
 * 4–5 ms (`npm run bench -- engine-command`), for the same cost per light command. Not a point
 * of the line's outcome: a Ctrl-C is recorded by work count, whichever call saw it.
 */
export const YIELD_EVERY_UNITS = 16;

export type StopReason = "interrupt" | "budget";

export interface LineControlOptions {
  /** Stop the line (as by Ctrl-C) at the checkpoint where its work count reaches this: a replay. */
  interruptAtWork?: number;
  /**
   * Stop the line (as by Ctrl-C) at the first `sleep`-like checkpoint this far into it, in
   * virtual µs: a replay of an event recorded before work counts were (interruptAtWork wins).
   */
  interruptAfterUs?: number;
  /**
   * Awaited at every virtual-time checkpoint once the line has printed, before the clock moves
   * `stepUs` further: the caller's real-time pacing (a Ctrl-C asked meanwhile stops the line there).
   */
  pace?: (virtualUsSoFar: number, stepUs: number) => Promise<void>;
  /** True once the caller asked for a Ctrl-C (polled at every checkpoint, synchronously). */
  requested?: () => boolean;
  /** Awaited every YIELD_EVERY_UNITS units at the checkpoints that may wait: other work runs. */
  yieldNow?: () => Promise<void>;
  /** Work units the line may spend at once (LINE_WORK_BUDGET unless a test says otherwise). */
  budget?: number;
}

export class LineControl {
  /** Work units spent so far. */
  work = 0;
  /** Why the line was stopped, if it was. */
  stopReason: StopReason | undefined;
  /** Offset (virtual µs into the line) at which the line was stopped, if it was. */
  stoppedAtUs: number | undefined;
  /** Work count at which the line was stopped, if it was. */
  stoppedAtWork: number | undefined;
  /** The line has printed something (pacing starts then: `sleep 30` alone is not paced). */
  printed = false;
  private lastYield = 0;
  private readonly budget: number;

  constructor(
    private readonly clock: Clock,
    readonly startUs: number,
    private readonly opts: LineControlOptions,
    private readonly stop: (reason: StopReason) => void,
  ) {
    this.budget = opts.budget ?? LINE_WORK_BUDGET;
  }

  /** Work units the line may spend by now: its budget, plus what the virtual time it let pass earned. */
  allowance(): number {
    const earned = Math.floor(((this.clock.now - this.startUs) * WORK_PER_VIRTUAL_S) / 1_000_000);
    return Math.min(LINE_WORK_CAP, this.budget + earned);
  }

  get stopped(): boolean {
    return this.stopReason !== undefined;
  }

  private halt(reason: StopReason): true {
    this.stopReason = reason;
    this.stoppedAtUs = this.clock.now - this.startUs;
    this.stoppedAtWork = this.work;
    this.stop(reason);
    return true;
  }

  /**
   * A work checkpoint that cannot wait (the interpreter charging a command, a loop iteration):
   * counts `units`; true when the line must stop now.
   */
  spend(units = 1): boolean {
    if (this.stopReason !== undefined) return true;
    this.work += units;
    const at = this.opts.interruptAtWork;
    if (at !== undefined) {
      if (this.work >= at) return this.halt("interrupt");
    } else if (this.opts.interruptAfterUs === undefined && this.opts.requested?.() === true) {
      return this.halt("interrupt");
    }
    if (this.work > this.budget && this.work > this.allowance()) return this.halt("budget");
    return false;
  }

  /** A work checkpoint that may wait: counts `units`, lets the caller run other work; true when the line must stop. */
  async spendAndYield(units = 1): Promise<boolean> {
    if (this.spend(units)) return true;
    if (this.opts.yieldNow && this.work - this.lastYield >= YIELD_EVERY_UNITS) {
      this.lastYield = this.work;
      await this.opts.yieldNow();
      // a Ctrl-C asked while other work ran is seen here, at this same count
      if (
        this.opts.interruptAtWork === undefined &&
        this.opts.interruptAfterUs === undefined &&
        this.opts.requested?.()
      )
        return this.halt("interrupt");
    }
    return false;
  }

  /** A point where the line may wait and be interrupted, before the clock moves to `nextUs`; true when it must stop now. */
  async checkpoint(nextUs: number): Promise<boolean> {
    if (this.stopReason !== undefined) return true;
    if (this.printed && this.opts.pace)
      await this.opts.pace(this.clock.now - this.startUs, Math.max(0, nextUs - this.clock.now));
    const offset = this.clock.now - this.startUs;
    if (this.opts.interruptAtWork === undefined && this.opts.interruptAfterUs !== undefined) {
      if (offset >= this.opts.interruptAfterUs) {
        this.work += 1;
        return this.halt("interrupt");
      }
    }
    return this.spendAndYield(1);
  }
}

const lines = new WeakMap<object, LineControl>();

/** The line running in this world, if a terminal line is running. */
export function runningLine(world: object): LineControl | undefined {
  return lines.get(world);
}

export function setRunningLine(world: object, line: LineControl | undefined): void {
  if (line) lines.set(world, line);
  else lines.delete(world);
}

/** A checkpoint of the running line before the clock moves to `nextUs` (false when no line runs). */
export function lineCheckpoint(world: object, nextUs: number): Promise<boolean> {
  return runningLine(world)?.checkpoint(nextUs) ?? Promise.resolve(false);
}
