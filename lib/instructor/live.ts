import { Prisma } from "@/generated/prisma/client";
import { getExercise } from "@/graders";
import type { Db } from "@/lib/db";
import { cohortStudents } from "@/lib/grading/access";
import { checkLabel } from "@/lib/grading/check-labels";
import type { LiveStatus } from "@/lib/labs/live";

/**
 * The instructor's live view of a class: per learner, the lab in use, the last command and how
 * long ago, the checks of that lab that already hold (computed by the lab worker after each
 * command and stored with its row: nothing is replayed here), what is wrong with the cluster,
 * and whether the learner looks stuck (« bloqué ») and why. Four queries for the whole class.
 */
export const NO_PROGRESS_MS = 10 * 60_000;
export const SAME_ERROR_TIMES = 3;
export const FAILED_GRADINGS = 3;

export interface LiveLearner {
  id: string;
  name: string;
  email: string;
  lab: { sessionId: string; labId: string; title: string } | null;
  lastCommand: { seq: number; input: string; target: string; exitCode: number | null; at: string } | null;
  /** The lab's checks that hold on the live lab now (« TP3 : 4/6 »). */
  checks: { held: number; total: number; labels: string[] } | null;
  /** The cluster's problems right now (« Split-brain non résolu sur r0… »). */
  alerts: string[];
  /** Why the learner looks stuck, in French; empty when not stuck. */
  stuck: string[];
}

export interface LiveClass {
  now: string;
  learners: LiveLearner[];
}

/** Rows read per lab: enough to see the same command fail SAME_ERROR_TIMES times between waits. */
const ROWS_LOOKED_AT = 2 * SAME_ERROR_TIMES + 1;

interface RawRow {
  labSessionId: string;
  seq: number | bigint;
  target: string;
  input: string;
  exitCode: number | bigint | null;
  checks: string | null;
  createdAt: Date | string | number | bigint;
}

interface Row {
  labSessionId: string;
  seq: number;
  target: string;
  input: string;
  exitCode: number | null;
  checks: string | null;
  createdAt: Date;
}

function parseSummary(text: string | null): LiveStatus | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as LiveStatus;
    return Array.isArray(v.held) && typeof v.total === "number" ? v : null;
  } catch {
    return null;
  }
}

/** A raw DateTime column: ISO text, epoch milliseconds or already a Date, depending on the driver. */
function toDate(v: Date | string | number | bigint): Date {
  if (v instanceof Date) return v;
  return new Date(typeof v === "bigint" ? Number(v) : v);
}

const minutes = (ms: number) => Math.max(1, Math.floor(ms / 60_000));

