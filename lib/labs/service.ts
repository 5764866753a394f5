import { randomInt } from "node:crypto";
import type { TtyChunk } from "@/engine/index";
import type { Db } from "@/lib/db";
import { parseBenchmarkOutput } from "./benchmark-parse";
import { isLabId, type LabId, labSpec } from "./catalog";
import { newestCheckpoint, storeCheckpoint } from "./checkpoint-store";
import type { ClusterView } from "./cluster-view";
import { heredocWrite } from "./files";
import type { TranscriptEntry } from "./live";
import type { LabPool, LabRef } from "./pool";
import {
  assertStorageLeft,
  chargeStorage,
  type StorageLimits,
  storageLimitsFromEnv,
  storedBytes,
  storedOutput,
} from "./storage";
import type { TabView } from "./tabs";
import { formatWaits } from "./wait-log";

export { PACE_MAX_MS, paceMs } from "./pace";

export interface LabServiceDeps {
  db: Db;
  /** The lab workers: every engine call goes there, never on this thread. */
  labs: LabPool;
  /** Ownership rows of lab sessions, kept a short while (one query less per command). */
  sessions: SessionRowCache;
  /** LabSession.updatedAt, written in batches rather than once per command. */
  touches: SessionToucher;
  /** Stored output per command and quota per learner (lib/labs/storage.ts); from the environment when unset. */
  storage?: StorageLimits;
}

export interface LabSnapshot {
  session: { id: string; labId: string; scenario: string; previousAvailable: boolean };
  tabs: TabView[];
  cluster: ClusterView;
  transcript: TranscriptEntry[];
}

export interface ExecReply {
  entry: TranscriptEntry;
  exitCode: number;
  /** Virtual duration of the command. */
  durationMs: number;
  /** The machine the terminal is on after the command (a `docker exec` moves it). */
  machineAfter: string;
  tabs: TabView[];
  cluster: ClusterView;
}

/** A streaming caller (the terminal): output and the cluster as the command runs. */
export interface ExecStream {
  onOutput(chunk: TtyChunk): void;
  onCluster(cluster: ClusterView): void;
  /** Aborted when the caller is gone (page closed, reloaded): the command is interrupted. */
  signal?: AbortSignal;
}

export class LabNotFound extends Error {}

type SessionRow = { id: string; userId: string; exerciseId: string; scenario: string; seed: number; status: string };

/**
 * Lab session rows by id for `ttlMs`: a command checks ownership without a query. This process
 * is the only writer of a session's status (openLab abandons the old one and forgets it here).
 */
export class SessionRowCache {
  private readonly rows = new Map<string, { row: SessionRow; at: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string, read: () => Promise<SessionRow | null>): Promise<SessionRow | null> {
    const hit = this.rows.get(id);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.row;
    const row = await read();
    if (row) {
      this.rows.delete(id);
      this.rows.set(id, { row, at: this.now() });
      if (this.rows.size > this.maxEntries) {
        const oldest = this.rows.keys().next().value;
        if (oldest !== undefined) this.rows.delete(oldest);
      }
    } else this.rows.delete(id);
    return row;
  }

  forget(id: string): void {
    this.rows.delete(id);
  }
}

/** Marks sessions used; one UPDATE for all of them every `everyMs` (not one per command). */
export class SessionToucher {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly everyMs = 5000,
  ) {}

  touch(id: string): void {
    this.pending.add(id);
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), this.everyMs);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending.clear();
    try {
      await this.db.labSession.updateMany({ where: { id: { in: ids } }, data: { updatedAt: new Date() } });
    } catch (e) {
      console.error("lab session touch failed", e);
    }
  }
}

/** The learner's session, or LabNotFound: another learner's lab does not exist for them. */
async function ownedSession(deps: LabServiceDeps, userId: string, sessionId: string): Promise<SessionRow> {
  const row = await deps.sessions.get(sessionId, () => deps.db.labSession.findUnique({ where: { id: sessionId } }));
  if (!row || row.userId !== userId || row.status !== "active") throw new LabNotFound();
  return row;
}

/** The lab for the pool; `load`: the stored rows a worker rebuilds it from, when it does not hold it. */
function labRef(deps: LabServiceDeps, row: SessionRow): LabRef {
  const load = async () => {
    const events = await deps.db.labEvent.findMany({
      where: { labSessionId: row.id },
      orderBy: { seq: "asc" },
      select: {
        seq: true,
        target: true,
        input: true,
        output: true,
        outputDigest: true,
        interruptedAtUs: true,
        interruptedAtWork: true,
      },
    });
    const { id, userId, exerciseId, scenario, seed } = row;
    return {
      session: { id, userId, exerciseId, scenario, seed },
      events,
      checkpoint: await newestCheckpoint(deps.db, row.id),
    };
  };
  return { id: row.id, userId: row.userId, load };
}

