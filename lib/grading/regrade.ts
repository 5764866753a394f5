import { getExercise, grade } from "@/graders";
import type { Db } from "@/lib/db";
import { cohortStudents } from "./access";
import { recomputeProgress } from "./progress";
import { storedGraderInput } from "./submit";

export interface RegradeReport {
  exercise: string;
  graderVersion: number;
  submissions: number;
  regraded: number;
  /** Scores that moved: old → new. */
  changed: { submissionId: string; from: number; to: number }[];
  /** Submissions that could not be regraded (lab session deleted, now invalid input). */
  skipped: { submissionId: string; reason: string }[];
}

/**
 * Re-runs every stored submission of `exerciseId` by the class's students through the current
 * grader (lab ones by replaying the stored event log). Adds a Grading row per submission and
 * never deletes one; then rebuilds each learner's Progress from the facts.
 */
export async function regradeExercise(db: Db, cohortId: string, exerciseId: string): Promise<RegradeReport> {
  const def = getExercise(exerciseId);
  if (!def) throw new Error(`unknown exercise ${exerciseId}`);
  const students = await cohortStudents(db, cohortId);
  const subs = await db.submission.findMany({
    where: { exerciseId, userId: { in: students.map((s) => s.id) } },
    orderBy: { createdAt: "asc" },
    include: { gradings: { orderBy: { createdAt: "desc" }, take: 1 } },
  });
  const report: RegradeReport = {
    exercise: exerciseId,
    graderVersion: def.graderVersion,
    submissions: subs.length,
    regraded: 0,
    changed: [],
    skipped: [],
  };
  const users = new Set<string>();
  for (const sub of subs) {
    const input = await storedGraderInput(db, def, sub);
    if (input === null) {
      report.skipped.push({ submissionId: sub.id, reason: "journal de lab supprimé" });
      continue;
    }
    const result = await grade(def, input);
    if (!result.valid) {
      report.skipped.push({ submissionId: sub.id, reason: result.invalidReason ?? "soumission invalide" });
      continue;
    }
    await db.grading.create({
      data: {
        submissionId: sub.id,
        graderVersion: String(def.graderVersion),
        score: result.score,
        maxScore: result.max,
        checks: JSON.stringify(result.checks),
      },
    });
    report.regraded++;
    const before = sub.gradings[0]?.score;
    if (before !== undefined && before !== result.score)
      report.changed.push({ submissionId: sub.id, from: before, to: result.score });
    users.add(sub.userId);
  }
  for (const u of users) await recomputeProgress(db, u, exerciseId);
  return report;
}
