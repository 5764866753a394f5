import { getExercise, type LiveSummary } from "@/graders";
import type { Db } from "@/lib/db";
import { cohortStudents } from "@/lib/grading/access";
import { checkLabel } from "@/lib/grading/check-labels";

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

interface Row {
  labSessionId: string;
  seq: number;
  target: string;
  input: string;
  exitCode: number | null;
  checks: string | null;
  checksHeld: number | null;
  createdAt: Date;
}

function parseSummary(text: string | null): LiveSummary | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as LiveSummary;
    return Array.isArray(v.held) && typeof v.total === "number" ? v : null;
  } catch {
    return null;
  }
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

  const last = await db.labEvent.groupBy({
    by: ["labSessionId"],
    where: { labSessionId: { in: sessionIds } },
    _max: { seq: true },
  });
  const lastSeq = new Map(last.map((l) => [l.labSessionId, l._max.seq ?? 0]));
  const recent: Row[] = sessionIds.length
    ? await db.labEvent.findMany({
        where: {
          OR: [...lastSeq].map(([labSessionId, seq]) => ({ labSessionId, seq: { gte: seq - 2 * SAME_ERROR_TIMES } })),
        },
        orderBy: { seq: "desc" },
        select: {
          labSessionId: true,
          seq: true,
          target: true,
          input: true,
          exitCode: true,
          checks: true,
          checksHeld: true,
          createdAt: true,
        },
      })
    : [];
  const rowsOf = new Map<string, Row[]>();
  for (const r of recent) rowsOf.set(r.labSessionId, [...(rowsOf.get(r.labSessionId) ?? []), r]);

  // since when the learner holds as many checks as now: the first row that reached that count
  const heldNow = new Map<string, number>();
  for (const [sid, rows] of rowsOf) {
    const h = rows.find((r) => r.checksHeld !== null)?.checksHeld;
    if (h !== undefined && h !== null) heldNow.set(sid, h);
  }
  const reached = heldNow.size
    ? await db.labEvent.groupBy({
        by: ["labSessionId"],
        where: { OR: [...heldNow].map(([labSessionId, h]) => ({ labSessionId, checksHeld: { gte: h } })) },
        _min: { createdAt: true },
      })
    : [];
  const progressAt = new Map(reached.map((r) => [r.labSessionId, r._min.createdAt]));

  // gradings of the lab in use: a check failed in 3 gradings or more, and still failing
  const graded = await db.submission.findMany({
    where: { OR: [...current].map(([userId, s]) => ({ userId, exerciseId: s.exerciseId })) },
    orderBy: { createdAt: "asc" },
    select: {
      userId: true,
      gradings: { select: { checks: true }, orderBy: { createdAt: "desc" }, take: 1 },
    },
  });
  const failures = new Map<string, Map<string, number>>();
  const latestFailing = new Map<string, Set<string>>();
  for (const s of graded) {
    const checks = s.gradings[0]?.checks;
    if (!checks) continue;
    let list: { id: string; passed: boolean }[] = [];
    try {
      list = JSON.parse(checks);
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
    const since = progressAt.get(s.id);
    const complete = summary !== null && summary.held.length === summary.total;
    if (top && !complete) {
      const from = since ?? top.createdAt;
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
