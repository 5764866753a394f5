/**
 * `drbdsetup` queries on a lab node (drbd-utils user/v9/drbdsetup.c): status (and --json),
 * events2 (--now, or following the changes), show, role, cstate, dstate, outdate. Other state
 * changes are done through drbdadm.
 */

import { LAB_EPOCH_MS } from "../../core/time";
import { spendTime } from "../../shell/commands/time";
import { labWorld } from "../../shell/commands/util";
import type { CommandContext, ExecResult } from "../../world/types";
import { DEFAULT_DISK, DEFAULT_NET, DEFAULT_OPTIONS, type DiskOpts, type NetOpts, type ResOptions } from "../conf";
import { changeLines, view } from "../events2-stream";
import type { DrbdKernel } from "../kernel";
import type { Resource } from "../objects";
import { outdate } from "../ops-admin";
import { dstateLines, events2, resourceStatus } from "../status";
import { statusJson } from "../status-json";
import { exitCodeForStateError, FAILURE_EXIT, FAILURES, stateErrorText } from "../strings";
import { drbdsetupWait } from "./wait-cmds";

/**
 * One option line of `drbdsetup show` (U9 drbdsetup.c __print_options): `%-16s\t%s;` and the
 * field's unit as a comment; only values that differ from the default (no --show-defaults).
 */
interface ShowField {
  name: string;
  value: string;
  def: string;
  unit?: string;
}

function section(indent: string, name: string, fields: ShowField[]): string {
  const shown = fields.filter((f) => f.value !== f.def);
  if (!shown.length) return "";
  let s = `${indent}${name} {\n`;
  for (const f of shown) s += `${indent}    ${f.name.padEnd(16)}\t${f.value};${f.unit ? ` # ${f.unit}` : ""}\n`;
  return `${s}${indent}}\n`;
}

const yn = (b: boolean) => (b ? "yes" : "no");
const tenths = (us: number) => String(Math.round(us / 100_000));
const seconds = (us: number) => String(Math.round(us / 1_000_000));
const quoted = (v: string | null) => (v === null ? "" : `"${v}"`);

/** resource_options_ctx, in drbd-utils' field order. */
function resourceFields(o: ResOptions): ShowField[] {
  const d = DEFAULT_OPTIONS;
  return [
    { name: "on-no-data-accessible", value: o.onNoDataAccessible, def: d.onNoDataAccessible },
    { name: "auto-promote", value: yn(o.autoPromote), def: yn(d.autoPromote) },
    { name: "quorum", value: String(o.quorum), def: String(d.quorum) },
    { name: "on-no-quorum", value: o.onNoQuorum, def: d.onNoQuorum },
  ];
}

/** attach_cmd_ctx (CHANGEABLE_DISK_OPTIONS) the lab models. */
function diskFields(o: DiskOpts): ShowField[] {
  const d = DEFAULT_DISK;
  return [
    { name: "on-io-error", value: o.onIoError, def: d.onIoError },
    { name: "disk-flushes", value: yn(o.writeOrdering === "flush"), def: "yes" },
    { name: "disk-drain", value: yn(o.writeOrdering !== "none"), def: "yes" },
    { name: "md-flushes", value: yn(o.mdFlushes), def: yn(d.mdFlushes) },
    { name: "al-extents", value: String(o.alExtents), def: String(d.alExtents) },
    { name: "al-updates", value: yn(o.alUpdates), def: yn(d.alUpdates) },
  ];
}

/** peer_device_options_ctx: rates are kept in KiB (scale 'k'). */
function peerDeviceFields(o: DiskOpts): ShowField[] {
  const d = DEFAULT_DISK;
  return [
    { name: "resync-rate", value: `${o.resyncRate}k`, def: `${d.resyncRate}k`, unit: "bytes/second" },
    { name: "c-plan-ahead", value: String(o.cPlanAhead), def: String(d.cPlanAhead), unit: "1/10 seconds" },
    { name: "c-max-rate", value: `${o.cMaxRate}k`, def: `${d.cMaxRate}k`, unit: "bytes/second" },
    { name: "c-min-rate", value: `${o.cMinRate}k`, def: `${d.cMinRate}k`, unit: "bytes/second" },
  ];
}