async function snapshot(deps: LabServiceDeps, row: SessionRow): Promise<LabSnapshot> {
  const spec = labSpec(row.exerciseId as LabId);
  const view = await deps.labs.serial(row.id, () => deps.labs.view(labRef(deps, row)));
  return {
    session: {
      id: row.id,
      labId: row.exerciseId,
      scenario: row.scenario,
      previousAvailable: spec.previousScenario !== undefined,
    },
    ...view,
  };
}

/**
 * The learner's lab for `labId`: the active one, or a new one. `reset` starts over from the
 * lab's start scenario, `previous` from the end of the previous TP; the old session is kept
 * (abandoned) for the instructor.
 */
export async function openLab(
  deps: LabServiceDeps,
  userId: string,
  labId: string,
  mode: "resume" | "reset" | "previous" = "resume",
): Promise<LabSnapshot> {
  if (!isLabId(labId)) throw new LabNotFound();
  const spec = labSpec(labId);
  if (mode === "previous" && !spec.previousScenario) throw new LabNotFound();
  let row: SessionRow | null =
    mode === "resume"
      ? await deps.db.labSession.findFirst({
          where: { userId, exerciseId: labId, status: "active" },
          orderBy: { createdAt: "desc" },
        })
      : null;
  if (!row) {
    const scenario = mode === "previous" ? (spec.previousScenario as string) : spec.startScenario;
    row = await deps.db.$transaction(async (tx) => {
      const old = await tx.labSession.findMany({ where: { userId, exerciseId: labId, status: "active" } });
      await tx.labSession.updateMany({
        where: { userId, exerciseId: labId, status: "active" },
        data: { status: "abandoned" },
      });
      for (const o of old) {
        deps.sessions.forget(o.id);
        deps.labs.evict(o.id);
      }
      return tx.labSession.create({
        data: { userId, exerciseId: labId, chapter: labId, scenario, seed: randomInt(1, 2 ** 31 - 1) },
      });
    });
  }
  return snapshot(deps, row);
}

export async function getLab(deps: LabServiceDeps, userId: string, sessionId: string): Promise<LabSnapshot> {
  return snapshot(deps, await ownedSession(deps, userId, sessionId));
}

/** The learner's lab exists (else LabNotFound): checked before a streamed reply starts. */
export async function checkLab(deps: LabServiceDeps, userId: string, sessionId: string): Promise<void> {
  await ownedSession(deps, userId, sessionId);
}

/**
 * Run one command line in the lab's worker and append it to the log (with a benchmark result if
 * it printed one). With `stream`, the output is handed over as it is printed and the command
 * takes real time once it has printed (a dashboard refreshes live); Ctrl-C (interrupt) stops it
 * at its next checkpoint, and the row keeps that virtual offset so that a replay stops it there.
 */
export async function execCommand(
  deps: LabServiceDeps,
  userId: string,
  sessionId: string,
  cmd: { terminal: string; input: string },
  stream?: ExecStream,
): Promise<ExecReply> {
  const row = await ownedSession(deps, userId, sessionId);
  const storage = deps.storage ?? storageLimitsFromEnv();
  await assertStorageLeft(deps.db, userId, storage);
  return deps.labs.serial(row.id, async () => {
    const stop = () => deps.labs.interrupt(row.id);
    stream?.signal?.addEventListener("abort", stop, { once: true });
    let ran: Awaited<ReturnType<LabPool["exec"]>>;
    try {
      ran = await deps.labs.exec(
        labRef(deps, row),
        cmd,
        stream ? { onOutput: stream.onOutput, onCluster: stream.onCluster, signal: stream.signal } : undefined,
      );
    } finally {
      stream?.signal?.removeEventListener("abort", stop);
    }
    const bench = parseBenchmarkOutput(cmd.input, ran.entry.output);
    const stored = storedOutput(ran.entry.output, storage.maxOutputBytes);
    const event = {
      labSessionId: row.id,
      seq: ran.seq,
      target: cmd.terminal,
      input: cmd.input,
      output: stored,
      outputDigest: ran.digest, // over the whole output
      virtualTimeMs: ran.atMs,
      interruptedAtUs: ran.interruptedAtUs,
      interruptedAtWork: ran.interruptedAtWork,
    };
    try {
      const charge = chargeStorage(deps.db, userId, storedBytes(cmd.input, stored));
      if (!bench) await deps.db.$transaction([deps.db.labEvent.create({ data: event, select: { id: true } }), charge]);
      else
        await deps.db.$transaction([
          deps.db.labEvent.create({ data: event, select: { id: true } }),
          charge,
          deps.db.benchmarkRun.create({
            data: {
              userId,
              labSessionId: row.id,
              protocol: bench.protocol,
              params: JSON.stringify(bench.params),
              throughputMBs: bench.throughputMBs,
              latencyMs: bench.latencyMs,
            },
            select: { id: true },
          }),
        ]);
    } catch (e) {
      // The lab in its worker ran a command the log does not have: rebuild it from the log.
      deps.labs.evict(row.id);
      throw e;
    }
    deps.touches.touch(row.id);
    if (ran.checkpoint) await storeCheckpoint(deps.db, row.id, ran.checkpoint);
    return {
      entry: ran.entry,
      exitCode: ran.exitCode,
      durationMs: ran.durationMs,
      machineAfter: ran.machineAfter,
      tabs: ran.tabs,
      cluster: ran.cluster,
    };
  });
}

