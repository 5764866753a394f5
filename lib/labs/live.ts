import { gzipSync } from "node:zlib";
import { NotCheckpointable, restoreFor, saveCheckpoint } from "@/engine/checkpoint";
import { createLab, type ExecOptions, type Lab, outputDigest, type ReplayEvent, replay } from "@/engine/index";
import { ensureScenario } from "./catalog";
import {
  type CheckpointTranscript,
  checkpointBytes,
  parseCheckpointTranscript,
  type StoredCheckpoint,
} from "./checkpoints";
import { parseWaits } from "./wait-log";

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
  /** The row of the lab's newest checkpoint (-1: none); how it was rebuilt (events skipped by a checkpoint). */
  checkpointSeq = -1;
  restoredEvents = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly sessionId: string,
    readonly userId: string,
    readonly labId: string,
    readonly lab: Lab,
  ) {}

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
    return { before, result: r, output: r.shown, digest: outputDigest(r.stdout, r.stderr) };
  }
}

/** Rebuild a lab from its stored rows (after a restart, an eviction, or on another server). */
export async function rebuildLab(
  session: { id: string; userId: string; exerciseId: string; scenario: string; seed: number },
  events: readonly StoredEvent[],
  /** Awaited between two rows and at the engine's work checkpoints: a worker lets its other labs (and its watchdog's pings) in. */
  between?: () => Promise<void>,
  /** The newest checkpoint stored for the session: only the rows after it are replayed. */
  checkpoint?: StoredCheckpoint | null,
): Promise<LiveLab> {
  ensureScenario(session.scenario);
  // the rows as the engine's replay events (merged waits split back), each with its row
  const replayed: ReplayEvent[] = [];
  const rowOf: StoredEvent[] = [];
  for (const e of events) {
    if (e.target === "lab") {
      for (const ms of parseWaits(e.input)) {
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
  const restored = checkpoint ? await fromCheckpoint(checkpoint, session, events, replayed, rowOf) : null;
  const lab = restored?.lab ?? (await createLab({ scenario: session.scenario, seed: session.seed }));
  const skipped = restored?.skipped ?? 0;
  const live = new LiveLab(session.id, session.userId, session.exerciseId, lab);
  if (restored && checkpoint) {
    live.transcript.push(...restored.transcript);
    live.drift.push(...restored.drift);
    live.checkpointSeq = checkpoint.seq;
    live.restoredEvents = skipped;
  }
  await replay(
    lab,
    replayed.slice(skipped),
    {
      async step(_lab, step) {
        await between?.();
        if (step?.kind !== "exec" || !step.before) return;
        const e = rowOf[skipped + step.index];
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
  const last = events.at(-1);
  if (last) {
    live.nextSeq = last.seq + 1;
    live.openWait = last.target === "lab" ? { seq: last.seq, pieces: parseWaits(last.input) } : undefined;
  }
  return live;
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

/** The lab's checkpoint now, or null when its state cannot be saved at this point. */
export function takeCheckpoint(live: LiveLab, format: number): StoredCheckpoint | null {
  let raw: Uint8Array;
  try {
    raw = saveCheckpoint(live.lab);
  } catch (e) {
    if (e instanceof NotCheckpointable) return null;
    throw e;
  }
  const t: CheckpointTranscript = {
    rows: live.transcript.map((e) => [e.seq, e.machine, e.prompt]),
    drift: live.drift,
  };
  return {
    seq: live.nextSeq - 1,
    events: live.lab.events().length,
    format,
    bytes: gzipSync(raw, { level: 1 }),
    transcript: JSON.stringify(t),
  };
}
