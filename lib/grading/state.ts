import type { CheckResult, GradeResult } from "@/graders";
import { getExercise } from "@/graders";
import type { Db } from "@/lib/db";
import { type PublicExercise, publicExercise } from "./exercise-view";
import { effectiveScore } from "./progress";
import { failedAttempts, withUnlockedHints } from "./submit";

export interface ExerciseState {
  exercise: PublicExercise;
  progress: { bestScore: number; maxScore: number; attempts: number; lastActivityAt: string } | null;
  /** The learner's last stored submission (answers or text restored on reload) and its result. */
  last: { payload: unknown; result: GradeResult; createdAt: string } | null;
}

/** What `<Exercise id>` needs on load: the public definition, progress, the last attempt. */
export async function exerciseState(db: Db, userId: string, exerciseId: string): Promise<ExerciseState | null> {
  const def = getExercise(exerciseId);
  if (!def) return null;
  const [progress, lastSub] = await Promise.all([
    db.progress.findUnique({ where: { userId_exerciseId: { userId, exerciseId } } }),
    db.submission.findFirst({
      where: { userId, exerciseId },
      orderBy: { createdAt: "desc" },
      include: { gradings: { orderBy: { createdAt: "desc" } }, overrides: true },
    }),
  ]);
  let last: ExerciseState["last"] = null;
  const grading = lastSub?.gradings[0];
  if (lastSub && grading) {
    const result: GradeResult = {
      exercise: exerciseId,
      graderVersion: Number(grading.graderVersion),
      score: effectiveScore(lastSub) ?? grading.score,
      max: grading.maxScore,
      valid: true,
      checks: JSON.parse(grading.checks) as CheckResult[],
    };
    last = {
      payload: JSON.parse(lastSub.payload),
      result: withUnlockedHints(result, await failedAttempts(db, userId, def)),
      createdAt: lastSub.createdAt.toISOString(),
    };
  }
  return {
    exercise: publicExercise(def, userId),
    progress: progress
      ? {
          bestScore: progress.bestScore,
          maxScore: progress.maxScore,
          attempts: progress.attempts,
          lastActivityAt: progress.lastActivityAt.toISOString(),
        }
      : null,
    last,
  };
}
