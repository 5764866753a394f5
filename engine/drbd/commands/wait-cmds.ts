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

/**
 * One waiting drbdsetup: either done at once (`done`), or a `check` to call as virtual time
 * passes, which gives the exit status once the wait is over (null while it goes on).
 */
export type Waiter = { done: ExecResult } | { stderr: string; check: () => number | null };

/** `drbdsetup wait-{connect,sync}-{volume,connection,resource} RES [PEER_ID [VNR]] [options]`, set up. */
export function makeWaiter(k: DrbdKernel, ctx: CommandContext, cmd: string, argv: string[]): Waiter {
  const node = ctx.node;
  if (!node) return { done: { stdout: "", stderr: "", exitCode: 20 } };
  const parsed = parseWaitArgs(argv);
  if (typeof parsed === "string") return { done: { stdout: "", stderr: parsed, exitCode: 20 } };
  const { pos, o } = parsed;
  const scope = cmd.endsWith("-volume") ? "volume" : cmd.endsWith("-connection") ? "connection" : "resource";
  const need = scope === "volume" ? 3 : scope === "connection" ? 2 : 1;
  if (pos.length < need)
    return {
      done: {
        stdout: "",
        stderr: `USAGE: drbdsetup ${cmd} ${["{resource}", "{peer_node_id}", "{volume}"].slice(0, need).join(" ")} [options]\n`,
        exitCode: 20,
      },
    };
  const [name, peerArg, volArg] = pos;
  const res = [...k.resources(node).values()].find((r) => r.name === name && k.alive(r));
  // list_peer_devices(): nothing to wait for
  if (!res) return { done: { stdout: "", stderr: "", exitCode: 0 } };
  const all: PeerDev[] = [];
  let stderr = "";
  for (const conn of res.connections.values())
    for (const vnr of conn.peerDevices.keys()) {
      const t = chooseTimeout(o, res, conn, vnr);
      stderr += t.stderr;
      all.push({ conn, vnr, timeoutMs: t.timeout ? t.timeout * 1000 : -1 });
    }
  if (!all.length) return { done: { stdout: "", stderr, exitCode: 0 } };
  const inScope = (conn: Connection, vnr?: number) =>
    (scope === "resource" || String(conn.peerNodeId) === peerArg) &&
    (scope !== "volume" || vnr === undefined || String(vnr) === volArg);
  const sync = cmd.startsWith("wait-sync");
  const clock = labWorld(ctx).clock;
  let last = clock.now;
  const seen = new Map<Connection, string>();
  const w = { stderr, check: (): number | null => null };
  w.check = (): number | null => {
    const elapsed = Math.floor((clock.now - last) / 1000);
    last = clock.now;
    // update_timeouts(): exit 5 once every peer device of the resource expired
    let allExpired = true;
    for (const p of all) {
      if (p.timeoutMs !== -1) p.timeoutMs = Math.max(0, p.timeoutMs - elapsed);
      if (p.timeoutMs !== 0) allExpired = false;
    }
    if (allExpired) return 5;
    // a connection in scope that went StandAlone ends the wait; with --wait-after-sb each such
    // state (initial or new) is reported and the wait goes on
    for (const c of res.connections.values()) {
      if (!inScope(c) || (c.cstate !== "StandAlone" && c.cstate !== "Disconnecting")) {
        seen.delete(c);
        continue;
      }
      if (!o.waitAfterSb) return 0;
      if (seen.get(c) !== c.cstate)
        w.stderr += `\ndrbd ${res.name} connection to peer-id ${c.peerNodeId} ('${c.peerName}') is ${c.cstate}, but I'm configured to wait anways (--wait-after-sb)\n`;
      seen.set(c, c.cstate);
    }
    const mine = all.filter((p) => inScope(p.conn, p.vnr));
    const done = mine.every((p) => {
      const repl = p.conn.peerDevices.get(p.vnr)?.repl ?? "Off";
      return repl === "Established" || (!sync && repl !== "Off") || p.timeoutMs === 0;
    });
    return done ? 0 : null;
  };
  return w;
}