/** show_net_options_ctx (CHANGEABLE_NET_OPTIONS order), `_name` last and always shown. */
function netFields(n: NetOpts, peer: string): ShowField[] {
  const d = DEFAULT_NET;
  return [
    { name: "protocol", value: n.protocol, def: d.protocol },
    { name: "timeout", value: tenths(n.timeoutUs), def: tenths(d.timeoutUs), unit: "1/10 seconds" },
    { name: "max-epoch-size", value: String(n.maxEpochSize), def: String(d.maxEpochSize) },
    { name: "connect-int", value: seconds(n.connectIntUs), def: seconds(d.connectIntUs), unit: "seconds" },
    { name: "ping-int", value: seconds(n.pingIntUs), def: seconds(d.pingIntUs), unit: "seconds" },
    { name: "sndbuf-size", value: String(n.sndbufBytes), def: String(d.sndbufBytes), unit: "bytes" },
    { name: "rcvbuf-size", value: String(n.rcvbufBytes), def: String(d.rcvbufBytes), unit: "bytes" },
    { name: "allow-two-primaries", value: yn(n.allowTwoPrimaries), def: yn(d.allowTwoPrimaries) },
    { name: "after-sb-0pri", value: n.afterSb0pri, def: d.afterSb0pri },
    { name: "after-sb-1pri", value: n.afterSb1pri, def: d.afterSb1pri },
    { name: "after-sb-2pri", value: n.afterSb2pri, def: d.afterSb2pri },
    { name: "always-asbp", value: yn(n.alwaysAsbp), def: yn(d.alwaysAsbp) },
    { name: "rr-conflict", value: n.rrConflict, def: d.rrConflict },
    { name: "ping-timeout", value: tenths(n.pingTimeoutUs), def: tenths(d.pingTimeoutUs), unit: "1/10 seconds" },
    { name: "csums-alg", value: quoted(n.csumsAlg), def: quoted(d.csumsAlg) },
    { name: "verify-alg", value: quoted(n.verifyAlg), def: quoted(d.verifyAlg) },
    { name: "fencing", value: n.fencing, def: d.fencing },
    { name: "max-buffers", value: String(n.maxBuffers), def: String(d.maxBuffers) },
    { name: "_name", value: `"${peer}"`, def: "" },
  ];
}

/** `drbdsetup show` (U9 drbdsetup.c show_resource_list): the kernel's running configuration. */
function showResource(res: Resource): string {
  const c = res.conf;
  let s = `resource "${res.name}" {\n${section("    ", "options", resourceFields(c.options))}`;
  s += `    _this_host {\n        node-id\t\t\t${res.nodeId};\n`;
  for (const d of res.devices.values()) {
    s += `        volume ${d.vnr} {\n            device\t\t\tminor ${d.minor};\n`;
    if (d.backingPath !== "none")
      s += `            disk\t\t\t"${d.backingPath}";\n            meta-disk\t\t\tinternal;\n${section("            ", "disk", diskFields(c.disk))}`;
    s += "        }\n";
  }
  s += "    }\n";
  for (const cn of res.connections.values()) {
    s += `    connection {\n        _peer_node_id ${cn.peerNodeId};\n        path {\n            _this_host ipv4 ${cn.path.localAddress}:${cn.path.localPort};\n            _remote_host ipv4 ${cn.path.peerAddress}:${cn.path.port};\n        }\n`;
    // drbd-utils 9.28 show_connection (9.32 prints `_cstate …;` instead)
    if (cn.cstate === "StandAlone") s += "        _is_standalone;\n";
    s += section("        ", "net", netFields(cn.net, cn.peerName));
    for (const pd of cn.peerDevices.values()) {
      const disk = section("            ", "disk", peerDeviceFields(c.disk));
      if (disk) s += `        volume ${pd.vnr} {\n${disk}        }\n`;
    }
    s += "    }\n";
  }
  return `${s}}\n\n`;
}

