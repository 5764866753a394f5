import { getExercise } from "@/graders";
import type { Db } from "@/lib/db";
import { isEnrolled, ownedCohort, type Viewer } from "./access";
import { recomputeProgress } from "./progress";

export class OverrideRefused extends Error {}

/**
 * An instructor's judgement on one submission: its own GradeOverride row (author, score,
 * comment) on the latest grading. The submission then counts for the override's score (the
 * latest override wins, whatever later regrades say), and Progress is rebuilt.
 */
export async function overrideScore(
  db: Db,
  viewer: Viewer,
  cohortId: string,
  submissionId: string,
  score: number,
  comment: string,
) {
  const cohort = await ownedCohort(db, viewer, cohortId);
  const sub = await db.submission.findUnique({
    where: { id: submissionId },
    include: { gradings: { orderBy: { createdAt: "desc" }, take: 1 } },
  });
  if (!cohort || !sub || !(await isEnrolled(db, cohortId, sub.userId))) return null;
  const max = getExercise(sub.exerciseId)?.points ?? 0;
  if (!(score >= 0 && score <= max)) throw new OverrideRefused(`La note doit être entre 0 et ${max}.`);
  return db.$transaction(async (tx) => {
    const row = await tx.gradeOverride.create({
      data: {
        submissionId,
        gradingId: sub.gradings[0]?.id ?? null,
        authorId: viewer.id,
        score,
        comment,
      },
    });
    await recomputeProgress(tx, sub.userId, sub.exerciseId);
    return row;
  });
}
