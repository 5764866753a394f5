import type { Db } from "./db";

export interface ProgressRow {
  userId: string;
  exerciseId: string;
  bestScore: number;
  maxScore: number;
  attempts: number;
}

export interface ProgressSummary {
  /** 0–100, rounded down so 100 means every exercise at full marks */
  percent: number;
  attempted: number;
  total: number;
}

/**
 * Progress over a list of exercises: each exercise weighs the same and counts for
 * bestScore / maxScore (0 when never attempted, since its maximum is only known once graded).
 */
export function summarize(exerciseIds: readonly string[], rows: readonly ProgressRow[]): ProgressSummary {
  const byExercise = new Map(rows.map((r) => [r.exerciseId, r]));
  const unique = [...new Set(exerciseIds)];
  let sum = 0;
  let attempted = 0;
  for (const id of unique) {
    const row = byExercise.get(id);
    if (!row) continue;
    if (row.attempts > 0) attempted++;
    if (row.maxScore > 0) sum += Math.min(1, Math.max(0, row.bestScore / row.maxScore));
  }
  const percent = unique.length === 0 ? 0 : Math.floor((100 * sum) / unique.length + 1e-9);
  return { percent, attempted, total: unique.length };
}

/** Progress rows of several users, grouped by user. */
export async function progressByUser(db: Db, userIds: readonly string[]): Promise<Map<string, ProgressRow[]>> {
  const rows = await db.progress.findMany({
    where: { userId: { in: [...userIds] } },
    select: { userId: true, exerciseId: true, bestScore: true, maxScore: true, attempts: true },
  });
  const map = new Map<string, ProgressRow[]>(userIds.map((id) => [id, []]));
  for (const row of rows) map.get(row.userId)?.push(row);
  return map;
}
