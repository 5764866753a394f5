import { parseLabScript } from "../../engine/index";
import { type LabCtx, type LabObserver, prepareLab, type ReplayStep } from "../lab/context";
import { ensureGraderScenarios } from "../lab/scenarios";
import type { CheckOutcome } from "../types";
import type { ConfigCtx } from "./context";

const DELIM = "EOF_DRBD_CONFIG";

export interface ApplyOptions {
  /** Lab to apply the files in. */
  scenario: string;
  nodes: readonly string[];
  /**
   * "adjust": the resource runs already, `drbdadm adjust` on every node (ex1.2);
   * "init": fresh disks, `create-md` + `up` everywhere, `primary --force` on the first node,
   * then time for the initial sync (ex9.1, ex9.2, ex9.4).
   */
  mode: "adjust" | "init";
  /** The resource the mode's commands act on (default r0). */
  resource?: string;
  /** Lab-script lines run once the files are written, before the mode's commands (e.g. start r0). */
  before?: string;
  /** Lab-script lines run once the configuration is in place (e.g. provoke a split brain). */
  afterwards?: string;
}

/** A lab where the submitted files were applied; `failure`: the first setup command the lab refused. */
export interface AppliedLab {
  lab: LabCtx | null;
  failure: string | null;
}

/** The lines of a command's error output that say what went wrong (drbdadm, drbdmeta, drbdsetup). */
export function errorExcerpt(out: string): string {
  const lines = out
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const telling = lines.filter((l) => /fail|error|refus|cancel|already|no such|not |cannot|invalid|conflict/i.test(l));
  return (telling.length > 0 ? telling : lines).slice(0, 3).join(" … ");
}

/** Write the submitted files on every node, run the mode's commands, and report what the lab said. */
export async function runInLab(ctx: ConfigCtx, opts: ApplyOptions): Promise<AppliedLab> {
  const res = opts.resource ?? "r0";
  const lines: string[] = [];
  for (const [path, text] of Object.entries(ctx.edited)) {
    if (text.split("\n").includes(DELIM)) return { lab: null, failure: `le fichier contient une ligne « ${DELIM} ».` };
    const body = text.endsWith("\n") ? text : `${text}\n`;
    for (const n of opts.nodes) lines.push(`${n}$ cat > ${path} <<'${DELIM}'\n${body}${DELIM}`);
  }
  if (opts.before) lines.push(opts.before.replace(/\n$/, ""));
  if (opts.mode === "adjust") {
    for (const n of opts.nodes) lines.push(`${n}$ drbdadm adjust ${res}`);
    lines.push("wait 15s");
  } else {
    for (const n of opts.nodes) lines.push(`${n}$ drbdadm create-md ${res}`, `${n}$ drbdadm up ${res}`);
    lines.push(`${opts.nodes[0]}$ drbdadm primary --force ${res}`, "wait 40s");
  }
  const script = `${lines.join("\n")}\n`;
  const setupSteps = parseLabScript(script).steps.length;
  ensureGraderScenarios();
  const steps: ReplayStep[] = [];
  const recorder: LabObserver<ReplayStep[]> = {
    step: (_lab, st) => {
      if (st) steps.push(st);
    },
    result: () => steps,
  };
  const lab = await prepareLab(opts.scenario, `${script}${opts.afterwards ?? ""}`, recorder);
  if (!lab.valid) return { lab: null, failure: lab.reason };
  const failed = steps.find((st) => st.index < setupSteps && /^drbdadm /.test(st.input) && st.exitCode !== 0);
  if (!failed) return { lab: lab.ctx, failure: null };
  const said = errorExcerpt(`${failed.stdout}\n${failed.stderr}`);
  return {
    lab: lab.ctx,
    failure: `« ${failed.input} » échoue sur ${failed.target} (code ${failed.exitCode})${said ? ` ; le lab répond : « ${said} »` : ""}.`,
  };
}

/**
 * Apply the submitted files in a lab the way an administrator would — write them on every
 * node, then bring DRBD to that configuration — and let `inspect` look at what the kernel runs
 * (`lab.drbd()`, `drbdsetup show r0` through `lab.lab.exec`). Used where a config's effect is
 * observable in the simulator.
 */
export async function applyInLab(
  ctx: ConfigCtx,
  opts: ApplyOptions,
  inspect: (lab: LabCtx) => CheckOutcome | Promise<CheckOutcome>,
): Promise<CheckOutcome> {
  const applied = await runInLab(ctx, opts);
  if (applied.failure || !applied.lab) return { passed: false, detail: applied.failure ?? "" };
  return inspect(applied.lab);
}

/** `drbdsetup show RES` on a node, run after the replay in a terminal of its own. */
export async function drbdsetupShow(lab: LabCtx, node: string, resource = "r0"): Promise<string> {
  return (await lab.lab.exec({ machine: node, session: "grader" }, `drbdsetup show ${resource}`)).stdout;
}

/** The path DRBD runs (`_this_host ipv4 A:P; _remote_host ipv4 B:Q;`) from `drbdsetup show`. */
export function runningPath(show: string): { local?: string; remote?: string } {
  const local = /_this_host\s+\w+\s+([^;\s]+);/.exec(show)?.[1];
  const remote = /_remote_host\s+\w+\s+([^;\s]+);/.exec(show)?.[1];
  return { ...(local ? { local } : {}), ...(remote ? { remote } : {}) };
}

/** Protocol per peer name in `drbdsetup show` (C when the connection shows none: the default). */
export function runningProtocols(show: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const block of show.split(/\n\s*connection \{/).slice(1)) {
    const name = /_name\s+"([^"]+)"/.exec(block)?.[1];
    if (name) out[name] = /\bprotocol\s+([ABC]);/.exec(block)?.[1] ?? "C";
  }
  return out;
}

/** Every other node is connected to `node` and UpToDate, replication idle. */
export function allInSync(lab: LabCtx, node: string, peers: readonly string[], resource = "r0"): CheckOutcome {
  const bad: string[] = [];
  for (const p of peers) {
    const c = lab.drbd(node, resource)?.connections.find((x) => x.peer === p);
    const pd = c?.peerDevices[0];
    if (c?.cstate !== "Connected") bad.push(`${node} → ${p} : ${c ? c.cstate : "pas de connexion"}`);
    else if (pd?.replication !== "Established" || pd.peerDisk !== "UpToDate")
      bad.push(`${node} → ${p} : ${pd?.replication ?? "?"}, ${pd?.peerDisk ?? "?"}`);
  }
  return bad.length === 0 ? { passed: true } : { passed: false, detail: `${bad.join(" ; ")}.` };
}
