/**
 * The lab worker pool: labs run in worker threads, never on the request thread. Each lab
 * session is assigned to one worker (the least loaded when it first comes) and stays there;
 * a worker that dies, or stops answering for `watchdogMs`, is replaced by a fresh one, and its
 * labs are rebuilt there from their stored rows when they are next used (the pool asks the
 * caller's `load` for them: a worker never reads the database). Ctrl-C sets the command's flag
 * in a SharedArrayBuffer that the engine reads at its checkpoints with Atomics.load, so it
 * reaches a command busy in synchronous code at once.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { TtyChunk } from "@/engine/index";
import type { GradeProgress, GradeResult } from "@/graders";
import type { StoredCheckpoint } from "./checkpoints";
import type { ClusterView } from "./cluster-view";
import type { StoredEvent } from "./live";
import type {
  LabInspection,
  LabPosition,
  LabSessionRef,
  LabView,
  ReplayAnswer,
  WorkerAdvanceResult,
  WorkerData,
  WorkerExecResult,
  WorkerMessage,
  WorkerRequest,
  WorkerWake,
} from "./worker/protocol";

/** Longest start of a worker before the watchdog counts (loading the engine through tsx). */
const STARTUP_MS = 120_000;

/** Command slots per worker (commands running at once; more wait for a free slot). */
const SLOTS = 1024;

export interface LabPoolOptions {
  /** Worker threads (default LAB_WORKERS, else one per core). */
  workers?: number;
  /** Live labs kept per worker (default LAB_CACHE_MAX / workers; least recently used dropped first, they come back by replay). */
  maxLabsPerWorker?: number;
  idleMs?: number;
  /** A worker that has not answered a ping for this long is terminated and replaced (real time; default LAB_WORKER_WATCHDOG_MS, else 120 s). */
  watchdogMs?: number;
  pingMs?: number;
  /** The worker script (default: the bundle in production, else the tsx bootstrap). */
  entry?: string;
  /** Allows the `block` request (watchdog tests). */
  testHooks?: boolean;
  /** Told when a worker is replaced (logs, tests). */
  onRestart?: (index: number, reason: string) => void;
}

/** The worker script: the bundle `npm run build` writes, else the sources through tsx. */
export function workerEntry(root = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const bundle = path.join(root, ".next", "lab-worker.mjs");
  if (env.NODE_ENV === "production" && existsSync(bundle)) return bundle;
  return path.join(root, "lib", "labs", "worker", "bootstrap.mjs");
}

export class WorkerLost extends Error {
  constructor(reason: string) {
    super(`lab worker lost: ${reason}`);
  }
}

export interface ExecCallbacks {
  onOutput?: (chunk: TtyChunk) => void;
  onCluster?: (cluster: ClusterView) => void;
  /** Already aborted when the command starts: it stops at its first checkpoint. */
  signal?: AbortSignal;
}

type Pending = {
  resolve: (m: WorkerMessage) => void;
  reject: (e: Error) => void;
  onEvent?: (m: WorkerMessage) => void;
};

class PoolWorker {
  readonly worker: Worker;
  readonly flags: Int32Array;
  readonly pending = new Map<number, Pending>();
  /** Exec replies whose checkpoint follows (WorkerExecResult.checkpointFollows), by request id. */
  private readonly following = new Map<number, (c: StoredCheckpoint | null) => void>();
  private readonly freeSlots: number[] = [];
  private readonly slotWaiters: Array<(slot: number) => void> = [];
  lastAnswer = Date.now();
  /** Answered once: the script is loaded (a cold start through tsx takes seconds). */
  ready = false;
  pingOut = false;
  dead = false;

  constructor(
    readonly index: number,
    entry: string,
    opts: Required<Pick<LabPoolOptions, "maxLabsPerWorker" | "idleMs" | "testHooks">>,
    private readonly onGone: (w: PoolWorker, reason: string) => void,
  ) {
    const sab = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT);
    this.flags = new Int32Array(sab);
    for (let i = SLOTS - 1; i >= 0; i--) this.freeSlots.push(i);
    const data: WorkerData = {
      interruptFlags: sab,
      maxLabs: opts.maxLabsPerWorker,
      idleMs: opts.idleMs,
      testHooks: opts.testHooks,
    };
    this.worker = new Worker(entry, { workerData: data, name: `lab-worker-${index}` });
    this.worker.unref();
    this.worker.on("message", (m: WorkerMessage) => {
      this.lastAnswer = Date.now();
      this.ready = true;
      if ("event" in m && m.event === "checkpoint") {
        this.following.get(m.id)?.(m.checkpoint);
        this.following.delete(m.id);
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      if ("event" in m) p.onEvent?.(m);
      else {
        this.pending.delete(m.id);
        const ran = m.ok ? (m.value as WorkerExecResult | null) : null;
        if (ran?.checkpointFollows)
          ran.checkpoint = new Promise<StoredCheckpoint | null>((resolve) => this.following.set(m.id, resolve));
        p.resolve(m);
      }
    });
    this.worker.on("error", (e) => this.gone(`error: ${e.message}`));
    this.worker.on("exit", (code) => this.gone(`exit ${code}`));
  }

