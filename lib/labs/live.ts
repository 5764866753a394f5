import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { NotCheckpointable, restoreFor, saveCheckpoint, saveCheckpointSliced } from "@/engine/checkpoint";
import { createLab, type ExecOptions, type Lab, outputDigest, type ReplayEvent, replay } from "@/engine/index";
import { getExercise, type LiveChecks, type LiveSummary, liveChecksOf } from "@/graders";
import { ensureScenario } from "./catalog";
import {
  type CheckpointTranscript,
  checkpointBytes,
  parseCheckpointTranscript,
  type StoredCheckpoint,
} from "./checkpoints";
import { parseWaits } from "./wait-log";

const gzipAsync = promisify(gzip);

/** What the worker stores with a row: the checks that hold, and since when no more held. */
export type LiveStatus = LiveSummary & { progressAt: string };

/** A command as the terminal shows it again after a reload. */
export interface TranscriptEntry {
  seq: number;
  terminal: string;
  /** The machine the command ran on (its tab) and the prompt it was typed at. */
  machine: string;
  prompt: string;
  input: string;
  output: string;
}

export interface StoredEvent {
  seq: number;
  target: string;
  input: string;
  output: string;
  outputDigest: string;
  /** A Ctrl-C stopped the command this far into it (virtual µs). */
  interruptedAtUs?: number | null;
  /** A Ctrl-C stopped the command after this many engine work units (where a replay stops it). */
  interruptedAtWork?: number | null;
  /** How many checks held after this row, and when it was stored (the live view's progress). */
  checksHeld?: number | null;
  createdAt?: Date | string;
}

/** The command running now: Ctrl-C asks it to stop at its next checkpoint (see the engine). */
export class RunningCommand {
  requested = false;
  private readonly wake = new AbortController();

  /** Aborted on Ctrl-C: a real-time wait of the pacing ends at once. */
  get signal(): AbortSignal {
    return this.wake.signal;
  }

  interrupt(): void {
    this.requested = true;
    this.wake.abort();
  }
}

/** A lab object kept in memory, plus what the database rows do not say (prompts, wait merging). */
export class LiveLab {
  readonly transcript: TranscriptEntry[] = [];
  /** Seq of the next row, and the last row when it is a wait (the next wait merges into it). */
  nextSeq = 0;
  openWait: { seq: number; pieces: number[] } | undefined;
  lastUsed = 0;
  /** The command running now, for Ctrl-C. */
  running: RunningCommand | undefined;
  /** Engine output digests that differ from the stored ones on replay (engine drift). */
  drift: number[] = [];
  /** The lab's exercise checks, fed every step (null: no lab exercise for this lab id). */
  readonly checks: LiveChecks | null;
  /** The row of the lab's newest checkpoint (-1: none); how it was rebuilt (events skipped by a checkpoint). */
  checkpointSeq = -1;
  restoredEvents = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly sessionId: string,
    readonly userId: string,
    readonly labId: string,
    readonly lab: Lab,
  ) {
    this.checks = liveChecksOf(getExercise(labId));
  }

  /** The most checks that held at once, and when that was first reached (the live view's « no progress since »). */
  progress: { held: number; at: string } | null = null;

  /** The checks that hold now, after the last step (computed here, in the lab's worker). */
  async summary(now = new Date()): Promise<LiveStatus | null> {
    if (!this.checks) return null;
    let s: LiveSummary;
    try {
      s = await this.checks.evaluate(this.lab);
    } catch {
      return null;
    }
    if (!this.progress || s.held.length > this.progress.held)
      this.progress = { held: s.held.length, at: now.toISOString() };
    return { ...s, progressAt: this.progress.at };
  }

  /** One request at a time per lab: the engine step and its row commit in the same order. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Run a command and remember where it was typed (the transcript: output as it was shown). */
  async exec(terminal: string, input: string, opts: ExecOptions = {}) {
    const before = this.lab.session(terminal);
    const r = await this.lab.exec(terminal, input, opts);
    const digest = outputDigest(r.stdout, r.stderr);
    await this.checks?.step(this.lab, {
      index: this.lab.eventCount - 1,
      kind: "exec",
      target: terminal,
      input,
      exitCode: r.exitCode,
      stdout: r.stdout,
      stderr: r.stderr,
      shown: r.shown,
      before,
      outputDigest: digest,
    });
    return { before, result: r, output: r.shown, digest };
  }

  /** Let virtual time pass (an explicit wait). */
  async advance(ms: number): Promise<void> {
    await this.lab.advance(ms);
    await this.checks?.step(this.lab, {
      index: this.lab.eventCount - 1,
      kind: "wait",
      target: "lab",
      input: `${ms}ms`,
      exitCode: 0,
      stdout: "",
      stderr: "",
      shown: "",
      outputDigest: "",
    });
  }
}

