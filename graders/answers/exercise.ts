import type { ChapterSlug, ExerciseDefinition, WrongSolution } from "../types";
import { questionChecks } from "./checks";
import type { Answers, AnswersSubmission, Question } from "./questions";
import { prepareAnswers } from "./schema";

export interface QuestionExerciseSpec {
  id: string;
  chapter: ChapterSlug;
  title: string;
  graderVersion: number;
  questions: readonly Question[];
  solution: AnswersSubmission;
  wrong: readonly WrongSolution<AnswersSubmission>[];
}

/** Placeholder answer of the right shape for `--example` (never a right answer). */
function exampleValue(q: Question): unknown {
  switch (q.kind) {
    case "single":
      return `un de : ${q.options.map((o) => o.id).join(" | ")}`;
    case "multiple":
      return [`zéro ou plusieurs de : ${q.options.map((o) => o.id).join(" | ")}`];
    case "matching":
      return Object.fromEntries(q.items.map((i) => [i.id, `un de : ${q.choices.map((c) => c.id).join(" | ")}`]));
    case "short":
      return "réponse courte";
    case "text":
      return "réponse rédigée en quelques phrases";
  }
}

export function questionExercise(spec: QuestionExerciseSpec): ExerciseDefinition<Answers, AnswersSubmission> {
  const checks = questionChecks(spec.id, spec.questions);
  return {
    id: spec.id,
    chapter: spec.chapter,
    title: spec.title,
    kind: "questions",
    points: spec.questions.reduce((s, q) => s + q.points, 0),
    graderVersion: spec.graderVersion,
    questions: spec.questions,
    checks,
    solution: spec.solution,
    wrong: spec.wrong,
    prepare: (submission) => prepareAnswers(spec.questions, submission),
    example: () => ({ answers: Object.fromEntries(spec.questions.map((q) => [q.id, exampleValue(q)])) }),
  };
}
