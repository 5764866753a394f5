/** Public API of the graders: definitions, grading, and the lab scenarios they start from. */

export type { Question } from "./answers/questions";
export { EXERCISES, getExercise } from "./exercises/index";
export { allowedStarts } from "./lab/context";
export { type LiveChecks, type LiveSummary, liveChecksOf } from "./lab/live";
export { ensureGraderScenarios } from "./lab/scenarios";
export { grade } from "./run";
export type * from "./types";
