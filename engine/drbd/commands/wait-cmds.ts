/**
 * `drbdsetup wait-connect-{volume,connection,resource}` and `wait-sync-*` (drbd-utils
 * user/v9/drbdsetup.c generic_events_cmd, choose_timeout, wait_for_family, update_timeouts), and
 * drbdadm's wait-connect / wait-sync (drbdadm_main.c adm_wait_c: the startup section's options).
 *
 * They block in virtual time. The wait ends (exit 0) when every peer device in scope is
 * connected (wait-connect: replication Established or beyond; wait-sync: Established), or when a
 * connection in scope goes StandAlone (unless --wait-after-sb); exit 5 when every peer device's
 * timeout expired; Ctrl-C (130) or an enclosing `timeout` (143) stop it. A resource without
 * peer devices (or not up) is not waited for: exit 0 at once.
 */
import { spendTime } from "../../shell/commands/time";
import { labWorld } from "../../shell/commands/util";
import type { CommandContext, ExecResult } from "../../world/types";
import type { DrbdKernel } from "../kernel";
import type { Connection, Resource } from "../objects";

export const WAIT_COMMANDS = [
  "wait-connect-volume",
  "wait-connect-connection",
  "wait-connect-resource",
  "wait-sync-volume",
  "wait-sync-connection",
  "wait-sync-resource",
] as const;

/** DRBD_*_WFC_TIMEOUT_MIN/MAX (drbd_limits.h): 0 (wait forever) to 300000 seconds. */
const TIMEOUT_MAX = 300000;

interface WaitOpts {
  wfc: number;
  degr: number;
  outdated: number;
  waitAfterSb: boolean;
}

function parseWaitArgs(args: string[]): { pos: string[]; o: WaitOpts } | string {
  const o: WaitOpts = { wfc: 0, degr: 0, outdated: 0, waitAfterSb: false };
  const pos: string[] = [];
  const names: Record<string, "wfc" | "degr" | "outdated"> = {
    "--wfc-timeout": "wfc",
    "-t": "wfc",
    "--degr-wfc-timeout": "degr",
    "-d": "degr",
    "--outdated-wfc-timeout": "outdated",
    "-o": "outdated",
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const eq = a.indexOf("=");
    const key = eq > 0 ? a.slice(0, eq) : a;
    const field = names[key];
    if (field) {
      const v = eq > 0 ? a.slice(eq + 1) : args[++i];
      const n = Number(v);
      const label = { wfc: "wfc_timeout", degr: "degr_wfc_timeout", outdated: "outdated_wfc_timeout" }[field];
      if (v === undefined || !/^\d+$/.test(v) || n > TIMEOUT_MAX)
        return `${label} => ${Number.isFinite(n) ? n : 0} out of range [0..${TIMEOUT_MAX}]\n`;
      o[field] = n;
    } else if (a === "--wait-after-sb" || a === "-w" || a === "--wait-after-sb=yes") o.waitAfterSb = true;
    else if (a === "--wait-after-sb=no") o.waitAfterSb = false;
    else pos.push(a);
  }
  return { pos, o };
}

interface PeerDev {
  conn: Connection;
  vnr: number;
  /** ms left, -1: forever, 0: expired */
  timeoutMs: number;
}

/** choose_timeout(): the degr/outdated fix-ups (printed for each peer device) and the type's timeout. */
function chooseTimeout(o: WaitOpts, res: Resource, conn: Connection, vnr: number): { stderr: string; timeout: number } {
  let stderr = "";
  if (o.wfc > 0 && (o.wfc < o.degr || o.degr === 0)) {
    o.degr = o.wfc;
    stderr += `degr-wfc-timeout has to be shorter than wfc-timeout\ndegr-wfc-timeout implicitly set to wfc-timeout (${o.degr}s)\n`;
  }
  if (o.degr > 0 && (o.degr < o.outdated || o.outdated === 0)) {
    // drbdsetup sets it to wfc-timeout, and says degr-wfc-timeout
    o.outdated = o.wfc;
    stderr += `outdated-wfc-timeout has to be shorter than degr-wfc-timeout\noutdated-wfc-timeout implicitly set to degr-wfc-timeout (${o.degr}s)\n`;
  }
  // K9 drbd_adm_get_timeout_type
  const pd = conn.peerDevices.get(vnr);
  const dev = res.devices.get(vnr);
  const timeout = pd?.peerDisk === "Outdated" ? o.outdated : dev?.useDegrWfc?.has(conn.peerNodeId) ? o.degr : o.wfc;
  return { stderr, timeout };
}

