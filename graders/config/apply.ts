import { type LabCtx, prepareLab } from "../lab/context";
import { ensureGraderScenarios } from "../lab/scenarios";
import type { CheckOutcome } from "../types";
import type { ConfigCtx } from "./context";

const DELIM = "EOF_DRBD_CONFIG";

export interface ApplyOptions {
  /** Lab to apply the files in. */
  scenario: string;
  nodes: readonly string[];
  /**
   * "adjust": the resource runs already, `drbdadm adjust r0` on every node (ex1.2);
   * "init": fresh disks, `create-md` + `up` everywhere, `primary --force` on the first node,
   * then time for the initial sync (ex9.2, ex9.4).
   */
  mode: "adjust" | "init";
  /** Lab-script lines run once the configuration is in place (e.g. provoke a split brain). */
  afterwards?: string;
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
  const lines: string[] = [];
  for (const [path, text] of Object.entries(ctx.edited)) {
    if (text.split("\n").includes(DELIM))
      return { passed: false, detail: `le fichier contient une ligne « ${DELIM} ».` };
    const body = text.endsWith("\n") ? text : `${text}\n`;
    for (const n of opts.nodes) lines.push(`${n}$ cat > ${path} <<'${DELIM}'\n${body}${DELIM}`);
  }
  if (opts.mode === "adjust") {
    for (const n of opts.nodes) lines.push(`${n}$ drbdadm adjust r0`);
    lines.push("wait 15s");
  } else {
    for (const n of opts.nodes) lines.push(`${n}$ drbdadm create-md r0`, `${n}$ drbdadm up r0`);
    lines.push(`${opts.nodes[0]}$ drbdadm primary --force r0`, "wait 40s");
  }
  const setupCount = lines.filter((l) => /^\S+\$ /.test(l)).length;
  ensureGraderScenarios();
  const lab = await prepareLab(opts.scenario, `${lines.join("\n")}\n${opts.afterwards ?? ""}`);
  if (!lab.valid) return { passed: false, detail: lab.reason };
  const failed = lab.ctx.commands.slice(0, setupCount).find((c) => /^drbdadm /.test(c.input) && c.exitCode !== 0);
  if (failed)
    return { passed: false, detail: `« ${failed.input} » échoue sur ${failed.target} (code ${failed.exitCode}).` };
  return inspect(lab.ctx);
}

/** `drbdsetup show r0` on a node, run after the replay in a terminal of its own. */
export async function drbdsetupShow(lab: LabCtx, node: string): Promise<string> {
  return (await lab.lab.exec({ machine: node, session: "grader" }, "drbdsetup show r0")).stdout;
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
export function allInSync(lab: LabCtx, node: string, peers: readonly string[]): CheckOutcome {
  const bad: string[] = [];
  for (const p of peers) {
    const c = lab.drbd(node)?.connections.find((x) => x.peer === p);
    const pd = c?.peerDevices[0];
    if (!c || c.cstate !== "Connected") bad.push(`${node} → ${p} : ${c ? c.cstate : "pas de connexion"}`);
    else if (pd?.replication !== "Established" || pd.peerDisk !== "UpToDate")
      bad.push(`${node} → ${p} : ${pd?.replication ?? "?"}, ${pd?.peerDisk ?? "?"}`);
  }
  return bad.length === 0 ? { passed: true } : { passed: false, detail: `${bad.join(" ; ")}.` };
}
