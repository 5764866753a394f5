/**
 * A lab worker thread: owns the live labs the pool assigns to it (by lab session id), runs their
 * commands and answers with what the request thread stores and shows. It never touches the
 * database: a lab it does not hold answers `missing`, and the pool sends it the stored rows to
 * rebuild from. Started by lib/labs/pool.ts (bundled to .next/lab-worker.mjs by `npm run build`,
 * or through tsx's loader in dev and tests: bootstrap.mjs).
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { CHECKPOINT_FORMAT } from "@/engine/checkpoint";
import type { ExecOptions } from "@/engine/index";
import { pgliteInstances } from "@/engine/services/postgres/pglite";
import { getExercise, grade } from "@/graders";
import { LabCache } from "../cache";
import { CHECKPOINT_EVERY, CHECKPOINT_HEAVY_MS, gradingSubmission, type StoredCheckpoint } from "../checkpoints";
import { clusterView } from "../cluster-view";
import { readConfigFiles } from "../files";
import { catchUp, type LiveLab, RunningCommand, rebuildLab, type TranscriptEntry, takeCheckpoint } from "../live";
import { paceMs, realWait } from "../pace";
import { buildReplay, frameAt, ReplayCache } from "../replay";
import { tabsOf } from "../tabs";
import {
  type CheckpointClock,
  checkpointDue,
  checkpointPolicy,
  checkpointTaken,
  newCheckpointClock,
} from "./checkpoint-policy";
import { exposedGc, InstanceCollector } from "./collect";
import { FairScheduler, OneAtATime, slices } from "./fair";
import type {
  LabView,
  WorkerAdvanceResult,
  WorkerData,
  WorkerExecResult,
  WorkerMessage,
  WorkerRequest,
  WorkerWake,
} from "./protocol";

const port = parentPort;
if (!port) throw new Error("lib/labs/worker/entry.ts runs in a worker thread");
const data = workerData as WorkerData;
lowerPriority(Number(process.env.LAB_WORKER_NICE ?? 10));

/**
 * This thread yields the CPU to the request thread (pages, /api/health, every learner's reply)
 * when the cores are busy: Linux's nice applies per thread, named by its id (/proc/thread-self).
 * Labs share a worker's time by fair turns (fair.ts); between workers, the kernel is fair.
 */
function lowerPriority(nice: number): void {
  if (!Number.isInteger(nice) || nice <= 0) return;
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.min(19, nice));
  } catch {
    // not Linux, or /proc is not mounted: the same priority as the request thread
  }
}
const flags = new Int32Array(data.interruptFlags);
// closed PostgreSQL instances' memory goes back when this heap is collected (collect.ts)
const collector = new InstanceCollector({ gc: exposedGc(), closed: () => pgliteInstances().closed });
setInterval(() => collector.tick(), 1000).unref();
// idle labs leave memory on their own (a quarter of the idle time late at most, 1 s to 1 min);
// they come back from their checkpoint and log when used again (the pool sends them on `missing`)
const labs = new LabCache({
  maxEntries: data.maxLabs,
  idleMs: data.idleMs,
  sweepEveryMs: Math.min(60_000, Math.max(1000, data.idleMs / 4)),
  onDrop: (count) => collector.labsDropped(count),
});
const scheduler = new FairScheduler();
/** Replays shown on the replay page, their frames kept so that seeking is a lookup. */
const replays = new ReplayCache();
/** When each live lab's next checkpoint is due (what its checkpoints cost, what ran since). */
const clocks = new WeakMap<LiveLab, CheckpointClock>();
const checkpoints = new OneAtATime();
/** Times a lab's due checkpoint may be put off because another lab's is being read. */
const MAX_PUT_OFF = 2;
const policy = checkpointPolicy(CHECKPOINT_EVERY, CHECKPOINT_HEAVY_MS);
/** Commands running now, by interrupt slot (a Ctrl-C wakes their pacing wait). */
const running = new Map<number, RunningCommand>();

class Missing extends Error {}

const post = (m: WorkerMessage) => port.postMessage(m);

async function held(sessionId: string): Promise<LiveLab> {
  if (!labs.has(sessionId)) throw new Missing();
  return labs.get(sessionId, () => Promise.reject(new Missing()));
}

function view(l: LiveLab): LabView {
  return { tabs: tabsOf(l.lab), cluster: clusterView(l.lab), transcript: l.transcript };
}

/** The engine's hook for fair turns (rt-engine's ExecOptions.yieldNow; older engines ignore it). */
type WorkerExecOptions = ExecOptions & { yieldNow?: () => Promise<void> };

