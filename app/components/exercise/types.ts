import type { GradeResult } from "@/graders/types";
import type { PublicExercise, PublicQuestion } from "@/lib/grading/exercise-view";
import { frNumber } from "@/lib/grading/format";

export type { GradeResult, PublicExercise, PublicQuestion };

export type AnswerValue = string | string[] | Record<string, string>;
export type Answers = Record<string, AnswerValue>;

export interface ProgressView {
  bestScore: number;
  maxScore: number;
  attempts: number;
  lastActivityAt: string | Date;
}

export interface ExerciseStateView {
  exercise: PublicExercise;
  progress: ProgressView | null;
  last: { payload: { answers?: Answers; text?: string }; result: GradeResult; createdAt: string } | null;
}

export interface SubmitReply {
  result: GradeResult;
  progress: ProgressView | null;
  stored: boolean;
}

/** Points with a decimal comma (French). */
export const pts = (n: number) => frNumber(n);

/** Dispatched on window after a stored grading: server-rendered progress is then refreshed. */
export const GRADED_EVENT = "drbd-lab:graded";