  gone(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    for (const p of this.pending.values()) p.reject(new WorkerLost(reason));
    this.pending.clear();
    for (const resolve of this.following.values()) resolve(null);
    this.following.clear();
    this.onGone(this, reason);
  }

  send(m: WorkerRequest | WorkerWake): void {
    this.worker.postMessage(m);
  }

  async slot(): Promise<number> {
    const s = this.freeSlots.pop();
    if (s !== undefined) {
      Atomics.store(this.flags, s, 0);
      return s;
    }
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  release(slot: number): void {
    Atomics.store(this.flags, slot, 0);
    const next = this.slotWaiters.shift();
    if (next) next(slot);
    else this.freeSlots.push(slot);
  }
}

/** A lab as the pool sees it: its session, its learner (placement), and how to get its rows. */
export interface LabRef {
  id: string;
  userId: string;
  load: () => Promise<{ session: LabSessionRef; events: StoredEvent[]; checkpoint?: StoredCheckpoint | null }>;
}

let nextId = 1;

export class LabPool {
  private readonly workers: PoolWorker[] = [];
  /** Lab session → worker index (sticky); a learner's labs go to the same worker. */
  private readonly assigned = new Map<string, number>();
  private readonly byUser = new Map<string, number>();
  private readonly load: number[] = [];
  /** Lab session → the command running there (for Ctrl-C). */
  private readonly running = new Map<string, { w: PoolWorker; slot: number }>();
  /** One request at a time per lab on this side too: a command and its row commit in order. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly timer: NodeJS.Timeout;
  private readonly entry: string;
  private readonly opts: Required<Omit<LabPoolOptions, "entry" | "onRestart" | "workers">> & { workers: number };
  private closed = false;

  constructor(private readonly options: LabPoolOptions = {}) {
    const fromEnv = Number(process.env.LAB_WORKERS ?? "");
    const workers =
      options.workers ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.max(1, availableParallelism()));
    this.opts = {
      workers,
      maxLabsPerWorker: options.maxLabsPerWorker ?? Math.ceil(Number(process.env.LAB_CACHE_MAX || 200) / workers),
      idleMs: options.idleMs ?? 20 * 60_000,
      watchdogMs: options.watchdogMs ?? (Number(process.env.LAB_WORKER_WATCHDOG_MS) || 120_000),
      pingMs: options.pingMs ?? 1000,
      testHooks: options.testHooks ?? false,
    };
    this.entry = options.entry ?? workerEntry();
    for (let i = 0; i < workers; i++) {
      this.workers.push(this.spawn(i));
      this.load.push(0);
    }
    this.timer = setInterval(() => this.watch(), this.opts.pingMs);
    this.timer.unref();
  }

  get size(): number {
    return this.workers.length;
  }

  private spawn(index: number): PoolWorker {
    return new PoolWorker(index, this.entry, this.opts, (w, reason) => this.replace(w, reason));
  }

  private replace(w: PoolWorker, reason: string): void {
    if (this.closed || this.workers[w.index] !== w) return;
    void w.worker.terminate();
    for (const [id, r] of this.running) if (r.w === w) this.running.delete(id);
    this.workers[w.index] = this.spawn(w.index);
    this.options.onRestart?.(w.index, reason);
    console.error(`lab worker ${w.index} replaced (${reason}); its labs are rebuilt from their logs`);
  }

  /** Pings every worker; one silent for watchdogMs is terminated and replaced. */
  private watch(): void {
    const now = Date.now();
    for (const w of this.workers) {
      if (w.dead) continue;
      const limit = w.ready ? this.opts.watchdogMs : Math.max(this.opts.watchdogMs, STARTUP_MS);
      if (now - w.lastAnswer > limit) {
        w.gone(`no answer for ${now - w.lastAnswer} ms`);
        continue;
      }
      if (w.pingOut) continue;
      w.pingOut = true;
      this.request(w, { id: nextId++, op: "ping" }).then(
        () => {
          w.pingOut = false;
        },
        () => undefined,
      );
    }
  }