/** `drbdsetup wait-{connect,sync}-{volume,connection,resource} RES [PEER_ID [VNR]] [options]` */
export async function drbdsetupWait(
  k: DrbdKernel,
  ctx: CommandContext,
  cmd: string,
  argv: string[],
): Promise<ExecResult> {
  const node = ctx.node;
  if (!node) return { stdout: "", stderr: "", exitCode: 20 };
  const parsed = parseWaitArgs(argv);
  if (typeof parsed === "string") return { stdout: "", stderr: parsed, exitCode: 20 };
  const { pos, o } = parsed;
  const scope = cmd.endsWith("-volume") ? "volume" : cmd.endsWith("-connection") ? "connection" : "resource";
  const need = scope === "volume" ? 3 : scope === "connection" ? 2 : 1;
  if (pos.length < need)
    return {
      stdout: "",
      stderr: `USAGE: drbdsetup ${cmd} ${["{resource}", "{peer_node_id}", "{volume}"].slice(0, need).join(" ")} [options]\n`,
      exitCode: 20,
    };
  const [name, peerArg, volArg] = pos;
  const res = [...k.resources(node).values()].find((r) => r.name === name && k.alive(r));
  // list_peer_devices(): nothing to wait for
  if (!res) return { stdout: "", stderr: "", exitCode: 0 };
  const all: PeerDev[] = [];
  let stderr = "";
  for (const conn of res.connections.values())
    for (const vnr of conn.peerDevices.keys()) {
      const t = chooseTimeout(o, res, conn, vnr);
      stderr += t.stderr;
      all.push({ conn, vnr, timeoutMs: t.timeout ? t.timeout * 1000 : -1 });
    }
  if (!all.length) return { stdout: "", stderr, exitCode: 0 };
  const inScope = (conn: Connection, vnr?: number) =>
    (scope === "resource" || String(conn.peerNodeId) === peerArg) &&
    (scope !== "volume" || vnr === undefined || String(vnr) === volArg);
  const sync = cmd.startsWith("wait-sync");
  const clock = labWorld(ctx).clock;
  let last = clock.now;
  let result: number | null = null;
  const check = (): boolean => {
    const elapsed = Math.floor((clock.now - last) / 1000);
    last = clock.now;
    // update_timeouts(): exit 5 once every peer device of the resource expired
    let allExpired = true;
    for (const p of all) {
      if (p.timeoutMs !== -1) p.timeoutMs = Math.max(0, p.timeoutMs - elapsed);
      if (p.timeoutMs !== 0) allExpired = false;
    }
    if (allExpired) {
      result = 5;
      return true;
    }
    // a connection in scope that went StandAlone ends the wait (not with --wait-after-sb)
    if (!o.waitAfterSb)
      for (const c of res.connections.values())
        if (inScope(c) && (c.cstate === "StandAlone" || c.cstate === "Disconnecting")) {
          result = 0;
          return true;
        }
    const mine = all.filter((p) => inScope(p.conn, p.vnr));
    const done = mine.every((p) => {
      const repl = p.conn.peerDevices.get(p.vnr)?.repl ?? "Off";
      return repl === "Established" || (!sync && repl !== "Off") || p.timeoutMs === 0;
    });
    if (done) result = 0;
    return done;
  };
  const code = await spendTime(ctx, Number.POSITIVE_INFINITY, check);
  return { stdout: "", stderr, exitCode: code ?? result ?? 0 };
}

/** adm_wait_c: the drbdsetup line drbdadm runs for a target (resource, connection or volume). */
export function waitLine(
  cmd: "wait-connect" | "wait-sync",
  res: string,
  startup: Record<string, unknown>,
  peerId?: number,
  vnr?: number,
): string {
  let line =
    peerId !== undefined && vnr !== undefined
      ? `drbdsetup ${cmd}-volume ${res} ${peerId} ${vnr}`
      : peerId !== undefined
        ? `drbdsetup ${cmd}-connection ${res} ${peerId}`
        : `drbdsetup ${cmd}-resource ${res}`;
  for (const [k, v] of Object.entries(startup))
    if (["wfc-timeout", "degr-wfc-timeout", "outdated-wfc-timeout", "wait-after-sb"].includes(k))
      line += ` --${k}=${typeof v === "boolean" ? (v ? "yes" : "no") : String(v)}`;
  return line;
}
