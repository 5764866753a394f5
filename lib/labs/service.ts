import { randomInt, randomUUID } from "node:crypto";
import type { TtyChunk } from "@/engine/index";
import type { Db } from "@/lib/db";
import { parseBenchmarkOutput } from "./benchmark-parse";
import { isLabId, type LabId, labSpec } from "./catalog";
import { newestCheckpoint, storeCheckpointLater } from "./checkpoint-store";
import { type LabCluster, LabGone, labTurn, storedEvents } from "./cluster";
import type { ClusterView } from "./cluster-view";
import type { EventLog, EventRow } from "./event-log";
import { heredocWrite } from "./files";
import type { LiveStatus, TranscriptEntry } from "./live";
import type { LabPool, LabRef } from "./pool";
import {
  assertStorageLeft,
  type StorageLimits,
  type StorageMeter,
  storageLimitsFromEnv,
  storedBytes,
  storedOutput,
} from "./storage";
import type { TabView } from "./tabs";
import { TtlCache } from "./ttl-cache";
import { formatWaits } from "./wait-log";
import type { WorkerExecTiming } from "./worker/protocol";

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
  /** Each learner's stored bytes, kept between commands; read from the database every command when unset. */
  meter?: StorageMeter;
  /** The log's writer (batched commits on its own connection); through Prisma when unset. */
  events?: EventLog;
  /** Several servers on one PostgreSQL (cluster.ts): lab locks, catch-up, Ctrl-C relay. Unset: one server. */
  cluster?: LabCluster;
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

/**
 * A command's real time on this server (ms): `lab` the session's checks and the lab's previous
 * command (one at a time per lab), `worker` the round trip to its worker (`inWorker`: what the
 * worker measured; the rest is the request waiting for the worker, busy with another lab, and
 * the reply waiting for the request thread, told apart by the threads' common clock), `log` the
 * row's commit.
 */
export interface ExecTiming {
  lab: number;
  worker: number;
  /** When the request left for the worker (ms since the epoch, `performance.timeOrigin` based). */
  sentAt: number;
  log: number;
  inWorker: WorkerExecTiming;
  /** The whole request, from its handler (the session cookie, the body) to its reply. */
  total?: number;
}

