/**
 * What drbdadm runs for each subcommand: a list of drbdsetup/drbdmeta calls (the lines
 * `drbdadm -d` prints), each executed against the simulated kernel. A failing call prints
 * drbdsetup's error (`r0: State change failed: (-2) Need access to UpToDate data`) and
 * drbdadm's `Command '…' terminated with exit code N`, and stops the list (U9 drbdadm_main.c).
 */

import type { ResConf } from "../conf";
import type { ResolvedResource } from "../config";
import type { DrbdKernel } from "../kernel";
import type { Resource } from "../objects";
import type { OpResult } from "../ops-lifecycle";
import { exitCodeForStateError, FAILURE_EXIT, FAILURES, stateErrorText } from "../strings";

export interface Out {
  stdout: string;
  stderr: string;
  exit: number;
}

export interface Step {
  /** The command line as drbdadm runs it (printed by -d and in "Command '…' terminated"). */
  line: string;
  /** Object name drbdsetup prefixes its errors with: resource name, or minor for device commands. */
  obj: string;
  /** drbd_cfg_stage of a scheduled call (`up`): steps of several resources run stage by stage. */
  stage?: number;
  run: () => OpResult | RawResult | Promise<OpResult | RawResult>;
}

/** A call that prints its own output (drbdmeta, status...). */
export interface RawResult {
  raw: true;
  stdout?: string;
  stderr?: string;
  exit: number;
  /** drbdadm does not print "Command … terminated" for this failure. */
  quiet?: boolean;
}

export function raw(exit: number, stdout = "", stderr = "", quiet = false): RawResult {
  return { raw: true, stdout, stderr, exit, quiet };
}

export function reportOp(step: Step, r: OpResult, out: Out): boolean {
  if (r.ok) return true;
  let exit: number;
  if (r.kind === "state") {
    out.stderr += `${step.obj}: State change failed: (${r.code}) ${stateErrorText(r.code)}\n`;
    exit = exitCodeForStateError(r.code);
  } else {
    out.stderr += `${step.obj}: Failure: (${r.code}) ${FAILURES[r.code]}\n`;
    exit = FAILURE_EXIT;
  }
  if (r.info?.length) out.stderr += `additional info from kernel:\n${r.info.join("\n")}\n`;
  if (exit >= 10) out.stderr += `Command '${step.line}' terminated with exit code ${exit}\n`;
  out.exit = Math.max(out.exit, exit);
  return false;
}

/** Run the steps in order; stop at the first failure. */
export async function runSteps(steps: Step[], out: Out, dryRun: boolean): Promise<boolean> {
  for (const s of steps) {
    if (dryRun) {
      if (s.line) out.stdout += `${s.line}\n`;
      continue;
    }
    const r = await s.run();
    if ("raw" in r) {
      out.stdout += r.stdout ?? "";
      out.stderr += r.stderr ?? "";
      if (r.exit !== 0) {
        if (r.exit >= 10 && !r.quiet) out.stderr += `Command '${s.line}' terminated with exit code ${r.exit}\n`;
        out.exit = Math.max(out.exit, r.exit);
        return false;
      }
      continue;
    }
    if (!reportOp(s, r, out)) return false;
  }
  return true;
}

/** Net options as drbdadm passes them to new-peer/net-options (only those set in the config). */
export function netArgs(resolved: ResolvedResource, peer: string): string {
  const p = resolved.peers.find((x) => x.name === peer);
  if (!p) return "";
  const args = Object.entries(p.net)
    .filter(([k]) => k !== "fencing" || true)
    .map(([k, v]) => `--${k}=${typeof v === "boolean" ? (v ? "yes" : "no") : v}`);
  return [`--_name=${peer}`, ...args].join(" ");
}

export function diskArgs(resolved: ResolvedResource, vnr: number): string {
  const v = resolved.volumes.find((x) => x.vnr === vnr);
  if (!v) return "";
  return Object.entries(v.disk_options)
    .map(([k, val]) => ` --${k}=${typeof val === "boolean" ? (val ? "yes" : "no") : val}`)
    .join("");
}

export function peerIdOf(conf: ResConf, peer: string): number {
  return conf.peers.find((p) => p.host === peer)?.nodeId ?? -1;
}

export type { DrbdKernel, Resource };
