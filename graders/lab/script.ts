import type { ChapterSlug, Check, ExerciseDefinition, WrongSolution } from "../types";
import { type LabCtx, prepareLab } from "./context";
import { ensureGraderScenarios } from "./scenarios";

/**
 * Script exercises (ex3.1): the learner's shell script is installed on a node and run by a
 * grader-defined harness, in several labs that each start from the same scenario:
 *  - "failure": the Primary crashes (`docker stop --time=0`), then the script runs (bounded by
 *    `timeout`, virtual time);
 *  - "healthy": the script runs for a while with nothing broken (no false alarm allowed).
 * The harness is itself a lab script, so what happens is exactly what a learner would get by
 * typing those commands.
 */
export interface ScriptRun {
  lab: LabCtx;
  /** Virtual time (µs) when the harness started the learner's script. */
  startedUs: number;
  exitCode: number;
  stderr: string;
}

export interface ScriptCtx {
  failure: ScriptRun;
  healthy: ScriptRun;
}

export interface ScriptHarness {
  node: string;
  path: string;
  /** Commands typed before the script runs, per run. */
  before: { failure: string; healthy: string };
  /** Bound on each run, seconds of virtual time. */
  timeoutS: { failure: number; healthy: number };
}

const DELIM = "EOF_LEARNER_SCRIPT";

function harnessScript(scenario: string, h: ScriptHarness, run: "failure" | "healthy", script: string): string {
  const body = script.endsWith("\n") ? script : `${script}\n`;
  return `# scenario: ${scenario}
${h.node}$ cat > ${h.path} <<'${DELIM}'
${body}${DELIM}
${h.node}$ chmod +x ${h.path}
${h.before[run]}${h.node}$ timeout ${h.timeoutS[run]} bash ${h.path}
`;
}

async function runOnce(scenario: string, h: ScriptHarness, run: "failure" | "healthy", script: string) {
  const prepared = await prepareLab(scenario, harnessScript(scenario, h, run, script));
  if (!prepared.valid) return prepared;
  const events = prepared.ctx.lab.events();
  const last = events.filter((e) => e.kind === "exec").at(-1);
  const out: ScriptRun = { lab: prepared.ctx, startedUs: last?.atUs ?? 0, exitCode: last?.exitCode ?? 0, stderr: "" };
  return { valid: true as const, ctx: out };
}

export interface ScriptExerciseSpec {
  id: string;
  chapter: ChapterSlug;
  title: string;
  graderVersion: number;
  startScenario: string;
  harness: ScriptHarness;
  checks: Check<ScriptCtx>[];
  solution: string;
  wrong: WrongSolution<string>[];
}

export function scriptExercise(spec: ScriptExerciseSpec): ExerciseDefinition<ScriptCtx, string> {
  return {
    id: spec.id,
    chapter: spec.chapter,
    title: spec.title,
    kind: "script",
    points: spec.checks.reduce((s, c) => s + c.points, 0),
    graderVersion: spec.graderVersion,
    startScenario: spec.startScenario,
    checks: spec.checks,
    solution: spec.solution,
    wrong: spec.wrong,
    async prepare(submission) {
      if (typeof submission !== "string" || submission.trim() === "") {
        const message = "Soumettez le texte du script (bash).";
        return { valid: false, reason: message, diagnostics: [{ file: spec.harness.path, line: 1, message }] };
      }
      if (submission.split("\n").some((l) => l === DELIM)) {
        const message = `Le script ne peut pas contenir une ligne « ${DELIM} ».`;
        return { valid: false, reason: message, diagnostics: [{ file: spec.harness.path, line: 1, message }] };
      }
      ensureGraderScenarios();
      const failure = await runOnce(spec.startScenario, spec.harness, "failure", submission);
      if (!failure.valid) return failure;
      const healthy = await runOnce(spec.startScenario, spec.harness, "healthy", submission);
      if (!healthy.valid) return healthy;
      return { valid: true, ctx: { failure: failure.ctx, healthy: healthy.ctx } };
    },
    example: () => ({ file: spec.harness.path, text: "#!/bin/bash\n# votre script de failover\n" }),
  };
}
