import type { ChapterSlug, Check, ExerciseDefinition, WrongSolution } from "../types";
import { type LabCtx, prepareLab } from "./context";
import { ensureGraderScenarios } from "./scenarios";

export interface LabExerciseSpec {
  id: string;
  chapter: ChapterSlug;
  title: string;
  graderVersion: number;
  startScenario: string;
  checks: Check<LabCtx>[];
  /** Lab script (engine/lab-script.ts format) that must reach full marks. */
  solution: string;
  wrong: WrongSolution<string>[];
}

export function labExercise(spec: LabExerciseSpec): ExerciseDefinition<LabCtx, string> {
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
    prepare: (submission) => {
      ensureGraderScenarios();
      return prepareLab(spec.startScenario, submission);
    },
    example: () => ({
      format:
        "script de lab : une commande par ligne « MACHINE$ COMMANDE », « wait 10s » pour laisser passer le temps, « # » pour un commentaire",
      text: `# scenario: ${spec.startScenario}\nnode1$ drbdadm status r0\n`,
    }),
  };
}
