import { randomInt } from "node:crypto";
import type { ExecOptions, TtyChunk } from "@/engine/index";
import type { Db } from "@/lib/db";
import { parseBenchmarkOutput } from "./benchmark-parse";
import type { LabCache } from "./cache";
import { isLabId, type LabId, labSpec } from "./catalog";
import { type ClusterView, clusterView } from "./cluster-view";
import { heredocWrite, readConfigFiles } from "./files";
import { type LiveLab, RunningCommand, rebuildLab, type TranscriptEntry } from "./live";
import {
  assertStorageLeft,
  chargeStorage,
  type StorageLimits,
  storageLimitsFromEnv,
  storedBytes,
  storedOutput,
} from "./storage";
import { type TabView, tabsOf } from "./tabs";
import { formatWaits } from "./wait-log";

export interface LabServiceDeps {
  db: Db;
  cache: LabCache;
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

/**
 * Longest real wait at one checkpoint of a streamed command (virtual time between two
 * checkpoints is at most 1 s): `monitor.sh watch` refreshes every ~2 real seconds.
 */
export const PACE_MAX_MS = 2000;

export class LabNotFound extends Error {}

type SessionRow = { id: string; userId: string; exerciseId: string; scenario: string; seed: number };

/** The learner's session, or LabNotFound: another learner's lab does not exist for them. */
async function ownedSession(deps: LabServiceDeps, userId: string, sessionId: string): Promise<SessionRow> {
  const row = await deps.db.labSession.findUnique({ where: { id: sessionId } });
  if (!row || row.userId !== userId || row.status !== "active") throw new LabNotFound();
  return row;
}

async function live(deps: LabServiceDeps, row: SessionRow): Promise<LiveLab> {
  return deps.cache.get(row.id, async () => {
    const events = await deps.db.labEvent.findMany({
      where: { labSessionId: row.id },
      orderBy: { seq: "asc" },
      select: { seq: true, target: true, input: true, output: true, outputDigest: true, interruptedAtUs: true },
    });
    return rebuildLab(row, events);
  });
}

function snapshot(l: LiveLab, row: SessionRow): LabSnapshot {
  const spec = labSpec(row.exerciseId as LabId);
  return {
    session: {
      id: row.id,
      labId: row.exerciseId,
      scenario: row.scenario,
      previousAvailable: spec.previousScenario !== undefined,
    },
    tabs: tabsOf(l.lab),
    cluster: clusterView(l.lab),
    transcript: l.transcript,
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
      for (const o of old) deps.cache.evict(o.id);
      return tx.labSession.create({
        data: { userId, exerciseId: labId, chapter: labId, scenario, seed: randomInt(1, 2 ** 31 - 1) },
      });
    });
  }
  const r = row;
  const l = await live(deps, r);
  return l.serial(async () => snapshot(l, r));
}

export async function getLab(deps: LabServiceDeps, userId: string, sessionId: string): Promise<LabSnapshot> {
  const row = await ownedSession(deps, userId, sessionId);
  const l = await live(deps, row);
  return l.serial(async () => snapshot(l, row));
}

/** The learner's lab exists (else LabNotFound): checked before a streamed reply starts. */
export async function checkLab(deps: LabServiceDeps, userId: string, sessionId: string): Promise<void> {
  await ownedSession(deps, userId, sessionId);
}

/** Real time to wait before the command's virtual clock moves `stepUs` on. */
export function paceMs(stepUs: number): number {
  return Math.min(PACE_MAX_MS, Math.max(0, stepUs / 1000));
}

function realWait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const stop = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", stop);
      resolve();
    }, ms);
    signal.addEventListener("abort", stop, { once: true });
  });
}

