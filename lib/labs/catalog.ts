import { readFileSync } from "node:fs";
import path from "node:path";
import { getScenario, listScenarios, registerScenario } from "@/engine/index";
import { getExercise } from "@/graders";
import { ensureGraderScenarios } from "@/graders/lab/scenarios";

/** The labs a chapter can embed (`<Lab id>`), in course order. */
export const LAB_IDS = ["tp1", "tp2", "tp3", "tp4", "tp5", "ex9.1", "ex9.2", "ex9.3", "ex9.4"] as const;
export type LabId = (typeof LAB_IDS)[number];

export function isLabId(id: string): id is LabId {
  return (LAB_IDS as readonly string[]).includes(id);
}

export interface LabSpec {
  id: LabId;
  /** Where "Réinitialiser" starts: the grader's start scenario, so what is graded is what is typed. */
  startScenario: string;
  /** "Repartir de la fin du TP précédent": the previous TP's reference solution replayed. */
  previousScenario?: string;
}

const SOLUTIONS_DIR = path.join(process.cwd(), "content", "solutions");

/** `tpN.done` = fresh lab + content/solutions/tpN.lab (tp1.done comes from the graders). */
function ensureDoneScenario(tp: string): string | undefined {
  const id = `${tp}.done`;
  if (listScenarios().some((s) => s.id === id)) return id;
  let script: string;
  try {
    script = readFileSync(path.join(SOLUTIONS_DIR, `${tp}.lab`), "utf8");
  } catch {
    return undefined; // no reference solution for that TP: the option is not offered
  }
  const base = /^#\s*scenario:\s*(\S+)/m.exec(script)?.[1] ?? "fresh";
  registerScenario({
    id,
    topology: getScenario(base).topology,
    ...(base !== "fresh" ? { base } : {}),
    script,
    description: `${tp.toUpperCase()} terminé (solution de référence rejouée).`,
  });
  return id;
}

let ready = false;
function ensureScenarios(): void {
  if (ready) return;
  ensureGraderScenarios();
  ready = true;
}

export function labSpec(id: LabId): LabSpec {
  ensureScenarios();
  const tp = /^tp(\d)$/.exec(id);
  if (!tp) return { id, startScenario: id }; // ex9.x: the engine's chapter 9 scenarios
  const startScenario = getExercise(id)?.startScenario ?? "fresh";
  const n = Number(tp[1]);
  const previousScenario = n > 1 ? ensureDoneScenario(`tp${n - 1}`) : undefined;
  return { id, startScenario, ...(previousScenario ? { previousScenario } : {}) };
}

/** Registers what a stored session's scenario needs before a replay (after a restart). */
export function ensureScenario(id: string): void {
  ensureScenarios();
  const done = /^(tp\d)\.done$/.exec(id);
  if (done) ensureDoneScenario(done[1] as string);
}