/** Server-Timing header value of an ExecTiming (durations in ms, 0.1 ms). */
export function serverTiming(t: ExecTiming): string {
  const w = t.inWorker;
  const queue = Math.max(0, t.worker - w.wait - w.run - w.after);
  // the queue's two ways by the threads' common clock, within the measured round trip
  const toWorker = Math.min(queue, Math.max(0, w.arrivedAt - t.sentAt));
  const parts: [string, number, string][] = [
    ["lab", t.lab, "session and previous command"],
    ["to-worker", toWorker, "request waiting for the lab worker"],
    ["from-worker", queue - toWorker, "reply waiting for the request thread"],
    ["wait", w.wait, "lab busy in its worker"],
    ["run", w.run, "engine"],
    ["checks", w.after, "live checks and views"],
    ["log", t.log, "row committed"],
  ];
  if (t.total !== undefined) parts.push(["total", t.total, "request handler"]);
  return parts.map(([name, ms, desc]) => `${name};dur=${ms.toFixed(1)};desc="${desc}"`).join(", ");
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
export class SessionRowCache extends TtlCache<SessionRow> {
  constructor(ttlMs = 60_000, maxEntries = 10_000, now: () => number = Date.now) {
    super(ttlMs, maxEntries, now);
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
  return storedLabRef(deps.db, row);
}

/** A lab session for the pool, loaded from its stored rows (also the replay page's). */
export function storedLabRef(
  db: Db,
  row: { id: string; userId: string; exerciseId: string; scenario: string; seed: number },
): LabRef {
  const load = async () => {
    const events = await storedEvents(db, row.id);
    const { id, userId, exerciseId, scenario, seed } = row;
    return {
      session: { id, userId, exerciseId, scenario, seed },
      events,
      checkpoint: await newestCheckpoint(db, row.id),
    };
  };
  return { id: row.id, userId: row.userId, load };
}

/**
 * `fn` in the lab's turn: after its previous request on this server and, with several servers,
 * holding its lock across them (`exclusive`, for what appends to the log) with the live lab
 * brought up to the log first (lib/labs/cluster.ts).
 */
function turn<T>(deps: LabServiceDeps, row: SessionRow, exclusive: boolean, fn: () => Promise<T>): Promise<T> {
  return deps.labs.serial(row.id, () =>
    labTurn(deps, row.id, exclusive, fn).catch((e: unknown) => {
      if (!(e instanceof LabGone)) throw e;
      deps.sessions.forget(row.id); // reset on another server
      throw new LabNotFound();
    }),
  );
}

async function snapshot(deps: LabServiceDeps, row: SessionRow): Promise<LabSnapshot> {
  const spec = labSpec(row.exerciseId as LabId);
  const view = await turn(deps, row, false, () => deps.labs.view(labRef(deps, row)));
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

/** LabStorageFull when the learner has used their storage quota. */
async function checkStorage(deps: LabServiceDeps, userId: string, storage: StorageLimits): Promise<void> {
  if (deps.meter) await deps.meter.assertLeft(deps.db, userId, storage);
  else await assertStorageLeft(deps.db, userId, storage);
}

/** The learner's lab exists (else LabNotFound) and their storage is not full: checked before a streamed reply starts. */
export async function checkLab(deps: LabServiceDeps, userId: string, sessionId: string): Promise<void> {
  await ownedSession(deps, userId, sessionId);
  await checkStorage(deps, userId, deps.storage ?? storageLimitsFromEnv());
}

/**
 * A row of the log in one INSERT through Prisma (for a transaction with other writes): the row's
 * trigger charges the learner's storage with storedBytes(input, output) (migration
 * lab_event_charges_storage; waits, target "lab", are not charged).
 */
function insertEvent(db: Db, e: EventRow) {
  return db.$executeRaw`INSERT INTO "lab_event" ("id", "labSessionId", "seq", "target", "input", "output", "outputDigest", "virtualTimeMs", "interruptedAtUs", "interruptedAtWork", "exitCode", "checks", "checksHeld", "createdAt")
    VALUES (${randomUUID()}, ${e.labSessionId}, ${e.seq}, ${e.target}, ${e.input}, ${e.output}, ${e.outputDigest}, ${e.virtualTimeMs}, ${e.interruptedAtUs ?? null}, ${e.interruptedAtWork ?? null}, ${e.exitCode ?? null}, ${e.checks ?? null}, ${e.checksHeld ?? null}, ${new Date()})`;
}

/** The row appended, the command's only write: through the event log's writer when there is one (event-log.ts). */
async function appendEvent(deps: LabServiceDeps, e: EventRow): Promise<void> {
  if (deps.events) await deps.events.append(e);
  else await insertEvent(deps.db, e);
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
  /** Hears where the command's real time went on this server (the reply's Server-Timing). */
  onTiming?: (t: ExecTiming) => void,
): Promise<ExecReply> {
  const t0 = performance.now();
  const row = await ownedSession(deps, userId, sessionId);
  const storage = deps.storage ?? storageLimitsFromEnv();
  await checkStorage(deps, userId, storage);
  return turn(deps, row, true, async () => {
    const t1 = performance.now();
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
    const t2 = performance.now();
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
      exitCode: ran.exitCode,
      ...liveColumns(ran.live),
    };
    const bytes = storedBytes(cmd.input, stored);
    try {
      if (!bench) await appendEvent(deps, event);
      else
        await deps.db.$transaction([
          insertEvent(deps.db, event),
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
    deps.meter?.charged(userId, bytes);
    deps.touches.touch(row.id);
    if (ran.checkpoint) storeCheckpointLater(deps.db, row.id, ran.checkpoint);
    onTiming?.({
      lab: t1 - t0,
      worker: t2 - t1,
      sentAt: performance.timeOrigin + t1,
      log: performance.now() - t2,
      inWorker: ran.timing,
    });
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

/** The live checks stored with a row (the instructor's live view reads the last rows). */
function liveColumns(live: LiveStatus | null): { checks?: string; checksHeld?: number } {
  return live ? { checks: JSON.stringify(live), checksHeld: live.held.length } : {};
}

/** Ctrl-C: stops the learner's running command, if any (it ends with ^C, exit 130). */
export async function interrupt(deps: LabServiceDeps, userId: string, sessionId: string): Promise<boolean> {
  const row = await ownedSession(deps, userId, sessionId);
  return deps.labs.interrupt(row.id) || ((await deps.cluster?.interrupt(row.id)) ?? false);
}

/** Let virtual time pass; consecutive waits share one row. */
export async function advanceTime(
  deps: LabServiceDeps,
  userId: string,
  sessionId: string,
  ms: number,
): Promise<{ cluster: ClusterView; tabs: TabView[] }> {
  const row = await ownedSession(deps, userId, sessionId);
  return turn(deps, row, true, async () => {
    const w = await deps.labs.advance(labRef(deps, row), ms);
    try {
      const input = formatWaits(w.pieces);
      const live = liveColumns(w.live);
      if (w.merged)
        await deps.db
          .$executeRaw`UPDATE "lab_event" SET "input" = ${input}, "checks" = ${live.checks ?? null}, "checksHeld" = ${live.checksHeld ?? null} WHERE "labSessionId" = ${row.id} AND "seq" = ${w.seq}`;
      else
        await appendEvent(deps, {
          labSessionId: row.id,
          seq: w.seq,
          target: "lab",
          input,
          output: "",
          outputDigest: "",
          virtualTimeMs: w.atMs,
          ...live,
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
  const files = await turn(deps, row, false, () => deps.labs.files(labRef(deps, row), node));
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
