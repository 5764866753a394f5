/**
 * Runs a chapter 9 reference solution (content/solutions/ex9.N.lab) step by step and keeps
 * every step's output, so that tests can assert on what a given command printed.
 */
import { readFileSync } from "node:fs";
import { createLab, type Lab, type LabExecResult } from "../../engine/lab";
import { checkTargets, parseLabScript, type Step } from "../../engine/lab-script";

export interface StepRun {
  step: Step;
  result?: LabExecResult;
}

export interface SolutionRun {
  lab: Lab;
  runs: StepRun[];
  /** The n-th (0-based, negative from the end) exec step on `target` whose command contains `text` (or matches it). */
  step(target: string, text: string | RegExp, nth?: number): LabExecResult;
}

export function solutionText(id: string): string {
  return readFileSync(new URL(`../../content/solutions/${id}.lab`, import.meta.url), "utf8");
}

export async function runSolution(id: string, text = solutionText(id)): Promise<SolutionRun> {
  const parsed = parseLabScript(text);
  if (parsed.errors.length > 0) throw new Error(parsed.errors.join("\n"));
  const lab = await createLab({ scenario: parsed.scenario ?? "fresh", seed: parsed.seed ?? 1 });
  const errors = checkTargets(lab, parsed.steps);
  if (errors.length > 0) throw new Error(errors.join("\n"));
  const runs: StepRun[] = [];
  for (const step of parsed.steps) {
    if (step.kind === "wait") {
      await lab.advance(step.ms);
      runs.push({ step });
    } else runs.push({ step, result: await lab.exec(step.target, step.command) });
  }
  return {
    lab,
    runs,
    step(target, text, nth = 0) {
      const hits = runs.filter(
        (r) =>
          r.step.kind === "exec" &&
          r.step.target === target &&
          (typeof text === "string" ? r.step.command.includes(text) : text.test(r.step.command)),
      );
      const hit = hits.at(nth);
      if (!hit?.result) throw new Error(`no step ${target}$ …${text}… (#${nth}) in the solution`);
      return hit.result;
    },
  };
}

/** Exit codes of every step that failed, for "the solution runs clean except where intended". */
export function failures(run: SolutionRun): string[] {
  return run.runs
    .filter((r) => r.result && r.result.exitCode !== 0)
    .map(
      (r) =>
        `${r.step.kind === "exec" ? `${r.step.target}$ ${r.step.command.split("\n")[0]}` : ""} → ${r.result?.exitCode}`,
    );
}

type DrbdState = Record<
  string,
  Record<
    string,
    {
      role: string;
      suspended: boolean;
      devices: { minor: number; disk: string; quorum: boolean }[];
      connections: {
        peer: string;
        cstate: string;
        peerRole: string;
        peerDevices: { peerDisk: string; replication: string }[];
      }[];
    }
  >
>;

/** lab.state()'s DRBD view: node → resource → state. */
export function drbdState(lab: Lab): DrbdState {
  return (lab.state().subsystems as Record<string, unknown>).drbd as DrbdState;
}
