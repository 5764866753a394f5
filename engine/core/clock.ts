/**
 * Virtual clock and event queue. Time is an integer number of microseconds since the lab
 * started; it only moves when someone calls advanceTo/advanceBy (a command's simulated
 * duration, `sleep`, an explicit wait). Events scheduled for the same instant run in the
 * order they were scheduled, so a replay is byte-identical.
 */
import { rebindable } from "./rebind";

export type TimerId = number;

/** What a cancelled timer runs (never: it is dropped unrun); a checkpoint can carry it. */
const cancelledTimer = rebindable("clock.cancelled", () => () => undefined);

interface Timer {
  id: TimerId;
  at: number;
  seq: number;
  label: string;
  fn: () => void;
}

export class Clock {
  private nowUs = 0;
  private seq = 0;
  private nextId = 1;
  private heap: Timer[] = [];
  private cancelled = new Set<TimerId>();
  /** Timers not yet run nor cancelled, by id. */
  private live = new Map<TimerId, Timer>();
  private running = false;

  /** Current virtual time in microseconds. */
  get now(): number {
    return this.nowUs;
  }

  /** Current virtual time in milliseconds (float). */
  get nowMs(): number {
    return this.nowUs / 1000;
  }

  /** Schedule `fn` to run `delayUs` microseconds from now (never in the past). */
  schedule(delayUs: number, label: string, fn: () => void): TimerId {
    return this.scheduleAt(this.nowUs + Math.max(0, Math.round(delayUs)), label, fn);
  }

  scheduleAt(atUs: number, label: string, fn: () => void): TimerId {
    const timer: Timer = { id: this.nextId++, at: Math.max(this.nowUs, Math.round(atUs)), seq: this.seq++, label, fn };
    this.push(timer);
    this.live.set(timer.id, timer);
    return timer.id;
  }

  cancel(id: TimerId | undefined): void {
    const t = id === undefined ? undefined : this.live.get(id);
    if (!t) return; // run or cancelled already
    this.cancelled.add(t.id);
    this.live.delete(t.id);
    // its closure goes at once (a checkpoint carries the queue: engine/checkpoint.ts)
    t.fn = cancelledTimer();
  }

  /** Number of pending (not cancelled) timers; for tests and invariants. */
  pending(): { at: number; label: string }[] {
    return this.heap
      .filter((t) => !this.cancelled.has(t.id))
      .sort((a, b) => a.at - b.at || a.seq - b.seq)
      .map((t) => ({ at: t.at, label: t.label }));
  }

  /** Pending timers' labels and closures (a checkpoint carries only rebindable ones). */
  pendingTimers(): { label: string; fn: () => void }[] {
    return this.heap.filter((t) => !this.cancelled.has(t.id)).map((t) => ({ label: t.label, fn: t.fn }));
  }

  /** When the next live timer fires, or undefined. */
  nextAt(): number | undefined {
    this.dropCancelledTop();
    return this.heap[0]?.at;
  }

  /**
   * Run every timer due up to `targetUs` (inclusive), moving `now` to each timer's time as it
   * runs, then to `targetUs`. Timers scheduled while running are honoured if due.
   */
  advanceTo(targetUs: number): void {
    if (this.running) throw new Error("Clock.advanceTo is not re-entrant");
    this.running = true;
    try {
      const target = Math.max(this.nowUs, Math.round(targetUs));
      for (;;) {
        this.dropCancelledTop();
        const top = this.heap[0];
        if (!top || top.at > target) break;
        this.pop();
        this.live.delete(top.id);
        this.nowUs = top.at;
        top.fn();
      }
      this.nowUs = target;
    } finally {
      this.running = false;
    }
  }

  advanceBy(deltaUs: number): void {
    this.advanceTo(this.nowUs + Math.max(0, deltaUs));
  }

  /** True while advanceTo is executing timers (an event handler must not advance time). */
  get isRunning(): boolean {
    return this.running;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.cancelled.has((this.heap[0] as Timer).id)) {
      this.cancelled.delete((this.heap[0] as Timer).id);
      this.pop();
    }
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i] as Timer, h[p] as Timer)) break;
      [h[i], h[p]] = [h[p] as Timer, h[i] as Timer];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (h.length === 0 || !last) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l] as Timer, h[m] as Timer)) m = l;
      if (r < h.length && this.less(h[r] as Timer, h[m] as Timer)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Timer, h[i] as Timer];
      i = m;
    }
  }
}

export const US_PER_MS = 1000;
export const US_PER_S = 1_000_000;