/**
 * `--timestamps` (drbdsetup_events2.c format_timestamp): each line starts with the local time
 * of its event to the microsecond, `%04u-%02u-%02uT%02u:%02u:%02u.%06u%+03d:%02u ` (the
 * containers run in UTC), on the lab's virtual clock.
 */
export function timestampPrefix(us: number): string {
  const total = LAB_EPOCH_MS * 1000 + Math.floor(us);
  const d = new Date(Math.floor(total / 1000));
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const date = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  const time = `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(total % 1_000_000, 6)}`;
  return `${date}T${time}+00:00 `;
}

/** Lines as drbdsetup prints them, each with its time when --timestamps asks for it. */
function printed(k: DrbdKernel, lines: string[], timestamps: boolean): string {
  const prefix = timestamps ? timestampPrefix(k.world.clock.now) : "";
  return lines.map((l) => `${prefix}${l}\n`).join("");
}

/**
 * `drbdsetup events2 [RES]` without --now: the `exists` lines, then the changes as they happen
 * until the command is stopped (Ctrl-C, `timeout`). On the terminal each line is printed when
 * its event happens (ctx.print), as drbdsetup flushes a line per event; piped or redirected,
 * what it printed is its output when it stops.
 */
async function events2Follow(
  k: DrbdKernel,
  ctx: CommandContext,
  pick: () => Resource[],
  opts: { statistics: boolean; timestamps: boolean },
) {
  let out = "";
  const writes: Promise<void>[] = [];
  const print = (text: string) => {
    if (text === "") return;
    if (ctx.print) writes.push(ctx.print(text));
    else out += text;
  };
  let last = view(k, pick(), opts.statistics);
  print(printed(k, events2(k, pick(), opts.statistics).trimEnd().split("\n"), opts.timestamps));
  const look = () => {
    const next = view(k, pick(), opts.statistics);
    print(printed(k, changeLines(last, next), opts.timestamps));
    last = next;
  };
  // the kernel notifies every state change; objects created or deleted without one are seen
  // at the next step of the wait
  const stop = k.onCommit(look);
  // an enclosing `timeout` kills it at its deadline (SIGTERM, 143) after what it printed: wait up
  // to the deadline itself, so that the kill does not cut the output short
  const deadline = labWorld(ctx).machineOf(ctx.node).deadline();
  let code: number | null;
  try {
    code = await spendTime(ctx, deadline, () => {
      look();
      return false;
    });
  } finally {
    stop();
    await Promise.all(writes);
  }
  return { stdout: out, stderr: "", exitCode: code ?? 143 };
}

