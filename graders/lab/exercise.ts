import type { ChapterSlug, Check, ExerciseDefinition, ReportProgress, WrongSolution } from "../types";
import { type LabObserver, type ObservedLabCtx, prepareLab } from "./context";
import { liveChecks } from "./live";
import { releaseLab } from "./observe";
import { ensureGraderScenarios } from "./scenarios";
import { observedOf } from "./stamp";

export interface LabExerciseSpec<O = undefined> {
  id: string;
  chapter: ChapterSlug;
  title: string;
  graderVersion: number;
  startScenario: string;
  checks: Check<ObservedLabCtx<O>>[];
  /** Lab script (engine/lab-script.ts format) that must reach full marks. */
  solution: string;
  wrong: WrongSolution<string>[];
  /** A fresh observer per grading, when the checks need to see the lab during the replay. */
  observe?: () => LabObserver<O>;
}

export function labExercise<O = undefined>(spec: LabExerciseSpec<O>): ExerciseDefinition<ObservedLabCtx<O>, string> {
  return {
    id: spec.id,
    chapter: spec.chapter,
    title: spec.title,
    kind: "lab",
    points: spec.checks.reduce((s, c) => s + c.points, 0),
    graderVersion: spec.graderVersion,
    startScenario: spec.startScenario,
    checks: spec.checks,
    solution: spec.solution,
    wrong: spec.wrong,
    prepare: async (submission, report) => {
      ensureGraderScenarios();
      const start = { scenario: spec.startScenario, chapter: spec.chapter };
      return prepareLab(start, submission, withProgress(spec.id, spec.observe?.(), commandCount(submission), report));
    },
    release: (ctx) => releaseLab(ctx.lab),
    live: () =>
      liveChecks(spec.id, spec as { checks: LabExerciseSpec<O>["checks"]; observe?: () => LabObserver<unknown> }),
    example: () => ({
      format:
        "script de lab : une commande par ligne « MACHINE$ COMMANDE », « wait 10s » pour laisser passer le temps, « # » pour un commentaire",
      text: `# scenario: ${spec.startScenario}\nnode1$ drbdadm status r0\n`,
    }),
  };
}

/** The commands a submission holds (a stored log's exec events, or a script's prompt lines). */
function commandCount(submission: unknown): number {
  if (typeof submission === "string") return submission.split("\n").filter((l) => /^[\w#-]+\$ /.test(l)).length;
  const events = (submission as { events?: unknown } | null)?.events;
  return Array.isArray(events) ? events.filter((e) => (e as { kind?: unknown })?.kind === "exec").length : 0;
}

/** The checks' observer (if any), reporting each replayed command to `report`. */
function withProgress<O>(
  exercise: string,
  inner: LabObserver<O> | undefined,
  total: number,
  report?: ReportProgress,
): LabObserver<O> {
  let done = 0;
  return {
    everyStep: inner !== undefined,
    ...(inner?.load ? { load: (state: unknown) => inner.load?.(observedOf(exercise, state)) } : {}),
    skipped(commands) {
      done += commands;
      if (commands > 0) report?.({ kind: "replay", done, total: Math.max(total, done) });
    },
    async step(lab, step) {
      await inner?.step(lab, step);
      if (step?.kind === "exec") report?.({ kind: "replay", done: ++done, total: Math.max(total, done) });
    },
    result: () => inner?.result() as O,
  };
}
