import { type CheckResult, EXERCISES } from "@/graders";
import type { Db } from "@/lib/db";
import type { ProgressRow } from "@/lib/progress";
import { cohortStudents } from "./access";
import { checkLabel } from "./check-labels";
import { chapterProgress, exercisePercent } from "./progress";

export interface Cell {
  percent: number;
  bestScore: number;
  maxScore: number;
  attempts: number;
  lastActivityAt: string;
  /** Lab exercises: the lab and the last row that the latest grading looked at (the replay link). */
  replay?: { sessionId: string; seq: number };
}

export interface ExerciseStats {
  id: string;
  attempted: number;
  passed: number;
  /** Mean best score of those who attempted, in % (0 when nobody did). */
  meanPercent: number;
  /** Checks failing most often in the latest grading of each attempt, most frequent first. */
  failingChecks: { id: string; label: string; failures: number; attempts: number }[];
}

export interface ReviewItem {
  submissionId: string;
  studentId: string;
  studentName: string;
  exerciseId: string;
  createdAt: string;
  score: number;
  maxScore: number;
  /** The free-text answers and the checks the grader was unsure about, with what each is about. */
  checks: (CheckResult & { label: string })[];
  answers: Record<string, unknown>;
}

export interface ClassView {
  students: { id: string; name: string; email: string; totalPercent: number; struggling: boolean }[];
  exercises: { id: string; title: string; chapter: string; points: number }[];
  /** cells[studentId][exerciseId], absent when never attempted. */
  cells: Record<string, Record<string, Cell>>;
  stats: ExerciseStats[];
  review: ReviewItem[];
}

/** "En difficulté": 3 attempts or more on an exercise still below 50 %. */
export const STRUGGLING_ATTEMPTS = 3;
export const STRUGGLING_PERCENT = 50;

export function courseExercises() {
  return EXERCISES.map((e) => ({ id: e.id, title: e.title, chapter: e.chapter, points: e.points }));
}

/** Everything the class page shows, from Progress rows and the latest gradings. */
export async function classView(db: Db, cohortId: string): Promise<ClassView> {
  const students = await cohortStudents(db, cohortId);
  const ids = students.map((s) => s.id);
  const exercises = courseExercises();
  const [progress, subs] = await Promise.all([
    db.progress.findMany({ where: { userId: { in: ids } } }),
    db.submission.findMany({
      where: { userId: { in: ids } },
      select: {
        id: true,
        userId: true,
        exerciseId: true,
        payload: true,
        createdAt: true,
        gradings: { orderBy: { createdAt: "desc" }, take: 1, select: { score: true, maxScore: true, checks: true } },
        overrides: { select: { id: true }, take: 1 },
      },
    }),
  ]);
  const rowsByUser = new Map<string, ProgressRow[]>(ids.map((id) => [id, []]));
  const cells: ClassView["cells"] = {};
  for (const p of progress) {
    rowsByUser.get(p.userId)?.push(p);
    cells[p.userId] ??= {};
    const own = cells[p.userId] as Record<string, Cell>;
    own[p.exerciseId] = {
      percent: exercisePercent(p),
      bestScore: p.bestScore,
      maxScore: p.maxScore,
      attempts: p.attempts,
      lastActivityAt: p.lastActivityAt.toISOString(),
    };
  }
  const latestLab = new Map<string, { at: number; sessionId: string; seq: number }>();
  for (const s of subs) {
    const p = JSON.parse(s.payload) as { labSessionId?: string; events?: number };
    if (typeof p.labSessionId !== "string" || typeof p.events !== "number") continue;
    const key = `${s.userId}/${s.exerciseId}`;
    if ((latestLab.get(key)?.at ?? -1) < s.createdAt.getTime())
      latestLab.set(key, { at: s.createdAt.getTime(), sessionId: p.labSessionId, seq: p.events - 1 });
  }
  for (const [key, l] of latestLab) {
    const [userId, exerciseId] = key.split("/") as [string, string];
    const cell = cells[userId]?.[exerciseId];
    if (cell) cell.replay = { sessionId: l.sessionId, seq: l.seq };
  }
  const allIds = exercises.map((e) => e.id);
  const outStudents = students.map((s) => {
    const own = Object.values(cells[s.id] ?? {});
    return {
      ...s,
      totalPercent: chapterProgress(allIds, rowsByUser.get(s.id) ?? []).percent,
      struggling: own.some((c) => c.attempts >= STRUGGLING_ATTEMPTS && c.percent < STRUGGLING_PERCENT),
    };
  });
  const failures = new Map<string, Map<string, number>>();
  const gradedAttempts = new Map<string, number>();
  const names = new Map(students.map((s) => [s.id, s.name]));
  const review: ReviewItem[] = [];
  for (const s of subs) {
    const g = s.gradings[0];
    if (!g) continue;
    const checks = JSON.parse(g.checks) as CheckResult[];
    gradedAttempts.set(s.exerciseId, (gradedAttempts.get(s.exerciseId) ?? 0) + 1);
    const f = failures.get(s.exerciseId) ?? new Map<string, number>();
    for (const c of checks) if (!c.passed) f.set(c.id, (f.get(c.id) ?? 0) + 1);
    failures.set(s.exerciseId, f);
    if (s.overrides.length === 0 && checks.some((c) => c.needsReview)) {
      const payload = JSON.parse(s.payload) as { answers?: Record<string, unknown> };
      review.push({
        submissionId: s.id,
        studentId: s.userId,
        studentName: names.get(s.userId) ?? "",
        exerciseId: s.exerciseId,
        createdAt: s.createdAt.toISOString(),
        score: g.score,
        maxScore: g.maxScore,
        checks: checks.filter((c) => c.needsReview).map((c) => ({ ...c, label: checkLabel(s.exerciseId, c.id) })),
        answers: payload.answers ?? {},
      });
    }
  }
  review.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const stats = exercises.map((e): ExerciseStats => {
    const cs = ids.map((id) => cells[id]?.[e.id]).filter((c): c is Cell => c !== undefined && c.attempts > 0);
    const attempts = gradedAttempts.get(e.id) ?? 0;
    return {
      id: e.id,
      attempted: cs.length,
      passed: cs.filter((c) => c.bestScore >= c.maxScore && c.maxScore > 0).length,
      meanPercent: cs.length === 0 ? 0 : Math.round(cs.reduce((a, c) => a + c.percent, 0) / cs.length),
      failingChecks: [...(failures.get(e.id) ?? new Map<string, number>()).entries()]
        .map(([id, n]) => ({ id, label: checkLabel(e.id, id), failures: n, attempts }))
        .sort((a, b) => b.failures - a.failures || a.id.localeCompare(b.id))
        .slice(0, 3),
    };
  });
  return { students: outStudents, exercises, cells, stats, review };
}
