import { prepareLab } from "../lab/context";
import { ensureGraderScenarios } from "../lab/scenarios";
import type { CheckOutcome } from "../types";
import type { ConfigCtx } from "./context";

const DELIM = "EOF_DRBD_CONFIG";

/**
 * Apply the submitted files in a running lab ("tp1.synced": node1 Primary, node2 Secondary, in
 * sync) the way an administrator would — write them on both nodes, `drbdadm adjust r0` on each,
 * give DRBD time to reconnect — then read what the kernel runs (`drbdsetup show r0`) and the
 * connection state. Used where a config's effect is observable (ex1.2: the port).
 */
export async function applyInLab(
  ctx: ConfigCtx,
  nodes: readonly string[],
  inspect: (show: string, connected: boolean) => CheckOutcome,
): Promise<CheckOutcome> {
  const writes: string[] = [];
  for (const [path, text] of Object.entries(ctx.edited)) {
    if (text.split("\n").includes(DELIM))
      return { passed: false, detail: `le fichier contient une ligne « ${DELIM} ».` };
    const body = text.endsWith("\n") ? text : `${text}\n`;
    for (const n of nodes) writes.push(`${n}$ cat > ${path} <<'${DELIM}'\n${body}${DELIM}`);
  }
  const script = [...writes, ...nodes.map((n) => `${n}$ drbdadm adjust r0`), "wait 15s", ""].join("\n");
  ensureGraderScenarios();
  const lab = await prepareLab("tp1.synced", script);
  if (!lab.valid) return { passed: false, detail: lab.reason };
  const adjust = lab.ctx.commands.filter((c) => /drbdadm adjust/.test(c.input));
  const failed = adjust.find((c) => c.exitCode !== 0);
  if (failed)
    return { passed: false, detail: `« drbdadm adjust r0 » échoue sur ${failed.target} (code ${failed.exitCode}).` };
  const [first, second] = nodes as [string, string];
  const conn = lab.ctx.drbd(first)?.connections.find((c) => c.peer === second);
  const show = await lab.ctx.lab.exec({ machine: first, session: "grader" }, "drbdsetup show r0");
  return inspect(show.stdout, conn?.cstate === "Connected" && conn.peerDevices[0]?.replication === "Established");
}

/** The path DRBD runs (`_this_host ipv4 A:P; _remote_host ipv4 B:Q;`) from `drbdsetup show`. */
export function runningPath(show: string): { local?: string; remote?: string } {
  const local = /_this_host\s+\w+\s+([^;\s]+);/.exec(show)?.[1];
  const remote = /_remote_host\s+\w+\s+([^;\s]+);/.exec(show)?.[1];
  return { ...(local ? { local } : {}), ...(remote ? { remote } : {}) };
}