  /**
   * The lab's worker. A new lab goes where its learner's other labs are (their loops then share
   * one lab's turns and one worker), else to the worker with the fewest labs.
   */
  private workerFor(lab: { id: string; userId: string }): PoolWorker {
    let i = this.assigned.get(lab.id);
    if (i === undefined) {
      i = this.byUser.get(lab.userId);
      if (i === undefined) {
        i = 0;
        for (let k = 1; k < this.load.length; k++) if ((this.load[k] ?? 0) < (this.load[i] ?? 0)) i = k;
        this.byUser.set(lab.userId, i);
      }
      this.assigned.set(lab.id, i);
      this.load[i] = (this.load[i] ?? 0) + 1;
    }
    return this.workers[i] as PoolWorker;
  }

  private request(w: PoolWorker, m: WorkerRequest, onEvent?: (m: WorkerMessage) => void): Promise<WorkerMessage> {
    if (w.dead) return Promise.reject(new WorkerLost("worker gone"));
    return new Promise((resolve, reject) => {
      w.pending.set(m.id, { resolve, reject, onEvent });
      w.send(m);
    });
  }

  /** Sends `make(id)` to the lab's worker; a lab it does not hold is loaded first, once. */
  private async call<T>(
    lab: LabRef,
    make: (id: number, w: PoolWorker) => WorkerRequest | Promise<WorkerRequest>,
    onEvent?: (m: WorkerMessage) => void,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const w = this.workerFor(lab);
      const reply = await this.request(w, await make(nextId++, w), onEvent);
      if ("event" in reply) throw new Error("unexpected worker event");
      if (reply.ok) return reply.value as T;
      if (!("missing" in reply)) throw new Error(reply.error);
      if (attempt > 0) throw new Error(`lab ${lab.id} could not be loaded in its worker`);
      const { session, events, checkpoint } = await lab.load();
      const loaded = await this.request(w, { id: nextId++, op: "load", session, events, checkpoint });
      if (!("ok" in loaded) || !loaded.ok) throw new Error("error" in loaded ? loaded.error : "load failed");
    }
  }

  /** Runs `fn` after the lab's previous request (its command and its row) has finished. */
  serial<T>(sessionId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.chains.get(sessionId) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.chains.set(sessionId, settled);
    void settled.then(() => {
      if (this.chains.get(sessionId) === settled) this.chains.delete(sessionId);
    });
    return run;
  }

  view(lab: LabRef): Promise<LabView> {
    return this.call(lab, (id) => ({ id, op: "snapshot", sessionId: lab.id }));
  }

  async exec(lab: LabRef, cmd: { terminal: string; input: string }, stream?: ExecCallbacks): Promise<WorkerExecResult> {
    const sessionId = lab.id;
    const onEvent = (m: WorkerMessage) => {
      if (!("event" in m)) return;
      if (m.event === "output") stream?.onOutput?.(m.chunk);
      else if (m.event === "cluster") stream?.onCluster?.(m.cluster);
    };
    let held: { w: PoolWorker; slot: number } | undefined;
    try {
      return await this.call<WorkerExecResult>(
        lab,
        async (id, w) => {
          if (held?.w !== w) {
            if (held) held.w.release(held.slot);
            held = { w, slot: await w.slot() };
            this.running.set(sessionId, held);
          }
          if (stream?.signal?.aborted) Atomics.store(w.flags, held.slot, 1);
          return { id, op: "exec", sessionId, ...cmd, stream: stream !== undefined, slot: held.slot };
        },
        onEvent,
      );
    } finally {
      if (held) {
        held.w.release(held.slot);
        if (this.running.get(sessionId) === held) this.running.delete(sessionId);
      }
    }
  }

  advance(lab: LabRef, ms: number): Promise<WorkerAdvanceResult> {
    return this.call(lab, (id) => ({ id, op: "advance", sessionId: lab.id, ms }));
  }

  /** The node's DRBD config files, or null when the lab has no such node. */
  files(lab: LabRef, node: string): Promise<Record<string, string> | null> {
    return this.call(lab, (id) => ({ id, op: "files", sessionId: lab.id, node }));
  }

  hasNodes(lab: LabRef, nodes: string[]): Promise<boolean> {
    return this.call(lab, (id) => ({ id, op: "hasNodes", sessionId: lab.id, nodes }));
  }