/**
 * The rows as the engine's replay events (merged waits split back), each with its row; the first
 * row's `skipWaits` first waits are left out (already waited: an open wait row extended since).
 */
export function replayEventsOf<E extends StoredEvent>(
  events: readonly E[],
  skipWaits = 0,
): { replayed: ReplayEvent[]; rowOf: E[] } {
  const first = events[0];
  const replayed: ReplayEvent[] = [];
  const rowOf: E[] = [];
  for (const e of events) {
    if (e.target === "lab") {
      for (const ms of parseWaits(e.input).slice(e === first ? skipWaits : 0)) {
        replayed.push({ kind: "wait", durationUs: ms * 1000 });
        rowOf.push(e);
      }
    } else {
      replayed.push({
        kind: "exec",
        target: e.target,
        input: e.input,
        interruptedAtUs: e.interruptedAtUs ?? null,
        interruptedAtWork: e.interruptedAtWork ?? null,
      });
      rowOf.push(e);
    }
  }
  return { replayed, rowOf };
}

/**
 * Rebuild a lab from its stored rows (after a restart, an eviction, or on another server): from
 * its newest checkpoint when it fits the rows, replaying only the rows after it.
 */
export async function rebuildLab(
  session: { id: string; userId: string; exerciseId: string; scenario: string; seed: number },
  events: readonly StoredEvent[],
  /** Awaited between two rows and at the engine's work checkpoints: a worker lets its other labs (and its watchdog's pings) in. */
  between?: () => Promise<void>,
  /** The newest checkpoint stored for the session: only the rows after it are replayed. */
  checkpoint?: StoredCheckpoint | null,
): Promise<LiveLab> {
  ensureScenario(session.scenario);
  // the live checks must see every step when the exercise observes the lab as it runs
  const usable = checkpoint && (liveChecksOf(getExercise(session.exerciseId))?.restorable ?? true) ? checkpoint : null;
  const { replayed, rowOf } = replayEventsOf(events);
  const restored = usable ? await fromCheckpoint(usable, session, events, replayed, rowOf) : null;
  const lab = restored?.lab ?? (await createLab({ scenario: session.scenario, seed: session.seed }));
  const live = new LiveLab(session.id, session.userId, session.exerciseId, lab);
  let tail = events;
  if (restored && usable) {
    live.transcript.push(...restored.transcript);
    live.drift.push(...restored.drift);
    live.checkpointSeq = usable.seq;
    live.restoredEvents = restored.skipped;
    try {
      live.checks?.restore(lab, restored.transcript, parseCheckpointTranscript(usable.transcript)?.observed);
    } catch {
      // an observer that cannot go on from this checkpoint: the whole log
      return rebuildLab(session, events, between, null);
    }
    const last = events.find((e) => e.seq === usable.seq) as StoredEvent;
    live.nextSeq = usable.seq + 1;
    live.openWait = last.target === "lab" ? { seq: last.seq, pieces: parseWaits(last.input) } : undefined;
    for (const e of events)
      if (
        e.seq <= usable.seq &&
        typeof e.checksHeld === "number" &&
        e.createdAt &&
        e.checksHeld > (live.progress?.held ?? -1)
      )
        live.progress = { held: e.checksHeld, at: new Date(e.createdAt).toISOString() };
    tail = events.filter((e) => e.seq > usable.seq);
  }
  if (!(await catchUp(live, tail, between))) throw new Error(`lab ${session.id}: its rows do not start at seq 0`);
  return live;
}

/**
 * Brings a live lab up to the log by replaying only the rows it has not seen: `events` start at
 * its open wait row (which another server may have extended) or at its next seq. False, with the
 * lab untouched, when they do not follow on from it (the caller rebuilds it from the whole log).
 */
