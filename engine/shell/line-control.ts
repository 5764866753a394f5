/**
 * The terminal line running now, as its commands that spend virtual time see it (`sleep`,
 * labctl's benchmark). At each of their checkpoints (every virtual second at most) the line may
 * be paced (the caller waits real time there, once the line has printed something) and stopped
 * as by Ctrl-C: at a given virtual offset (a replay), or at the first checkpoint after the
 * caller asked for it (a live Ctrl-C), whose offset is then known and can be logged.
 * Checkpoints are always followed by the clock moving forward, so their offsets strictly
 * increase: "the first checkpoint at or after the offset" is the same one in a replay.
 */
import type { Clock } from "../core/clock";

export interface LineControlOptions {
  /** Stop the line (as by Ctrl-C) at the first checkpoint this far into it, in virtual µs. */
  interruptAfterUs?: number;
  /**
   * Awaited at every checkpoint once the line has printed, before the clock moves `stepUs`
   * further: the caller's real-time pacing (a Ctrl-C asked meanwhile stops the line right there).
   */
  pace?: (virtualUsSoFar: number, stepUs: number) => Promise<void>;
  /** True once the caller asked for a Ctrl-C (read at each checkpoint). */
  requested?: () => boolean;
}

export class LineControl {
  /** Offset (virtual µs into the line) at which the line was stopped, if it was. */
  stoppedAtUs: number | undefined;
  /** The line has printed something (pacing starts then: `sleep 30` alone is not paced). */
  printed = false;

  constructor(
    private readonly clock: Clock,
    readonly startUs: number,
    private readonly opts: LineControlOptions,
    private readonly stop: () => void,
  ) {}

  /** A point where the line may wait and be interrupted, before the clock moves to `nextUs`; true when it must stop now. */
  async checkpoint(nextUs: number): Promise<boolean> {
    if (this.stoppedAtUs !== undefined) return true;
    const offset = this.clock.now - this.startUs;
    if (this.printed && this.opts.pace) await this.opts.pace(offset, Math.max(0, nextUs - this.clock.now));
    const due = this.opts.interruptAfterUs !== undefined && offset >= this.opts.interruptAfterUs;
    if (due || this.opts.requested?.() === true) {
      this.stoppedAtUs = offset;
      this.stop();
      return true;
    }
    return false;
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
