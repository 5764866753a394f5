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

/**
 * A questions submission as the instructor reads it: each question's prompt and the learner's
 * answer in words (the options' texts, found by their ids: the order the learner saw them in,
 * shuffled for them, does not matter). Unknown questions or options keep their ids.
 */
export function answerLines(
  exerciseId: string,
  answers: Record<string, unknown>,
): { prompt: string; answer: string }[] {
  const questions = getExercise(exerciseId)?.questions ?? [];
  const text = (options: readonly { id: string; text: string }[], id: unknown) =>
    options.find((o) => o.id === id)?.text ?? String(id);
  return Object.entries(answers).map(([qid, value]) => {
    const q = questions.find((x) => x.id === qid);
    if (!q) return { prompt: qid, answer: typeof value === "string" ? value : JSON.stringify(value) };
    switch (q.kind) {
      case "single":
        return { prompt: q.prompt, answer: text(q.options, value) };
      case "multiple":
        return {
          prompt: q.prompt,
          answer: (Array.isArray(value) ? value : [value]).map((id) => text(q.options, id)).join(" ; ") || "(rien)",
        };
      case "matching": {
        const pairs = value !== null && typeof value === "object" ? Object.entries(value) : [];
        return {
          prompt: q.prompt,
          answer: pairs.map(([item, choice]) => `${text(q.items, item)} → ${text(q.choices, choice)}`).join(" ; "),
        };
      }
      default:
        return { prompt: q.prompt, answer: typeof value === "string" ? value : JSON.stringify(value) };
    }
  });
}
