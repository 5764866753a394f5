/**
 * When a lab worker runs a full garbage collection of its own heap.
 *
 * A lab's PostgreSQL is a PGlite instance: WebAssembly memory of 100 MiB and more, opened at
 * `pg_ctl start` and at the first query after a sleep, closed at every sleep (every 8th command
 * line, 5 min idle), stop, crash or database switch. A closed instance's memory goes back to the
 * system only when V8 collects it, and V8 does not count it towards its heap's limits: measured
 * on 30 TP4 labs whose servers went to sleep, 4.8 GiB of closed instances were still there, RSS
 * 2.7 GiB (75 MiB per idle lab), with nothing left to trigger a collection. So the worker asks
 * for one itself:
 * - after a request, once `busyCloses` instances were closed (or labs holding open ones dropped)
 *   since the last collection: a busy worker collects every other reopen or so;
 * - on its timer, once anything is pending and the worker has been quiet for `quietMs`: the last
 *   sleeps of a class that stopped typing are collected without pausing anyone.
 * A collection of a worker's heap takes a few milliseconds to a few tens (its other labs wait;
 * the request thread and the other workers do not: every thread has its own heap).
 */
import v8 from "node:v8";
import vm from "node:vm";

export interface CollectorOptions {
  /** A full collection (null: none available, nothing is ever collected). */
  gc: (() => void) | null;
  /** Instances closed in this thread so far (engine/services/postgres/pglite.ts). */
  closed: () => number;
  now?: () => number;
  /** Closed instances after which a request's end collects (default 2). */
  busyCloses?: number;
  /** Quiet time after which the timer collects what is pending (default 1000 ms). */
  quietMs?: number;
}

export class InstanceCollector {
  private closedAtLast: number;
  private dropped = 0;
  private lastWorkAt: number;
  private readonly now: () => number;
  private readonly busyCloses: number;
  private readonly quietMs: number;
  /** Collections run so far. */
  collections = 0;

  constructor(private readonly opts: CollectorOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.busyCloses = opts.busyCloses ?? 2;
    this.quietMs = opts.quietMs ?? 1000;
    this.closedAtLast = opts.closed();
    this.lastWorkAt = this.now();
  }

  /** Instances waiting for a collection (closed, or dropped with their lab). */
  pending(): number {
    return this.opts.closed() - this.closedAtLast + this.dropped;
  }

  /** Labs left memory (evicted, swept): whatever instance they held open is garbage now. */
  labsDropped(count: number): void {
    this.dropped += count;
  }

  /** A request ended: collect when enough instances are waiting. */
  afterWork(): boolean {
    this.lastWorkAt = this.now();
    return this.pending() >= this.busyCloses && this.collect();
  }

  /** The worker's timer: collect what is pending once the worker has been quiet. */
  tick(): boolean {
    return this.pending() > 0 && this.now() - this.lastWorkAt >= this.quietMs && this.collect();
  }

  private collect(): boolean {
    const gc = this.opts.gc;
    if (!gc) return false;
    const closed = this.opts.closed();
    gc();
    this.closedAtLast = closed;
    this.dropped = 0;
    this.collections++;
    return true;
  }
}

let exposed: (() => void) | null | undefined;

/** This thread's full collection: V8's `gc`, exposed at run time (null where V8 refuses). */
export function exposedGc(): (() => void) | null {
  if (exposed !== undefined) return exposed;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    exposed = typeof gc === "function" ? () => (gc as () => void)() : null;
  } catch {
    exposed = null;
  }
  return exposed;
}