  /**
   * Grades a lab submission (the graders replay its log) in the learner's worker; `onProgress`
   * hears the replay and each check as the worker gets there.
   */
  async grade(
    userId: string,
    exerciseId: string,
    submission: unknown,
    onProgress?: (p: GradeProgress) => void,
  ): Promise<GradeResult> {
    const w = this.workerFor({ id: `grade:${userId}`, userId });
    const reply = await this.request(w, { id: nextId++, op: "grade", exerciseId, submission }, (m) => {
      if ("event" in m && m.event === "grade") onProgress?.(m.progress);
    });
    if ("event" in reply || !reply.ok) throw new Error("error" in reply ? reply.error : "grading failed");
    return reply.value as GradeResult;
  }

  /** Ctrl-C for the lab's running command: true if one was running. */
  /**
   * The replay page: the replay's info (`at` null) or the cluster after row `at`, from the
   * replay the worker keeps for this session and log length (`key`); built from the rows once.
   */
  async replay(lab: LabRef, key: string, at: number | null): Promise<ReplayAnswer> {
    const w = this.workerFor({ id: `replay:${lab.id}`, userId: lab.userId });
    let reply = await this.request(w, { id: nextId++, op: "replay", key, at });
    if (!("event" in reply) && !reply.ok && "missing" in reply) {
      const build = await lab.load();
      reply = await this.request(w, { id: nextId++, op: "replay", key, at, build });
    }
    if ("event" in reply || !reply.ok) throw new Error("error" in reply ? reply.error : "replay failed");
    return reply.value as ReplayAnswer;
  }

  interrupt(sessionId: string): boolean {
    const r = this.running.get(sessionId);
    if (!r) return false;
    Atomics.store(r.w.flags, r.slot, 1);
    r.w.send({ op: "wake", slot: r.slot });
    return true;
  }

  /** Drops the lab from its worker (it is rebuilt from its rows when next used). */
  evict(sessionId: string): void {
    const i = this.assigned.get(sessionId);
    if (i === undefined) return;
    const w = this.workers[i];
    if (w && !w.dead) this.request(w, { id: nextId++, op: "evict", sessionId }).catch(() => undefined);
  }

  /** Where the lab is in its log in its worker, or null when no worker holds it (several servers). */
  async position(sessionId: string): Promise<LabPosition | null> {
    const w = this.heldBy(sessionId);
    if (!w) return null;
    const reply = await this.request(w, { id: nextId++, op: "position", sessionId });
    if ("event" in reply || !reply.ok) return null;
    return reply.value as LabPosition | null;
  }

  /** Replays rows other servers appended in the lab's worker; false when they did not follow on (the lab is dropped). */
  async catchUp(sessionId: string, events: StoredEvent[]): Promise<boolean> {
    const w = this.heldBy(sessionId);
    if (!w) return false;
    const reply = await this.request(w, { id: nextId++, op: "catchUp", sessionId, events });
    if ("event" in reply) throw new Error("unexpected worker event");
    if (!reply.ok) throw new Error("error" in reply ? reply.error : "catch-up failed");
    return reply.value as boolean;
  }

  private heldBy(sessionId: string): PoolWorker | undefined {
    const i = this.assigned.get(sessionId);
    const w = i === undefined ? undefined : this.workers[i];
    return w && !w.dead ? w : undefined;
  }

  /** The lab's state in its worker, or null when the worker does not hold it (tests, diagnostics). */
  async inspect(sessionId: string): Promise<LabInspection | null> {
    const i = this.assigned.get(sessionId);
    const w = i === undefined ? undefined : this.workers[i];
    if (!w) return null;
    const reply = await this.request(w, { id: nextId++, op: "inspect", sessionId });
    if ("event" in reply) throw new Error("unexpected worker event");
    if (reply.ok) return reply.value as LabInspection;
    if ("missing" in reply) return null;
    throw new Error(reply.error);
  }

  /** Blocks a worker's thread for `ms` (test hook: the watchdog must replace it). */
  block(index: number, ms: number): Promise<WorkerMessage> {
    const w = this.workers[index];
    if (!w) throw new RangeError("no such worker");
    return this.request(w, { id: nextId++, op: "block", ms });
  }

  /** The worker index a lab is assigned to (tests, logs). */
  workerOf(sessionId: string): number | undefined {
    return this.assigned.get(sessionId);
  }

  /** The worker thread (tests: kill it to see its labs come back). */
  thread(index: number): Worker | undefined {
    return this.workers[index]?.worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