/** What a request answers when it has already posted its reply itself. */
const REPLIED = Symbol("replied");

async function exec(req: Extract<WorkerRequest, { op: "exec" }>): Promise<WorkerExecResult | typeof REPLIED> {
  const arrived = performance.now();
  const l = await held(req.sessionId);
  return l.serial(async () => {
    const cmd = new RunningCommand();
    running.set(req.slot, cmd);
    l.running = cmd;
    const { yieldNow, ownMs } = slices(scheduler, l.userId);
    // real time a streamed command spends pacing its output for the eye (not work)
    let pacedMs = 0;
    const opts: WorkerExecOptions = {
      interruptRequested: () => cmd.requested || Atomics.load(flags, req.slot) === 1,
      yieldNow,
    };
    if (req.stream) {
      let shownCluster = "";
      opts.onOutput = (chunk) => post({ id: req.id, event: "output", chunk });
      opts.pace = async (_us, stepUs) => {
        const c = clusterView(l.lab);
        const json = JSON.stringify(c);
        if (json !== shownCluster) post({ id: req.id, event: "cluster", cluster: c });
        shownCluster = json;
        const t = performance.now();
        await realWait(paceMs(stepUs), cmd.signal);
        pacedMs += performance.now() - t;
      };
    } else {
      // no real time to wait: a checkpoint is only a turn for the other labs
      opts.pace = yieldNow;
    }
    const atMs = Math.floor(l.lab.world.clock.now / 1000);
    const began = performance.now();
    let ran: Awaited<ReturnType<LiveLab["exec"]>>;
    try {
      ran = await l.exec(req.terminal, req.input, opts);
    } finally {
      running.delete(req.slot);
      l.running = undefined;
    }
    const ranMs = performance.now() - began;
    // what the command held the worker: without the other labs' turns nor its pacing
    const heldMs = Math.max(0, ownMs() - pacedMs);
    const seq = l.nextSeq;
    const entry: TranscriptEntry = {
      seq,
      terminal: req.terminal,
      machine: ran.before.machine,
      prompt: ran.before.prompt,
      input: req.input,
      output: ran.output,
    };
    l.nextSeq = seq + 1;
    l.openWait = undefined;
    l.transcript.push(entry);
    // a checkpoint when its cost is amortised (checkpoint-policy.ts), or after a heavy command
    const clock = clocks.get(l) ?? newCheckpointClock(l.sessionId);
    clocks.set(l, clock);
    const due = checkpointDue(policy, clock, seq - l.checkpointSeq, heldMs);
    const afterBegan = performance.now();
    const tabs = tabsOf(l.lab);
    const cluster = clusterView(l.lab);
    const live = await l.summary();
    const result: WorkerExecResult = {
      seq,
      atMs,
      entry,
      digest: ran.digest,
      interruptedAtUs: ran.result.interruptedAtUs ?? null,
      interruptedAtWork: ran.result.interruptedAtWork ?? null,
      exitCode: ran.result.exitCode,
      durationMs: ran.result.durationMs,
      machineAfter: ran.result.session.machine,
      tabs,
      cluster,
      drift: l.drift,
      live,
      timing: {
        wait: began - arrived,
        run: ranMs,
        after: performance.now() - afterBegan,
        arrivedAt: performance.timeOrigin + arrived,
      },
    };
    if (!due) return result;
    // One checkpoint at a time in a worker: while another lab's is read, a due one is put off to
    // a later command, twice at most (labs in step would always find the walker busy); after a
    // heavy command, or put off twice, it waits for the walker instead
    if (checkpoints.busy && heldMs < policy.heavyMs && clock.putOff < MAX_PUT_OFF) {
      clock.putOff++;
      return result;
    }
    clock.putOff = 0;
    // The learner gets the reply now; the checkpoint follows in its own message (the lab's next
    // request waits for it in this serial section: it is the state after this very row).
    post({ id: req.id, ok: true, value: { ...result, checkpointFollows: true } });
    let checkpoint: StoredCheckpoint | null = null;
    await checkpoints.run(async () => {
      // read in slices: the worker's other labs get their turns meanwhile (this lab waits: serial);
      // its cost is this lab's own time, not theirs
      const walk = slices(scheduler, `checkpoint:${l.userId}`);
      try {
        checkpoint = await takeCheckpoint(l, CHECKPOINT_FORMAT, walk.yieldNow);
      } catch (e) {
        console.error(`lab ${l.sessionId}: no checkpoint after row ${seq}: ${(e as Error).stack ?? e}`);
      }
      if (checkpoint) {
        l.checkpointSeq = seq;
        checkpointTaken(clock, walk.ownMs());
      }
    });
    post({ id: req.id, event: "checkpoint", checkpoint });
    return REPLIED;
  });
}

