/**
 * Output of `pcs status`, `crm_mon -1` and `pcs resource status`, in the layout of
 * Pacemaker 2.1's crm_mon ("Cluster Summary", "Node List", "Full List of Resources" with
 * `* Clone Set: drbd_r0-clone [drbd_r0] (promotable):`) and pcs 0.10's wrapper around it.
 */
import { wallClockMs } from "../../core/time";
import { type Cib, cloneOf, type FailedAction, metaInt, PACEMAKER_VERSION } from "./model";
import type { Placement } from "./scheduler";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ctime(3) format, as crm_mon prints it: "Mon Jan 15 14:32:10 2024". */
export function ctime(us: number): string {
  const d = new Date(wallClockMs(us));
  const p = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export interface View {
  /** The node running the command. */
  self: string;
  /** Members of its partition (nodes whose cluster stack it sees). */
  members: string[];
  dc: string | null;
  quorate: boolean;
  nowUs: number;
  actual: Placement;
  failures: FailedAction[];
  /** Nodes whose corosync/pacemaker are enabled at boot. */
  enabled: boolean;
}

export function instanceCount(cib: Cib): number {
  let n = cib.primitives.filter((p) => !cloneOf(cib, p.id)).length;
  for (const c of cib.clones) n += metaInt(c.meta, ["clone-max"], cib.nodes.length);
  return n;
}

function summary(cib: Cib, v: View, pcsWrapper: boolean): string {
  const stack = pcsWrapper ? "corosync (Pacemaker is running)" : "corosync";
  const dc = v.dc
    ? `${v.dc} (version ${PACEMAKER_VERSION}) - ${v.quorate ? "partition with quorum" : "partition WITHOUT quorum"}`
    : "NONE";
  return (
    "Cluster Summary:\n" +
    `  * Stack: ${stack}\n` +
    `  * Current DC: ${dc}\n` +
    `  * Last updated: ${ctime(v.nowUs)} on ${v.self}\n` +
    `  * Last change:  ${ctime(cib.lastChange.us)} by root via ${cib.lastChange.via} on ${cib.lastChange.node}\n` +
    `  * ${cib.nodes.length} nodes configured\n` +
    `  * ${instanceCount(cib)} resource instance${instanceCount(cib) === 1 ? "" : "s"} configured\n`
  );
}

function nodeList(cib: Cib, v: View): string {
  const lines: string[] = [];
  const online = cib.nodes.filter((n) => v.members.includes(n) && !cib.standby.includes(n));
  for (const n of cib.nodes.filter((x) => v.members.includes(x) && cib.standby.includes(x))) {
    const active =
      Object.values(v.actual.primitives).includes(n) ||
      Object.values(v.actual.clones).some((c) => c.running.includes(n));
    lines.push(`  * Node ${n}: standby${active ? " (with active resources)" : ""}`);
  }
  if (online.length) lines.push(`  * Online: [ ${online.join(" ")} ]`);
  const offline = cib.nodes.filter((n) => !v.members.includes(n));
  if (offline.length) lines.push(`  * OFFLINE: [ ${offline.join(" ")} ]`);
  return `Node List:\n${lines.join("\n")}\n`;
}

/** The resource lines (also `pcs resource status`). `full`: show stopped resources too. */
export function resourceLines(cib: Cib, v: View, full: boolean): string[] {
  const lines: string[] = [];
  for (const p of cib.primitives) {
    const clone = cloneOf(cib, p.id);
    if (clone) {
      const a = v.actual.clones[p.id] ?? { running: [], promoted: [] };
      const running = cib.nodes.filter((n) => a.running.includes(n));
      if (!full && running.length === 0) continue;
      lines.push(`  * Clone Set: ${clone.id} [${p.id}]${clone.promotable ? " (promotable)" : ""}:`);
      const promoted = running.filter((n) => a.promoted.includes(n));
      const rest = running.filter((n) => !a.promoted.includes(n));
      if (clone.promotable) {
        if (promoted.length) lines.push(`    * Promoted: [ ${promoted.join(" ")} ]`);
        if (rest.length) lines.push(`    * Unpromoted: [ ${rest.join(" ")} ]`);
      } else if (running.length) lines.push(`    * Started: [ ${running.join(" ")} ]`);
      const stopped = cib.nodes.filter((n) => !running.includes(n));
      if (full && stopped.length) lines.push(`    * Stopped: [ ${stopped.join(" ")} ]`);
      continue;
    }
    const on = v.actual.primitives[p.id];
    const all = v.actual.active?.[p.id] ?? [];
    if (!on && !full) continue;
    const where = all.length > 1 ? `Started [ ${all.join(" ")} ]` : on ? `Started ${on}` : "Stopped";
    lines.push(`  * ${p.id}\t(${p.agent}):\t ${where}`);
  }
  return lines;
}

function failedActions(v: View): string {
  if (v.failures.length === 0) return "";
  const lines = v.failures.map(
    (f) =>
      `  * ${f.rsc}_${f.op}_0 on ${f.node} '${f.rc === 1 ? "error" : f.rc === 5 ? "not installed" : "error"}' (${f.rc}): call=${20 + v.failures.indexOf(f)}, status='complete', exitreason='${f.reason}', last-rc-change='${ctime(f.atUs)}', queued=0ms, exec=${f.op === "start" ? 38 : 12}ms`,
  );
  return `\nFailed Resource Actions:\n${lines.join("\n")}\n`;
}

function resourcesBlock(cib: Cib, v: View, full: boolean): string {
  const title = full ? "Full List of Resources:" : "Active Resources:";
  const lines = resourceLines(cib, v, full);
  return `${title}\n${lines.length ? lines.join("\n") : "  * No resources"}\n`;
}

/** crm_mon -1 (`full`: -r, as `crm status` and `pcs status` show it). */
export function crmMon(cib: Cib, v: View, full: boolean, pcsWrapper = false): string {
  return `${summary(cib, v, pcsWrapper)}\n${nodeList(cib, v)}\n${resourcesBlock(cib, v, full)}${failedActions(v)}`;
}

export function stonithWarning(cib: Cib): boolean {
  return cib.properties["stonith-enabled"] !== "false";
}

export function pcsStatus(cib: Cib, v: View): string {
  const warn = stonithWarning(cib) ? "\nWARNINGS:\nNo stonith devices and stonith-enabled is not false\n" : "";
  const en = v.enabled ? "enabled" : "disabled";
  return (
    `Cluster name: ${cib.clusterName}\n${warn}\n` +
    crmMon(cib, v, true, true) +
    `\nDaemon Status:\n  corosync: active/${en}\n  pacemaker: active/${en}\n  pcsd: active/enabled\n`
  );
}