export async function catchUp(
  live: LiveLab,
  events: readonly StoredEvent[],
  between?: () => Promise<void>,
): Promise<boolean> {
  const first = events[0];
  if (!first) return true;
  const open = live.openWait;
  let skipWaits = 0;
  if (open && first.seq === open.seq) {
    // the open wait row, extended elsewhere: only its new pieces remain to wait
    const pieces = first.target === "lab" ? parseWaits(first.input) : [];
    if (open.pieces.some((ms, i) => pieces[i] !== ms)) return false;
    skipWaits = open.pieces.length;
  } else if (first.seq !== live.nextSeq) return false;
  for (const [i, e] of events.entries()) if (e.seq !== first.seq + i) return false;
  const { replayed, rowOf } = replayEventsOf(events, skipWaits);
  await replay(
    live.lab,
    replayed,
    {
      async step(l, step) {
        await between?.();
        await live.checks?.step(l, step);
        if (step?.kind !== "exec" || !step.before) return;
        const e = rowOf[step.index];
        if (!e) return;
        if (step.outputDigest !== e.outputDigest) live.drift.push(e.seq);
        live.transcript.push({
          seq: e.seq,
          terminal: e.target,
          machine: step.before.machine,
          prompt: step.before.prompt,
          input: e.input,
          output: e.output,
        });
      },
    },
    between ? { yieldNow: between } : {},
  );
  // progress: the most checks held by a stored row, first reached when
  for (const e of events)
    if (typeof e.checksHeld === "number" && e.createdAt && e.checksHeld > (live.progress?.held ?? -1))
      live.progress = { held: e.checksHeld, at: new Date(e.createdAt).toISOString() };
  const last = events.at(-1) as StoredEvent;
  live.nextSeq = last.seq + 1;
  live.openWait = last.target === "lab" ? { seq: last.seq, pieces: parseWaits(last.input) } : undefined;
  return true;
}

/**
 * The lab restored from a checkpoint, with the transcript of the rows it includes; null when it
 * does not fit the rows exactly (the whole log is replayed then: never a lab that differs).
 */
async function fromCheckpoint(
  checkpoint: StoredCheckpoint,
  session: { scenario: string; seed: number },
  events: readonly StoredEvent[],
  replayed: readonly ReplayEvent[],
  rowOf: readonly StoredEvent[],
): Promise<{ lab: Lab; skipped: number; transcript: TranscriptEntry[]; drift: number[] } | null> {
  const meta = parseCheckpointTranscript(checkpoint.transcript);
  // the checkpoint ends with a whole row: its events are exactly those of the rows up to seq
  const upTo = rowOf.filter((e) => e.seq <= checkpoint.seq).length;
  if (!meta || upTo !== checkpoint.events || rowOf[upTo - 1]?.seq !== checkpoint.seq) return null;
  const where = new Map(meta.rows.map(([seq, machine, prompt]) => [seq, { machine, prompt }]));
  const transcript: TranscriptEntry[] = [];
  for (const e of events) {
    if (e.seq > checkpoint.seq || e.target === "lab") continue;
    const w = where.get(e.seq);
    if (!w) return null;
    transcript.push({
      seq: e.seq,
      terminal: e.target,
      machine: w.machine,
      prompt: w.prompt,
      input: e.input,
      output: e.output,
    });
  }
  try {
    const { lab, skipped } = await restoreFor(checkpointBytes(checkpoint), replayed, session);
    return { lab, skipped, transcript, drift: meta.drift.filter((s) => s <= checkpoint.seq) };
  } catch {
    // another engine build, damaged bytes, a log that does not begin with its events
    return null;
  }
}

/**
 * The lab's checkpoint now, or null when its state cannot be saved at this point. The state is
 * read in slices (`between`) or at once; its compression runs off the thread (libuv's pool), so
 * a worker's other labs go on.
 */
export async function takeCheckpoint(
  live: LiveLab,
  format: number,
  /** Run between slices of the state's walk (a worker's other labs); the lab must not change meanwhile. */
  between?: () => Promise<void>,
): Promise<StoredCheckpoint | null> {
  let raw: Uint8Array;
  try {
    raw = between ? await saveCheckpointSliced(live.lab, between) : saveCheckpoint(live.lab);
  } catch (e) {
    if (e instanceof NotCheckpointable) return null;
    throw e;
  }
  const observed = live.checks?.observed();
  const t: CheckpointTranscript = {
    rows: live.transcript.map((e) => [e.seq, e.machine, e.prompt]),
    drift: live.drift,
    ...(observed !== undefined ? { observed } : {}),
  };
  const seq = live.nextSeq - 1;
  const events = live.lab.eventCount;
  const transcript = JSON.stringify(t);
  return {
    seq,
    events,
    format,
    bytes: await gzipAsync(raw, { level: 1 }),
    transcript,
  };
}
