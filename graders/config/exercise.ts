import type { ChapterSlug, Check, ExerciseDefinition, WrongSolution } from "../types";
import { type ConfigCtx, type ConfigSetup, prepareConfig } from "./context";

export interface ConfigExerciseSpec extends ConfigSetup {
  id: string;
  chapter: ChapterSlug;
  title: string;
  graderVersion: number;
  /** Text of the edited file when the exercise starts. */
  initial: string;
  checks: Check<ConfigCtx>[];
  solution: string;
  wrong: WrongSolution<string>[];
}

export function configExercise(spec: ConfigExerciseSpec): ExerciseDefinition<ConfigCtx, string> {
  return {
    id: spec.id,
    chapter: spec.chapter,
    title: spec.title,
    kind: "config",
    points: spec.checks.reduce((s, c) => s + c.points, 0),
    graderVersion: spec.graderVersion,
    configFile: { path: spec.path, initial: spec.initial },
    checks: spec.checks,
    solution: spec.solution,
    wrong: spec.wrong,
    prepare: (submission) => prepareConfig(spec, submission),
    example: () => ({ file: spec.path, text: spec.initial }),
  };
}