async function advance(sessionId: string, ms: number): Promise<WorkerAdvanceResult> {
  const l = await held(sessionId);
  return l.serial(async () => {
    const atMs = Math.floor(l.lab.world.clock.now / 1000);
    await l.advance(ms);
    let result: Pick<WorkerAdvanceResult, "seq" | "pieces" | "merged">;
    if (l.openWait) {
      l.openWait.pieces = [...l.openWait.pieces, ms];
      result = { seq: l.openWait.seq, pieces: l.openWait.pieces, merged: true };
    } else {
      l.openWait = { seq: l.nextSeq, pieces: [ms] };
      l.nextSeq += 1;
      result = { seq: l.openWait.seq, pieces: l.openWait.pieces, merged: false };
    }
    return { ...result, atMs, tabs: tabsOf(l.lab), cluster: clusterView(l.lab), live: await l.summary() };
  });
}

function block(ms: number): void {
  if (!data.testHooks) throw new Error("block: test hooks are off");
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case "load": {
      if (!labs.has(req.session.id)) {
        const owner = req.session.userId;
        await labs.get(req.session.id, () =>
          rebuildLab(req.session, req.events, () => scheduler.turn(owner), req.checkpoint),
        );
      }
      return null;
    }
    case "snapshot": {
      const l = await held(req.sessionId);
      return l.serial(async () => view(l));
    }
    case "exec":
      return exec(req);
    case "advance":
      return advance(req.sessionId, req.ms);
    case "files": {
      const l = await held(req.sessionId);
      if (!l.lab.world.node(req.node)) return null;
      return l.serial(async () => readConfigFiles(l.lab, req.node));
    }
    case "hasNodes": {
      const l = await held(req.sessionId);
      return req.nodes.every((n) => l.lab.world.node(n) !== undefined);
    }
    case "evict":
      labs.evict(req.sessionId);
      return null;
    case "position": {
      // several servers: is this lab at the log's last row? (null: not held, built from the log when used)
      if (!labs.has(req.sessionId)) return null;
      const l = await held(req.sessionId);
      return l.serial(async () => ({ nextSeq: l.nextSeq, openWait: l.openWait ?? null }));
    }
    case "catchUp": {
      // the rows other servers appended: replayed here; rows that do not follow on drop the lab
      if (!labs.has(req.sessionId)) return false;
      const l = await held(req.sessionId);
      const ok = await l.serial(() => catchUp(l, req.events, () => scheduler.turn(l.userId)));
      if (!ok) labs.evict(req.sessionId);
      return ok;
    }
    case "inspect": {
      const l = await held(req.sessionId);
      return l.serial(async () => ({ state: l.lab.state(), drift: l.drift, restoredEvents: l.restoredEvents }));
    }
    case "grade": {
      // "Vérifier" on a lab: the graders replay the stored log here, not on the request thread
      const def = getExercise(req.exerciseId);
      if (!def) throw new Error(`unknown exercise ${req.exerciseId}`);
      return grade(def, gradingSubmission(req.submission), (progress) =>
        post({ id: req.id, event: "grade", progress }),
      );
    }
    case "replay": {
      const { build } = req;
      const built = replays.get(
        req.key,
        build ? () => buildReplay(build.session, build.events, () => scheduler.turn(build.session.userId)) : undefined,
      );
      if (!built) throw new Missing();
      const r = await built;
      return req.at === null ? { info: r.info, frame: frameAt(r, -1) } : { frame: frameAt(r, req.at) };
    }
    case "ping":
      return labs.size;
    case "block":
      block(req.ms);
      return null;
  }
}

port.on("message", (msg: WorkerRequest | WorkerWake) => {
  if (msg.op === "wake") {
    running.get(msg.slot)?.interrupt();
    return;
  }
  handle(msg)
    .then(
      (value) => {
        if (value !== REPLIED) post({ id: msg.id, ok: true, value });
      },
      (e: unknown) =>
        post(
          e instanceof Missing
            ? { id: msg.id, ok: false, missing: true }
            : { id: msg.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) },
        ),
    )
    // after the reply is on its way (the watchdog's ping is not work: the worker stays quiet)
    .finally(() => {
      if (msg.op !== "ping") setImmediate(() => collector.afterWork());
    });
});