export async function drbdsetup(k: DrbdKernel, ctx: CommandContext): Promise<ExecResult> {
  const node = ctx.node;
  if (!node) return { stdout: "", stderr: "bash: drbdsetup: command not found\n", exitCode: 127 };
  const args = ctx.args.filter((a) => !a.startsWith("-"));
  const flags = new Set(ctx.args.filter((a) => a.startsWith("-")));
  const verbose = flags.has("--verbose") || flags.has("-v") || flags.has("-vs") || flags.has("-sv");
  const statistics = flags.has("--statistics") || flags.has("-s") || flags.has("-vs") || flags.has("-sv");
  const timestamps = flags.has("--timestamps") || flags.has("-T");
  const [cmd, name, second] = args;
  const all = [...k.resources(node).values()].filter((r) => k.alive(r)).sort((a, b) => a.name.localeCompare(b.name));
  const pick = (n: string | undefined) => (n === undefined || n === "all" ? all : all.filter((r) => r.name === n));
  switch (cmd) {
    case "status": {
      const list = pick(name);
      if (name && name !== "all" && list.length === 0)
        return { stdout: "", stderr: `${name}: No such resource\n`, exitCode: 10 };
      if (flags.has("--json") || flags.has("-j")) return { stdout: statusJson(k, list), stderr: "", exitCode: 0 };
      if (list.length === 0) return { stdout: "# No currently configured DRBD found.\n", stderr: "", exitCode: 0 };
      return {
        stdout: list.map((r) => resourceStatus(k, r, { verbose, statistics })).join(""),
        stderr: "",
        exitCode: 0,
      };
    }
    case "events2":
      if (!flags.has("--now")) {
        const live = () =>
          [...k.resources(node).values()]
            .filter((r) => k.alive(r) && (name === undefined || name === "all" || r.name === name))
            .sort((a, b) => a.name.localeCompare(b.name));
        return events2Follow(k, ctx, live, { statistics, timestamps });
      }
      return {
        stdout: printed(k, events2(k, pick(name), statistics).trimEnd().split("\n"), timestamps),
        stderr: "",
        exitCode: 0,
      };
    case "wait-connect-volume":
    case "wait-connect-connection":
    case "wait-connect-resource":
    case "wait-sync-volume":
    case "wait-sync-connection":
    case "wait-sync-resource":
      return drbdsetupWait(k, ctx, cmd, ctx.args.slice(ctx.args.indexOf(cmd) + 1));
    case "show":
      return { stdout: pick(name).map(showResource).join(""), stderr: "", exitCode: 0 };
    case "role": {
      const r = pick(name)[0];
      return r
        ? { stdout: `${r.role}\n`, stderr: "", exitCode: 0 }
        : { stdout: "", stderr: `${name ?? ""}: Unknown resource\n`, exitCode: 10 };
    }
    case "cstate": {
      const r = pick(name)[0];
      const c = r ? [...r.connections.values()].find((x) => String(x.peerNodeId) === second) : undefined;
      return c
        ? { stdout: `${c.cstate}\n`, stderr: "", exitCode: 0 }
        : { stdout: "", stderr: `${name ?? ""}: No such connection\n`, exitCode: 10 };
    }
    case "dstate": {
      for (const r of all)
        for (const d of r.devices.values())
          if (String(d.minor) === name)
            return { stdout: `${dstateLines(r)[[...r.devices.keys()].indexOf(d.vnr)]}\n`, stderr: "", exitCode: 0 };
      return { stdout: "", stderr: `${name ?? ""}: No such device\n`, exitCode: 10 };
    }
    case "outdate": {
      // `drbdsetup outdate MINOR` (U9 drbdsetup.c: a minor command): refusals as "MINOR: State change failed"
      for (const r of all)
        for (const d of r.devices.values())
          if (String(d.minor) === name) {
            const op = outdate(k, r, d);
            if (op.ok) return { stdout: "", stderr: "", exitCode: 0 };
            if (op.kind === "state")
              return {
                stdout: "",
                stderr: `${name}: State change failed: (${op.code}) ${stateErrorText(op.code)}\n`,
                exitCode: exitCodeForStateError(op.code),
              };
            return {
              stdout: "",
              stderr: `${name}: Failure: (${op.code}) ${FAILURES[op.code]}\n`,
              exitCode: FAILURE_EXIT,
            };
          }
      // K9 drbd_adm_prepare: ERR_MINOR_INVALID with "unknown minor"
      return {
        stdout: "",
        stderr: `${name ?? ""}: Failure: (127) ${FAILURES[127]}\nadditional info from kernel:\nunknown minor\n`,
        exitCode: FAILURE_EXIT,
      };
    }
    default:
      return { stdout: "", stderr: `drbdsetup: unknown command '${cmd ?? ""}'\n`, exitCode: 20 };
  }
}
