/** Messages between the request thread (lib/labs/pool.ts) and a lab worker (entry.ts). */
import type { TtyChunk } from "@/engine/index";
import type { GradeProgress } from "@/graders";
import type { StoredCheckpoint } from "../checkpoints";
import type { ClusterView } from "../cluster-view";
import type { LiveStatus, StoredEvent, TranscriptEntry } from "../live";
import type { ReplayFrame, ReplayInfo } from "../replay";
import type { TabView } from "../tabs";

export interface LabSessionRef {
  id: string;
  userId: string;
  exerciseId: string;
  scenario: string;
  seed: number;
}

/** What the worker is given once, at start. */
export interface WorkerData {
  /** One Int32 per command slot: 1 = Ctrl-C requested (read with Atomics.load in the worker). */
  interruptFlags: SharedArrayBuffer;
  maxLabs: number;
  idleMs: number;
  /** Enables the `block` request (tests of the watchdog only). */
  testHooks: boolean;
}

export type WorkerRequest =
  | { id: number; op: "load"; session: LabSessionRef; events: StoredEvent[]; checkpoint?: StoredCheckpoint | null }
  | { id: number; op: "snapshot"; sessionId: string }
  | { id: number; op: "exec"; sessionId: string; terminal: string; input: string; stream: boolean; slot: number }
  | { id: number; op: "advance"; sessionId: string; ms: number }
  | { id: number; op: "files"; sessionId: string; node: string }
  | { id: number; op: "hasNodes"; sessionId: string; nodes: string[] }
  | { id: number; op: "evict"; sessionId: string }
  | { id: number; op: "position"; sessionId: string }
  | { id: number; op: "catchUp"; sessionId: string; events: StoredEvent[] }
  | { id: number; op: "inspect"; sessionId: string }
  | { id: number; op: "grade"; exerciseId: string; submission: unknown }
  /** The replay page: the whole replay's info (at null) or the frame after row `at`; built from `events` once per key. */
  | {
      id: number;
      op: "replay";
      key: string;
      at: number | null;
      build?: { session: LabSessionRef; events: StoredEvent[] };
    }
  | { id: number; op: "ping" }
  | { id: number; op: "block"; ms: number };

/** Ctrl-C: wakes a command waiting real time (pacing); the flag in the shared buffer stops the engine. */
export interface WorkerWake {
  op: "wake";
  slot: number;
}

export interface LabView {
  tabs: TabView[];
  cluster: ClusterView;
  transcript: TranscriptEntry[];
}

/** A command's real time in its worker (ms). */
export interface WorkerExecTiming {
  /** From the request's arrival to the command's start: the lab's previous request (or its checkpoint), its rebuild. */
  wait: number;
  /** The command line in the engine, other labs' turns included (fair scheduling). */
  run: number;
  /** The live checks and the views (tabs, cluster) after it. */
  after: number;
  /** When the request reached the worker's code (ms since the epoch, `performance.timeOrigin` based: comparable across threads). */
  arrivedAt: number;
}

export interface WorkerExecResult {
  /** The row this command takes (the worker has already counted it: the caller must store it or evict). */
  seq: number;
  /** Virtual time when it started (ms). */
  atMs: number;
  entry: TranscriptEntry;
  digest: string;
  interruptedAtUs: number | null;
  /** Work units into the line at which Ctrl-C stopped it (the replay stops at the same count). */
  interruptedAtWork: number | null;
  exitCode: number;
  durationMs: number;
  machineAfter: string;
  tabs: TabView[];
  cluster: ClusterView;
  /** Replay drift seen while this lab was rebuilt (seqs), for the logs. */
  drift: number[];
  /** The exercise's checks that hold after this command (null: not a lab exercise). */
  live: LiveStatus | null;
  /** Where the worker's time went (ms, real time): for the reply's Server-Timing header. */
  timing: WorkerExecTiming;
  /**
   * A checkpoint of the lab after this command follows in a `checkpoint` event with the same id
   * (taken after the reply: the learner does not wait for it).
   */
  checkpointFollows?: true;
  /** Pool side: that checkpoint (null: none could be taken, or the worker was lost), to store once its row is. */
  checkpoint?: Promise<StoredCheckpoint | null>;
}

export interface WorkerAdvanceResult {
  /** The wait row: a new one (merged false) or the open one extended to `pieces`. */
  seq: number;
  pieces: number[];
  merged: boolean;
  atMs: number;
  tabs: TabView[];
  cluster: ClusterView;
  /** The exercise's checks that hold after the wait. */
  live: LiveStatus | null;
}

/** What a replay request answers: the info (when asked) and the frame after the row asked. */
export interface ReplayAnswer {
  info?: ReplayInfo;
  frame: ReplayFrame | null;
}

/** Where a held lab is in its log: the next row's seq, and the open wait row (the next wait extends it). */
export interface LabPosition {
  nextSeq: number;
  openWait: { seq: number; pieces: number[] } | null;
}

/** A held lab's full state and replay drift (tests, diagnostics). */
export interface LabInspection {
  state: unknown;
  drift: number[];
  /** Engine events a checkpoint spared the last rebuild (0: the whole log was replayed). */
  restoredEvents?: number;
}

export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; missing: true }
  | { id: number; ok: false; error: string };

/** Sent while an exec runs (stream mode), or while a grading replays and checks. */
export type WorkerEvent =
  | { id: number; event: "output"; chunk: TtyChunk }
  | { id: number; event: "cluster"; cluster: ClusterView }
  | { id: number; event: "grade"; progress: GradeProgress }
  /** After an exec's reply (`checkpointFollows`): the lab's checkpoint after that row. */
  | { id: number; event: "checkpoint"; checkpoint: StoredCheckpoint | null };

export type WorkerMessage = WorkerReply | WorkerEvent;