/**
 * Run one command line and append it to the log (with a benchmark result if it printed one).
 * With `stream`, the output is handed over as it is printed and the command takes real time
 * once it has printed (a dashboard refreshes live); Ctrl-C (interrupt) stops it at its next
 * checkpoint, and the row keeps that virtual offset so that a replay stops it there too.
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
  const l = await live(deps, row);
  return l.serial(async () => {
    const running = new RunningCommand();
    l.running = running;
    const opts: ExecOptions = { interruptRequested: () => running.requested };
    if (stream) {
      if (stream.signal?.aborted) running.interrupt();
      stream.signal?.addEventListener("abort", () => running.interrupt(), { once: true });
      let shownCluster = "";
      opts.onOutput = (c) => stream.onOutput(c);
      opts.pace = async (_us, stepUs) => {
        const view = clusterView(l.lab);
        const json = JSON.stringify(view);
        if (json !== shownCluster) stream.onCluster(view);
        shownCluster = json;
        await realWait(paceMs(stepUs), running.signal);
      };
    }
    let ran: Awaited<ReturnType<LiveLab["exec"]>>;
    const atMs = Math.floor(l.lab.world.clock.now / 1000);
    try {
      ran = await l.exec(cmd.terminal, cmd.input, opts);
    } finally {
      l.running = undefined;
    }
    const seq = l.nextSeq;
    const bench = parseBenchmarkOutput(cmd.input, ran.output);
    const stored = storedOutput(ran.output, storage.maxOutputBytes);
    try {
      await deps.db.$transaction(async (tx) => {
        await chargeStorage(tx, userId, storedBytes(cmd.input, stored));
        await tx.labEvent.create({
          data: {
            labSessionId: row.id,
            seq,
            target: cmd.terminal,
            input: cmd.input,
            output: stored,
            outputDigest: ran.digest, // over the whole output
            virtualTimeMs: atMs,
            interruptedAtUs: ran.result.interruptedAtUs ?? null,
          },
        });
        await tx.labSession.update({ where: { id: row.id }, data: { updatedAt: new Date() } });
        if (bench)
          await tx.benchmarkRun.create({
            data: {
              userId,
              labSessionId: row.id,
              protocol: bench.protocol,
              params: JSON.stringify(bench.params),
              throughputMBs: bench.throughputMBs,
              latencyMs: bench.latencyMs,
            },
          });
      });
    } catch (e) {
      // The lab in memory ran a command the log does not have: rebuild it from the log.
      deps.cache.evict(row.id);
      throw e;
    }
    l.nextSeq = seq + 1;
    l.openWait = undefined;
    const entry: TranscriptEntry = {
      seq,
      terminal: cmd.terminal,
      machine: ran.before.machine,
      prompt: ran.before.prompt,
      input: cmd.input,
      output: ran.output,
    };
    l.transcript.push(entry);
    return {
      entry,
      exitCode: ran.result.exitCode,
      durationMs: ran.result.durationMs,
      machineAfter: ran.result.session.machine,
      tabs: tabsOf(l.lab),
      cluster: clusterView(l.lab),
    };
  });
}

/** Ctrl-C: stops the learner's running command, if any (it ends with ^C, exit 130). */
export async function interrupt(deps: LabServiceDeps, userId: string, sessionId: string): Promise<boolean> {
  const row = await ownedSession(deps, userId, sessionId);
  if (!deps.cache.has(row.id)) return false;
  const l = await live(deps, row);
  if (!l.running) return false;
  l.running.interrupt();
  return true;
}

/** Let virtual time pass; consecutive waits share one row. */
export async function advanceTime(
  deps: LabServiceDeps,
  userId: string,
  sessionId: string,
  ms: number,
): Promise<{ cluster: ClusterView; tabs: TabView[] }> {
  const row = await ownedSession(deps, userId, sessionId);
  const l = await live(deps, row);
  return l.serial(async () => {
    const atMs = Math.floor(l.lab.world.clock.now / 1000);
    await l.lab.advance(ms);
    try {
      if (l.openWait) {
        const pieces = [...l.openWait.pieces, ms];
        await deps.db.labEvent.update({
          where: { labSessionId_seq: { labSessionId: row.id, seq: l.openWait.seq } },
          data: { input: formatWaits(pieces) },
        });
        l.openWait.pieces = pieces;
      } else {
        const seq = l.nextSeq;
        await deps.db.labEvent.create({
          data: {
            labSessionId: row.id,
            seq,
            target: "lab",
            input: formatWaits([ms]),
            output: "",
            outputDigest: "",
            virtualTimeMs: atMs,
          },
        });
        l.openWait = { seq, pieces: [ms] };
        l.nextSeq = seq + 1;
      }
    } catch (e) {
      deps.cache.evict(row.id);
      throw e;
    }
    return { cluster: clusterView(l.lab), tabs: tabsOf(l.lab) };
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
  const l = await live(deps, row);
  if (!l.lab.world.node(node)) throw new LabNotFound();
  return l.serial(() => readConfigFiles(l.lab, node));
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
  const l = await live(deps, row);
  for (const n of file.nodes) if (!l.lab.world.node(n)) throw new LabNotFound();
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
