/**
 * Shapes shared by every grader. An exercise definition (after Learn Git Branching's levels)
 * carries its checks, a reference solution and known-wrong solutions; a grading (after
 * PrairieLearn's grading jobs) is a pure function of the definition and one submission.
 */

export type ExerciseKind = "lab" | "config" | "questions" | "script";

export type ChapterSlug = "tp1" | "tp2" | "tp3" | "tp4" | "tp5" | "exercices-avances" | "quiz-final";

/** What a check's test may return: a plain verdict or a verdict with detail and partial credit. */
export interface CheckOutcome {
  passed: boolean;
  /** Shown to the learner after the ok/fail message (what exactly was found). */
  detail?: string;
  /** Share of the check's points earned, in [0, 1]; defaults to 1 when passed, 0 otherwise. */
  fraction?: number;
  /** The automatic verdict is uncertain: an instructor should look at it. */
  needsReview?: boolean;
}

export type Message<C> = string | ((ctx: C, outcome: CheckOutcome) => string);

export interface Check<C> {
  id: string;
  points: number;
  /** French success message. */
  ok: Message<C>;
  /** French failure message saying what is wrong. */
  fail: Message<C>;
  /** French hint, unlocked by the app after failed attempts. */
  hint: string;
  test(ctx: C): boolean | CheckOutcome | Promise<boolean | CheckOutcome>;
}

/** Result of turning a raw submission into a grading context. */
export type Prepared<C> = { valid: true; ctx: C } | { valid: false; reason: string; diagnostics: Diagnostic[] };

/** A problem in the submission itself (it costs no attempt). */
export interface Diagnostic {
  /** "answers.json", "/etc/drbd.d/r0.res", "solution.lab". */
  file: string;
  line: number;
  column?: number;
  /** French message (may embed the tool's own original text, e.g. drbdadm's). */
  message: string;
}

export interface WrongSolution<S> {
  name: string;
  submission: S;
  /** Ids of the checks this solution must fail. */
  failingChecks: string[];
}

export interface ExerciseDefinition<C = unknown, S = unknown> {
  id: string;
  chapter: ChapterSlug;
  title: string;
  kind: ExerciseKind;
  /** Sum of the checks' points (verified by the test suite). */
  points: number;
  /** Bumped whenever a check changes, so gradings can be told apart and regraded. */
  graderVersion: number;
  /** Named scenario the lab starts from (lab and script exercises, config applied in a lab). */
  startScenario?: string;
  /** Question exercises: the questions shown to the learner. */
  questions?: readonly import("./answers/questions").Question[];
  /** Config exercises: the file the learner edits and its starting text. */
  configFile?: { path: string; initial: string };
  checks: readonly Check<C>[];
  /** Reference solution: answers object, config text or lab script. */
  solution: S;
  wrong: readonly WrongSolution<S>[];
  /**
   * Parse and validate a raw submission (JSON text, object, config text, lab script). A lab's
   * replay reports its progress to `report` (« Vérifier » shows it while it runs).
   */
  prepare(submission: unknown, report?: ReportProgress): Prepared<C> | Promise<Prepared<C>>;
  /**
   * Free what `prepare` holds once the checks ran (a lab's PostgreSQL instances: ~300 MiB of
   * WebAssembly per TP4 replay that the garbage collector never gets back while they run).
   */
  release?(ctx: C): void | Promise<void>;
  /** `--example`: the shape of a valid submission, for the CLI and the docs. */
  example(): unknown;
  /** Lab exercises: the checks evaluated on a live lab between commands (graders/lab/live.ts). */
  live?(): import("./lab/live").LiveChecks;
}

export interface CheckResult {
  id: string;
  passed: boolean;
  points: number;
  max: number;
  message: string;
  hint?: string;
  needsReview?: boolean;
}

export interface GradeResult {
  exercise: string;
  graderVersion: number;
  score: number;
  max: number;
  valid: boolean;
  invalidReason?: string;
  diagnostics?: Diagnostic[];
  checks: CheckResult[];
  needsReview?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every context type.
export type AnyExercise = ExerciseDefinition<any, any>;

/** What a grading reports while it runs: the lab replay's progress, then each check decided. */
export type GradeProgress = { kind: "replay"; done: number; total: number } | { kind: "check"; check: CheckResult };

export type ReportProgress = (progress: GradeProgress) => void;
