/**
 * Lab checkpoints as the app keeps them (engine/checkpoint.ts saves and restores the state): a
 * worker takes one when worker/checkpoint-policy.ts says so (after a heavy command, or once the
 * commands since the last one outweigh its cost), after the command's reply, once the state
 * can be saved (no PostgreSQL instance open: they sleep every 8th command line; no job
 * queued); the service stores the newest
 * per session (`lab_checkpoint`), stamped with the engine build; a rebuild restores it and
 * replays only the rows after it. Any doubt (another build, damaged bytes, a log that does not
 * begin with the checkpoint's events) falls back to replaying the whole log: a checkpoint is a
 * cache, never the truth. No engine code here (the request thread reads it); taking one is
 * live.ts's takeCheckpoint.
 */
import { gunzipSync } from "node:zlib";

/** Commands between two checkpoints of a lab. */
export const CHECKPOINT_EVERY = Number(process.env.LAB_CHECKPOINT_EVERY ?? 8);
/** A command that kept its worker this long (ms) is heavy: a checkpoint follows it, when it can. */
export const CHECKPOINT_HEAVY_MS = Number(process.env.LAB_CHECKPOINT_HEAVY_MS ?? 250);

/** A checkpoint as stored and sent to a worker. */
export interface StoredCheckpoint {
  /** The last row it includes. */
  seq: number;
  /** Engine events (commands and waits) it includes. */
  events: number;
  format: number;
  /** gzip of the engine's bytes. */
  bytes: Uint8Array;
  /** JSON of CheckpointTranscript. */
  transcript: string;
}

/** What a rebuild cannot get from the rows before the checkpoint: where each command was typed. */
export interface CheckpointTranscript {
  /** [seq, machine, prompt] of each command row up to the checkpoint. */
  rows: [number, string, string][];
  drift: number[];
  /** What the exercise's observer had recorded (graders/lab/live.ts `observed()`), when it has one. */
  observed?: unknown;
}

/** The engine's bytes of a stored checkpoint (throws on damaged gzip). */
export function checkpointBytes(c: StoredCheckpoint): Uint8Array {
  return gunzipSync(c.bytes);
}

export function parseCheckpointTranscript(json: string): CheckpointTranscript | null {
  try {
    const t = JSON.parse(json) as CheckpointTranscript;
    if (!Array.isArray(t.rows) || !Array.isArray(t.drift)) return null;
    for (const r of t.rows)
      if (!Array.isArray(r) || typeof r[0] !== "number" || typeof r[1] !== "string" || typeof r[2] !== "string")
        return null;
    return t;
  } catch {
    return null;
  }
}

/**
 * A grading's checkpoint (graders/lab/context.ts): the stored one, still gzipped (the worker
 * unzips it: gradingSubmission), and the machine each of its commands was typed on.
 */
export function gradingCheckpoint(
  c: StoredCheckpoint,
): { gzip: Uint8Array; machines: string[]; observed?: unknown } | null {
  const t = parseCheckpointTranscript(c.transcript);
  if (!t) return null;
  return {
    gzip: c.bytes,
    machines: t.rows.map((r) => r[1]),
    ...(t.observed !== undefined ? { observed: t.observed } : {}),
  };
}

/** The submission the graders read: a gzipped checkpoint unzipped (dropped when damaged: full replay). */
export function gradingSubmission(submission: unknown): unknown {
  const s = submission as { checkpoint?: { gzip?: unknown; machines?: unknown; observed?: unknown } } | null;
  const c = s?.checkpoint;
  if (!c || !(c.gzip instanceof Uint8Array)) return submission;
  const { checkpoint: _, ...rest } = s as Record<string, unknown>;
  try {
    const observed = c.observed !== undefined ? { observed: c.observed } : {};
    return { ...rest, checkpoint: { bytes: gunzipSync(c.gzip), machines: c.machines, ...observed } };
  } catch {
    return rest;
  }
}
