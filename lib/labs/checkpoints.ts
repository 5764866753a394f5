/**
 * Lab checkpoints as the app keeps them (engine/checkpoint.ts saves and restores the state): a
 * worker takes one every CHECKPOINT_EVERY commands, or after a heavy command, once the state
 * can be saved (no timer pending, no PostgreSQL instance open); the service stores the newest
 * per session (`lab_checkpoint`), stamped with the engine build; a rebuild restores it and
 * replays only the rows after it. Any doubt (another build, damaged bytes, a log that does not
 * begin with the checkpoint's events) falls back to replaying the whole log: a checkpoint is a
 * cache, never the truth.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { NotCheckpointable, saveCheckpoint } from "@/engine/checkpoint";
import type { LiveLab } from "./live";

/** Commands between two checkpoints of a lab. */
export const CHECKPOINT_EVERY = Number(process.env.LAB_CHECKPOINT_EVERY ?? 20);
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
