import type { Prisma } from "@/generated/prisma/client";
import { getExercise } from "@/graders";
import type { Db } from "@/lib/db";
import { type ProgressRow, type ProgressSummary, summarize } from "@/lib/progress";

/** A Prisma client or an interactive transaction: progress is recomputed inside the write. */
export type DbLike = Db | Prisma.TransactionClient;

/**
 * The score a submission counts for: the latest instructor override when there is one (it is a
 * judgement on the submission, whatever the grader said), else its latest grading (a regrade
 * adds a newer one). Decided so that an override is never silently undone by a regrade.
 */
export function effectiveScore(sub: {
  gradings: readonly { score: number; createdAt: Date }[];
  overrides: readonly { score: number; createdAt: Date }[];
}): number | undefined {
  const latest = <T extends { createdAt: Date }>(xs: readonly T[]) =>
    xs.reduce<T | undefined>((a, b) => (!a || b.createdAt >= a.createdAt ? b : a), undefined);
  return latest(sub.overrides)?.score ?? latest(sub.gradings)?.score;
}

/**
 * Rebuilds the Progress row of one learner and exercise from the facts: attempts = stored
 * submissions (invalid ones are never stored), best = the highest effective score, last
 * activity = the latest submission. Idempotent, so regrades and overrides just call it again.
 */
export async function recomputeProgress(db: DbLike, userId: string, exerciseId: string) {
  const subs = await db.submission.findMany({
    where: { userId, exerciseId },
    select: {
      createdAt: true,
      gradings: { select: { score: true, createdAt: true } },
      overrides: { select: { score: true, createdAt: true } },
    },
  });
  if (subs.length === 0) {
    await db.progress.deleteMany({ where: { userId, exerciseId } });
    return null;
  }
  const maxScore = getExercise(exerciseId)?.points ?? 0;
  let best = 0;
  let last = subs[0]?.createdAt ?? new Date(0);
  for (const s of subs) {
    best = Math.max(best, effectiveScore(s) ?? 0);
    if (s.createdAt > last) last = s.createdAt;
  }
  const data = { bestScore: best, maxScore, attempts: subs.length, lastActivityAt: last };
  return db.progress.upsert({
    where: { userId_exerciseId: { userId, exerciseId } },
    create: { userId, exerciseId, ...data },
    update: data,
  });
}

/**
 * The one progress computation shown everywhere (learner's chapter and home, instructor's
 * heatmap and CSV): lib/progress's summarize over Progress rows.
 */
export function chapterProgress(exerciseIds: readonly string[], rows: readonly ProgressRow[]): ProgressSummary {
  return summarize(exerciseIds, rows);
}

/** Percentage of one exercise, rounded down like summarize (100 = full marks). */
export function exercisePercent(row: Pick<ProgressRow, "bestScore" | "maxScore"> | undefined): number {
  if (!row || row.maxScore <= 0) return 0;
  return summarize(
    ["x"],
    [{ userId: "", exerciseId: "x", attempts: 1, bestScore: row.bestScore, maxScore: row.maxScore }],
  ).percent;
}