export async function liveClass(db: Db, cohortId: string, now = new Date()): Promise<LiveClass> {
  const students = await cohortStudents(db, cohortId);
  const ids = students.map((s) => s.id);
  // the lab in use: each learner's most recently used active session
  const sessions = await db.labSession.findMany({
    where: { userId: { in: ids }, status: "active" },
    orderBy: { updatedAt: "desc" },
    select: { id: true, userId: true, exerciseId: true },
  });
  const current = new Map<string, { id: string; exerciseId: string }>();
  for (const s of sessions) if (!current.has(s.userId)) current.set(s.userId, s);
  const sessionIds = [...current.values()].map((s) => s.id);

  // the last rows of each lab in use (one query: the learner's last command, repeated failures)
  const recent = sessionIds.length
    ? await db.$queryRaw<RawRow[]>`
        SELECT e."labSessionId" AS "labSessionId", e.seq AS seq, e.target AS target, e.input AS input,
               e."exitCode" AS "exitCode", e.checks AS checks, e."createdAt" AS "createdAt"
        FROM lab_event e
        JOIN (SELECT "labSessionId" AS sid, MAX(seq) AS m FROM lab_event
              WHERE "labSessionId" IN (${Prisma.join(sessionIds)}) GROUP BY "labSessionId") l
          ON e."labSessionId" = l.sid AND e.seq > l.m - ${ROWS_LOOKED_AT}
        ORDER BY e.seq DESC`
    : [];
  const rowsOf = new Map<string, Row[]>();
  for (const r of recent) {
    const row: Row = {
      labSessionId: r.labSessionId,
      seq: Number(r.seq),
      target: r.target,
      input: r.input,
      exitCode: r.exitCode === null ? null : Number(r.exitCode),
      checks: r.checks,
      createdAt: toDate(r.createdAt),
    };
    rowsOf.set(r.labSessionId, [...(rowsOf.get(r.labSessionId) ?? []), row]);
  }

  // the latest grading of each submission of the lab in use, oldest submission first
  const pairs = [...current].map(
    ([userId, s]) => Prisma.sql`(s."userId" = ${userId} AND s."exerciseId" = ${s.exerciseId})`,
  );
  const graded = pairs.length
    ? await db.$queryRaw<{ userId: string; checks: string }[]>`
        SELECT s."userId" AS "userId", g.checks AS checks
        FROM submission s JOIN grading g ON g."submissionId" = s.id
        WHERE (${Prisma.join(pairs, " OR ")})
          AND NOT EXISTS (SELECT 1 FROM grading g2 WHERE g2."submissionId" = g."submissionId" AND g2."createdAt" > g."createdAt")
        ORDER BY s."createdAt" ASC`
    : [];
  // a check failed by 3 gradings or more, and still failing in the latest one
  const failures = new Map<string, Map<string, number>>();
  const latestFailing = new Map<string, Set<string>>();
  for (const s of graded) {
    let list: { id: string; passed: boolean }[] = [];
    try {
      list = JSON.parse(s.checks);
    } catch {}
    const f = failures.get(s.userId) ?? new Map<string, number>();
    const failing = new Set<string>();
    for (const c of list)
      if (!c.passed) {
        f.set(c.id, (f.get(c.id) ?? 0) + 1);
        failing.add(c.id);
      }
    failures.set(s.userId, f);
    latestFailing.set(s.userId, failing);
  }

  const learners = students.map((st): LiveLearner => {
    const s = current.get(st.id);
    const base = { id: st.id, name: st.name, email: st.email };
    if (!s) return { ...base, lab: null, lastCommand: null, checks: null, alerts: [], stuck: [] };
    const def = getExercise(s.exerciseId);
    const rows = rowsOf.get(s.id) ?? [];
    const top = rows[0];
    const cmd = rows.find((r) => r.target !== "lab");
    const summary = parseSummary(rows.find((r) => r.checks)?.checks ?? null);
    const stuck: string[] = [];
    const complete = summary !== null && summary.held.length === summary.total;
    if (top && !complete) {
      // no new check holding since progressAt (the worker keeps it), else since the last row
      const from = summary?.progressAt ? new Date(summary.progressAt) : top.createdAt;
      if (now.getTime() - from.getTime() >= NO_PROGRESS_MS)
        stuck.push(`aucun progrès depuis ${minutes(now.getTime() - from.getTime())} min`);
    }
    const execs = rows.filter((r) => r.target !== "lab").slice(0, SAME_ERROR_TIMES);
    const first = execs[0];
    if (
      first &&
      execs.length === SAME_ERROR_TIMES &&
      execs.every((r) => r.exitCode !== null && r.exitCode !== 0 && r.input.trim() === first.input.trim())
    )
      stuck.push(`la même commande échoue ${SAME_ERROR_TIMES} fois de suite : « ${first.input.trim()} »`);
    const failing = latestFailing.get(st.id) ?? new Set<string>();
    for (const [check, n] of failures.get(st.id) ?? [])
      if (n >= FAILED_GRADINGS && failing.has(check))
        stuck.push(`${n} vérifications échouées sur « ${checkLabel(s.exerciseId, check)} »`);
    return {
      ...base,
      lab: { sessionId: s.id, labId: s.exerciseId, title: def?.title ?? s.exerciseId },
      lastCommand: cmd
        ? {
            seq: cmd.seq,
            input: cmd.input,
            target: cmd.target,
            exitCode: cmd.exitCode,
            at: cmd.createdAt.toISOString(),
          }
        : null,
      checks: summary
        ? {
            held: summary.held.length,
            total: summary.total,
            labels: summary.held.map((id) => checkLabel(summary.exercise, id)),
          }
        : null,
      alerts: summary?.alerts ?? [],
      stuck,
    };
  });
  return { now: now.toISOString(), learners };
}