/** `drbdsetup wait-{connect,sync}-{volume,connection,resource} RES [PEER_ID [VNR]] [options]` */
export async function drbdsetupWait(
  k: DrbdKernel,
  ctx: CommandContext,
  cmd: string,
  argv: string[],
): Promise<ExecResult> {
  const w = makeWaiter(k, ctx, cmd, argv);
  if ("done" in w) return w.done;
  let result: number | null = null;
  // an enclosing `timeout` kills it at its deadline (SIGTERM, 143): wait up to the deadline
  // itself so that what it printed stays (as events2Follow does)
  const deadline = labWorld(ctx).machineOf(ctx.node).deadline();
  const code = await spendTime(ctx, deadline, () => {
    result = w.check();
    return result !== null;
  });
  return { stdout: "", stderr: w.stderr, exitCode: code ?? result ?? 143 };
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

/**
 * `drbdadm wait-con-int` (drbdadm_main.c adm_wait_ci), on a terminal: `drbdsetup
 * wait-connect-resource` for every resource of this host at once; a dot a second for ten
 * seconds, then the startup banner (the first resource's degr-wfc-timeout and wfc-timeout) and
 * the prompt, whose `[   N]:` counter is redrawn each second (dialog-refresh 1) until every
 * resource is connected or its wait ends, or `yes` is typed. drbdadm exits 0 either way.
 */
export async function waitConInt(
  k: DrbdKernel,
  ctx: CommandContext,
  resources: { name: string; startup: Record<string, unknown> }[],
  dryRun: boolean,
): Promise<ExecResult> {
  const lines = resources.map((r) => waitLine("wait-connect", r.name, r.startup));
  if (dryRun) return { stdout: lines.map((l) => `${l}\n`).join(""), stderr: "", exitCode: 0 };
  const waiters = lines.map((l) => makeWaiter(k, ctx, "wait-connect-resource", l.split(" ").slice(2)));
  const errs = () => waiters.map((w) => ("done" in w ? w.done.stderr : w.stderr)).join("");
  const checks: (() => number | null)[] = [];
  for (const w of waiters) {
    if (!("done" in w)) {
      let result: number | null = null;
      checks.push(() => {
        if (result === null) result = w.check();
        return result;
      });
    }
  }
  const allDone = () => checks.map((c) => c()).every((r) => r !== null);
  const clock = labWorld(ctx).clock;
  const start = clock.now;
  // on the terminal the dots and the counter appear as they are drawn (ctx.print), as drbdadm
  // writes them to its tty; piped or redirected, what it drew is its output when it ends
  let stdout = "";
  const writes: Promise<void>[] = [];
  const draw = (text: string) => {
    if (ctx.print) writes.push(ctx.print(text));
    else stdout += text;
  };
  const end = async (code: number, tail = ""): Promise<ExecResult> => {
    draw(tail);
    await Promise.all(writes);
    return { stdout, stderr: errs(), exitCode: code };
  };
  const deadline = labWorld(ctx).machineOf(ctx.node).deadline();
  // a second of poll(); at an enclosing `timeout`'s deadline, 143 with what was printed
  const second = async () => {
    const code = await spendTime(ctx, Math.min(clock.now + 1_000_000, deadline), allDone);
    return code ?? (clock.now >= deadline && !allDone() ? 143 : null);
  };
  for (let i = 0; i < 10; i++) {
    if (allDone()) return end(0);
    const code = await second();
    if (code !== null) return end(code);
    if (allDone()) return end(0);
    draw(".");
  }
  const first = resources[0];
  const opt = (n: string) => String(first?.startup[n] ?? "0");
  draw(
    "\n***************************************************************\n" +
      " DRBD's startup script waits for the peer node(s) to appear.\n" +
      " - If this node was already a degraded cluster before the\n" +
      `   reboot, the timeout is ${opt("degr-wfc-timeout")} seconds. [degr-wfc-timeout]\n` +
      " - If the peer was available before the reboot, the timeout\n" +
      `   is ${opt("wfc-timeout")} seconds. [wfc-timeout]\n` +
      `   (These values are for resource '${first?.name ?? ""}'; 0 sec -> wait forever)\n` +
      " To abort waiting enter 'yes' [ -- ]: ",
  );
  // what was typed, a line at a time (stdin at its end gives nothing more)
  const input = ctx.stdin.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  for (;;) {
    draw(`\x1b[s\x1b[31G[${String(Math.floor((clock.now - start) / 1_000_000)).padStart(4)}]:\x1b[u`);
    if (allDone()) break;
    const answer = input.shift();
    if (answer !== undefined) {
      if (answer === "yes\n") break;
      draw(" To abort waiting enter 'yes' [ -- ]:");
      continue;
    }
    const code = await second();
    if (code !== null) return end(code);
    // a child that ends interrupts the poll: no counter after it
    if (allDone()) break;
  }
  return end(0, "\n");
}
