import { Rng } from "@/engine/core/rng";
import type { AnyExercise, Question } from "@/graders";

/** A question as the learner sees it: prompt and options, never the answers or the rubric. */
export type PublicQuestion =
  | { id: string; kind: "single" | "multiple"; prompt: string; points: number; options: { id: string; text: string }[] }
  | {
      id: string;
      kind: "matching";
      prompt: string;
      points: number;
      items: { id: string; text: string }[];
      choices: { id: string; text: string }[];
    }
  | { id: string; kind: "short" | "text"; prompt: string; points: number; maxLength?: number };

export interface PublicExercise {
  id: string;
  title: string;
  chapter: string;
  kind: AnyExercise["kind"];
  points: number;
  questions?: PublicQuestion[];
  configFile?: { path: string; initial: string };
  /** Lab exercises: the lab (`<Lab id>`) whose session is graded. */
  labId?: string;
  checks: { id: string; points: number }[];
}

/**
 * The options in the order one learner sees them: shuffled (Fisher-Yates) by a generator seeded
 * with the learner, the exercise and the question, so the same learner always sees the same
 * order and the right answer is not always first. Answers are graded by option id, whatever
 * the order. Without a learner (previews), the order of the definition.
 */
function ordered<T>(items: readonly T[], seed: string | undefined): T[] {
  const out = [...items];
  if (seed === undefined) return out;
  const rng = new Rng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function publicQuestion(q: Question, seed: string | undefined): PublicQuestion {
  const base = { id: q.id, prompt: q.prompt, points: q.points };
  switch (q.kind) {
    case "single":
    case "multiple":
      return { ...base, kind: q.kind, options: ordered(q.options, seed).map((o) => ({ id: o.id, text: o.text })) };
    case "matching":
      return {
        ...base,
        kind: "matching",
        items: q.items.map((i) => ({ id: i.id, text: i.text })),
        choices: ordered(q.choices, seed).map((c) => ({ id: c.id, text: c.text })),
      };
    case "short":
      return { ...base, kind: "short" };
    case "text":
      return { ...base, kind: "text", ...(q.maxLength ? { maxLength: q.maxLength } : {}) };
  }
}

/** Lab exercises are graded on the learner's session of the chapter's lab (ex5.1 → tp5). */
export function labIdOf(def: AnyExercise): string | undefined {
  if (def.kind !== "lab") return undefined;
  return /^tp\d$|^ex9\.\d$/.test(def.id) ? def.id : def.chapter;
}

/** `learner` (a user id) shuffles the options of choice and matching questions for that learner. */
export function publicExercise(def: AnyExercise, learner?: string): PublicExercise {
  const labId = labIdOf(def);
  return {
    id: def.id,
    title: def.title,
    chapter: def.chapter,
    kind: def.kind,
    points: def.points,
    ...(def.questions
      ? {
          questions: def.questions.map((q) =>
            publicQuestion(q, learner === undefined ? undefined : `${learner}:${def.id}:${q.id}`),
          ),
        }
      : {}),
    ...(def.configFile ? { configFile: { ...def.configFile } } : {}),
    ...(labId ? { labId } : {}),
    checks: def.checks.map((c) => ({ id: c.id, points: c.points })),
  };
}
