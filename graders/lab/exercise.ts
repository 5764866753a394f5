import type { ChapterSlug, Check, ExerciseDefinition, WrongSolution } from "../types";
import { type LabObserver, type ObservedLabCtx, prepareLab } from "./context";
import { liveChecks } from "./live";
import { releaseLab } from "./observe";
import { ensureGraderScenarios } from "./scenarios";

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
    prepare: async (submission) => {
      ensureGraderScenarios();
      const start = { scenario: spec.startScenario, chapter: spec.chapter };
      if (spec.observe) return prepareLab(start, submission, spec.observe());
      const prepared = await prepareLab(start, submission);
      return prepared.valid ? { valid: true, ctx: { ...prepared.ctx, observed: undefined as O } } : prepared;
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
