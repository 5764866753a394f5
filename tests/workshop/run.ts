/** Runs a solution lab script step by step, keeping every command's result for assertions. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLab, type Lab, type LabExecResult } from "../../engine/lab";
import { parseLabScript } from "../../engine/lab-script";

export const SOLUTIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../content/solutions");

export interface StepResult extends LabExecResult {
  target: string;
  command: string;
}

export interface SolutionRun {
  lab: Lab;
  steps: StepResult[];
  /** Results of the steps whose command line matches. */
  find(re: RegExp): StepResult[];
}

export async function runSolution(file: string, seed = 1): Promise<SolutionRun> {
  const parsed = parseLabScript(readFileSync(join(SOLUTIONS_DIR, file), "utf8"));
  if (parsed.errors.length > 0) throw new Error(parsed.errors.join("\n"));
  const lab = await createLab({ scenario: parsed.scenario ?? "fresh", seed: parsed.seed ?? seed });
  const steps: StepResult[] = [];
  for (const s of parsed.steps) {
    if (s.kind === "wait") await lab.advance(s.ms);
    else steps.push({ ...(await lab.exec(s.target, s.command)), target: s.target, command: s.command });
  }
  return { lab, steps, find: (re) => steps.filter((s) => re.test(s.command)) };
}

/** The DRBD view of one resource on one node from lab.state(). */
export function drbdRes(lab: Lab, node: string, res = "r0"): DrbdResState {
  const drbd = (lab.state().subsystems as { drbd: Record<string, Record<string, DrbdResState>> }).drbd;
  const r = drbd[node]?.[res];
  if (!r) throw new Error(`no ${res} on ${node}`);
  return r;
}

export interface DrbdResState {
  role: string;
  devices: { disk: string; open: boolean }[];
  connections: {
    peer: string;
    cstate: string;
    peerRole: string;
    peerDevices: { peerDisk: string; replication: string; outOfSyncKiB: number }[];
  }[];
}

/** "515 MB/s" from benchmark.sh's summary. */
export function throughput(out: string): number {
  const m = /Throughput\s*:\s*([\d.]+) MB\/s/.exec(out);
  if (!m) throw new Error(`no throughput in:\n${out}`);
  return Number(m[1]);
}

export function latencyAvg(out: string): number {
  const m = /Latency \(avg\)\s*:\s*([\d.]+) ms/.exec(out);
  if (!m) throw new Error(`no latency in:\n${out}`);
  return Number(m[1]);
}