/** Ctrl-C: stops the learner's running command, if any (it ends with ^C, exit 130). */
export async function interrupt(deps: LabServiceDeps, userId: string, sessionId: string): Promise<boolean> {
  const row = await ownedSession(deps, userId, sessionId);
  return deps.labs.interrupt(row.id);
}

/** Let virtual time pass; consecutive waits share one row. */
export async function advanceTime(
  deps: LabServiceDeps,
  userId: string,
  sessionId: string,
  ms: number,
): Promise<{ cluster: ClusterView; tabs: TabView[] }> {
  const row = await ownedSession(deps, userId, sessionId);
  return deps.labs.serial(row.id, async () => {
    const w = await deps.labs.advance(labRef(deps, row), ms);
    try {
      if (w.merged)
        await deps.db.labEvent.update({
          where: { labSessionId_seq: { labSessionId: row.id, seq: w.seq } },
          data: { input: formatWaits(w.pieces) },
          select: { id: true },
        });
      else
        await deps.db.labEvent.create({
          data: {
            labSessionId: row.id,
            seq: w.seq,
            target: "lab",
            input: formatWaits(w.pieces),
            output: "",
            outputDigest: "",
            virtualTimeMs: w.atMs,
          },
          select: { id: true },
        });
    } catch (e) {
      deps.labs.evict(row.id);
      throw e;
    }
    deps.touches.touch(row.id);
    return { cluster: w.cluster, tabs: w.tabs };
  });
}

/** The config files of a node in the learner's lab (for the editor). */
export async function configFiles(
  deps: LabServiceDeps,
  userId: string,
  sessionId: string,
  node: string,
): Promise<Record<string, string>> {
  const row = await ownedSession(deps, userId, sessionId);
  const files = await deps.labs.serial(row.id, () => deps.labs.files(labRef(deps, row), node));
  if (!files) throw new LabNotFound();
  return files;
}

/**
 * "Appliquer au lab": writes the file on each node with a heredoc typed in that node's
 * editor terminal (an ordinary logged command: it replays). `drbdadm adjust` stays the
 * learner's job, as on a real cluster.
 */
export async function writeConfigFile(
  deps: LabServiceDeps,
  userId: string,
  sessionId: string,
  file: { path: string; content: string; nodes: string[] },
): Promise<ExecReply[]> {
  const line = heredocWrite(file.path, file.content);
  if (!line) throw new RangeError("Le fichier ne peut pas contenir la ligne DRBDLAB_EOF.");
  const row = await ownedSession(deps, userId, sessionId);
  if (!(await deps.labs.hasNodes(labRef(deps, row), file.nodes))) throw new LabNotFound();
  const replies: ExecReply[] = [];
  for (const n of file.nodes)
    replies.push(await execCommand(deps, userId, sessionId, { terminal: `${n}#editor`, input: line }));
  return replies;
}

/** The learner's benchmark runs, oldest first (the last 40). */
export async function benchmarkRuns(deps: LabServiceDeps, userId: string) {
  const rows = await deps.db.benchmarkRun.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, take: 40 });
  return rows.reverse().map((r) => ({
    id: r.id,
    protocol: r.protocol,
    throughputMBs: r.throughputMBs,
    latencyMs: r.latencyMs,
    params: JSON.parse(r.params) as Record<string, unknown>,
    createdAt: r.createdAt.toISOString(),
  }));
}
