import { getExercise } from "@/graders";

/**
 * What a check is about, in French, for the instructor's views (review queue, failing checks):
 * the question's prompt for a question exercise, else the check's success message (« Protocole
 * A mesuré (asynchrone). »). The id when neither is known (an exercise removed since).
 */
export function checkLabel(exerciseId: string, checkId: string): string {
  const def = getExercise(exerciseId);
  if (!def) return checkId;
  const qid = checkId.startsWith(`${exerciseId}.`) ? checkId.slice(exerciseId.length + 1) : checkId;
  const question = def.questions?.find((q) => q.id === qid);
  if (question) return question.prompt;
  const check = def.checks.find((c) => c.id === checkId);
  if (check && typeof check.ok === "string") return check.ok;
  if (check && typeof check.fail === "string") return check.fail.replace(/\s*:\s*$/, "");
  return checkId;
}
