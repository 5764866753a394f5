import type { Rubric } from "./rubric";
import type { SynonymGroups } from "./short";

/**
 * The questions of a "questions" exercise. Each question becomes one check
 * (`<exercise>.<question id>`), except a matching question which becomes one check per item
 * (`<exercise>.<question id>.<item id>`), so that feedback stays per scenario.
 */
export interface Option {
  id: string;
  text: string;
}

interface QuestionBase {
  /** Local id, e.g. "q1.choice"; the check id is "<exercise>.<id>". */
  id: string;
  prompt: string;
  points: number;
  hint: string;
  /** French success message: what the right answer teaches. */
  explain: string;
}

export interface SingleChoice extends QuestionBase {
  kind: "single";
  options: readonly Option[];
  answer: string;
  /** Feedback per wrong option: why it is wrong. */
  why?: Readonly<Record<string, string>>;
}

/**
 * Multiple choice, partial credit rule: each right option ticked earns points / (number of
 * right options), each wrong option ticked takes the same amount back, never below zero. The
 * check passes only when exactly the right options are ticked.
 */
export interface MultipleChoice extends QuestionBase {
  kind: "multiple";
  options: readonly Option[];
  answers: readonly string[];
  why?: Readonly<Record<string, string>>;
}

/** Items to pair with choices (ex2.1: scenario → protocol). Credit per item, in [0, 1]. */
export interface Matching extends Omit<QuestionBase, "explain"> {
  kind: "matching";
  items: readonly (Option & {
    credit: Readonly<Record<string, number>>;
    explain: string;
    why?: Readonly<Record<string, string>>;
  })[];
  choices: readonly Option[];
}

export interface ShortAnswer extends QuestionBase {
  kind: "short";
  accepted: readonly string[];
  synonyms?: SynonymGroups;
  /** Feedback for answers that are frequent mistakes, matched the same tolerant way. */
  mistakes?: readonly { answers: readonly string[]; why: string }[];
}

export interface FreeText extends QuestionBase {
  kind: "text";
  rubric: Rubric;
  /** Upper bound on the answer length, in characters. */
  maxLength?: number;
}

export type Question = SingleChoice | MultipleChoice | Matching | ShortAnswer | FreeText;

export type AnswerValue = string | string[] | Record<string, string>;
export type Answers = Record<string, AnswerValue>;
export interface AnswersSubmission {
  answers: Answers;
}
