/**
 * `drbdadm` on a lab node (drbd-utils user/v9/drbdadm_main.c): parses the node's config, maps
 * each subcommand to drbdsetup/drbdmeta calls (steps.ts) and runs them on the kernel.
 */
import type { CommandContext, ExecResult } from "../../world/types";
import type { ResConf } from "../conf";
import type { ResolvedResource } from "../config";
import { dumpConfig, dumpResource } from "../config";
import { API_VERSION, DRBD_VERSION, type DrbdKernel } from "../kernel";
import type { Resource } from "../objects";
import {
  invalidate,
  invalidateRemote,
  newCurrentUuid,
  outdate,
  pauseSync,
  primary,
  secondary,
  verify,
} from "../ops-admin";
import { attach, connect, detach, disconnect, down, fail, newMinor, newPeer, newResource, OK } from "../ops-lifecycle";
import { dstateLines, resourceStatus, roleLine } from "../status";
import { adjustSteps } from "./adjust";
import { loadConfig, resolveFor } from "./config-load";
import { newPathLine, newPeerLine, newResourceLine, peerDeviceLines, UP_STAGE } from "./dry-lines";
import { dumpAll, multipleHostSections, nodeIps } from "./dump-cmd";
import {
  applyAl,
  createMd,
  giLine,
  metaLine,
  offlineDstate,
  offlineInvalidate,
  offlineOutdate,
  showGi,
} from "./meta-cmds";
import { isGenericSh, isShCommand, shCommand, softOnly } from "./sh-cmds";
import { diskArgs, netArgs, type Out, peerIdOf, raw, runSteps, type Step } from "./steps";

/** Simulated duration of the kernel work behind each command (µs). */
const DURATION: Record<string, number> = {
  up: 100_000,
  down: 60_000,
  "create-md": 50_000,
  attach: 40_000,
  adjust: 60_000,
};

export interface Opts {
  dryRun: boolean;
  force: boolean;
  discard: boolean;
  verbose: boolean;
  statistics: boolean;
  clearBitmap: boolean;
}

export interface ResCtx {
  k: DrbdKernel;
  ctx: CommandContext;
  name: string;
  conf: ResConf;
  resolved: ResolvedResource;
  res: Resource | undefined;
  peers: string[];
  vols: number[];
  /** `r0:peer` form: the peer was named on the command line. */
  peersExplicit: boolean;
  o: Opts;
}

const COMMANDS = [
  "up",
  "down",
  "primary",
  "secondary",
  "attach",
  "detach",
  "connect",
  "disconnect",
  "invalidate",
  "invalidate-remote",
  "verify",
  "pause-sync",
  "resume-sync",
  "outdate",
  "new-current-uuid",
  "status",
  "role",
  "cstate",
  "dstate",
  "dump",
  "adjust",
  "create-md",
  "get-gi",
  "show-gi",
] as const;
type Cmd = (typeof COMMANDS)[number];

function notUp(c: ResCtx, device = false): Step[] {
  const line = `drbdsetup ${c.name}`;
  return [
    {
      line,
      obj: device ? String(c.conf.me.volumes[0]?.minor ?? 0) : c.name,
      run: () => (device ? fail(127) : fail(158)),
    },
  ];
}

function buildSteps(cmd: Cmd, c: ResCtx): Step[] {
  const { k, conf, name, res, o } = c;
  const vols = conf.me.volumes.filter((v) => c.vols.includes(v.vnr));
  const peers = conf.peers.filter((p) => c.peers.includes(p.host));
  const node = c.ctx.node;
  if (!node) return [];
  const dev = (vnr: number) => res?.devices.get(vnr);
  const conn = (peer: string) => res?.connections.get(peer);
  const resOr = (fn: (r: Resource) => Step["run"] extends () => infer R ? R : never) => () =>
    res && k.alive(res) ? fn(res) : fail(158);
  switch (cmd) {
    case "up": {
      // drbdadm schedules up's calls by stage (dry-lines.ts UP_STAGE); runUp sorts all resources' steps
      const st = UP_STAGE;
      const rp = (host: string) => c.resolved.peers.find((x) => x.name === host);
      const s: Step[] = [
        {
          line: newResourceLine(c.resolved),
          obj: name,
          stage: st.newResource,
          run: () => {
            newResource(k, node, conf);
            return OK;
          },
        },
      ];
      for (const v of vols)
        s.push({
          line: `drbdsetup new-minor ${name} ${v.minor} ${v.vnr}`,
          obj: name,
          stage: st.newMinor,
          run: () => newMinor(k, k.resource(node, name) as Resource, v.vnr),
        });
      for (const p of peers) {
        const r = rp(p.host);
        s.push({
          line: r
            ? newPeerLine(c.resolved, r)
            : `drbdsetup new-peer ${name} ${p.nodeId} ${netArgs(c.resolved, p.host)}`,
          obj: name,
          stage: st.newPeer,
          run: () => newPeer(k, k.resource(node, name) as Resource, p.host),
        });
        s.push({
          line: r
            ? newPathLine(c.resolved, r)
            : `drbdsetup new-path ${name} ${p.nodeId} ipv4:${conf.me.address}:${conf.me.port} ipv4:${p.address}:${p.port}`,
          obj: name,
          stage: st.newPath,
          run: () => OK,
        });
        for (const line of r ? peerDeviceLines(c.resolved, r) : [])
          s.push({ line, obj: name, stage: st.peerDevice, run: () => OK });
      }
      for (const v of vols) {
        if (v.disk === "none") continue;
        s.push({
          line: metaLine(v.minor, v.disk, "apply-al"),
          obj: String(v.minor),
          stage: st.attach,
          run: () => applyAl(k, node, v.minor, v.disk),
        });
        s.push({
          line: `drbdsetup attach ${v.minor} ${v.disk} ${v.disk} internal${diskArgs(c.resolved, v.vnr)}`,
          obj: String(v.minor),
          stage: st.attach,
          run: () => attachVol(c, v.vnr),
        });
      }
      for (const p of peers)
        s.push({
          line: `drbdsetup connect ${name} ${p.nodeId}`,
          obj: name,
          stage: st.connect,
          run: () => connectPeer(c, p.host, false),
        });
      return s.sort((a, b) => (a.stage ?? 0) - (b.stage ?? 0));
    }
    case "down":
      return [{ line: `drbdsetup down ${name}`, obj: name, run: () => (res && k.alive(res) ? down(k, res) : OK) }];
    case "primary":
      return [
        {
          line: `drbdsetup primary ${name}${o.force ? " --force" : ""}`,
          obj: name,
          run: resOr((r) => primary(k, r, o.force)),
        },
      ];
    case "secondary":
      return [
        {
          line: `drbdsetup secondary ${name}${o.force ? " --force" : ""}`,
          obj: name,
          run: resOr((r) => secondary(k, r, o.force)),
        },
      ];
    case "attach":
      return vols.flatMap((v) => [
        {
          line: metaLine(v.minor, v.disk, "apply-al"),
          obj: String(v.minor),
          run: () => applyAl(k, node, v.minor, v.disk),
        },
        {
          line: `drbdsetup attach ${v.minor} ${v.disk} ${v.disk} internal${diskArgs(c.resolved, v.vnr)}`,
          obj: String(v.minor),
          run: () => attachVol(c, v.vnr),
        },
      ]);
    case "detach":
      return vols.map((v) => ({
        line: `drbdsetup detach ${v.minor}`,
        obj: String(v.minor),
        run: () => {
          const d = dev(v.vnr);
          return d && res ? detach(k, res, d) : fail(127);
        },
      }));
    case "connect":
      return peers.map((p) => ({
        line: `drbdsetup connect ${name} ${p.nodeId}${o.discard ? " --discard-my-data" : ""}`,
        obj: name,
        run: () => connectPeer(c, p.host, o.discard),
      }));
    case "disconnect":
      return peers.map((p) => ({
        line: `drbdsetup disconnect ${name} ${p.nodeId}`,
        obj: name,
        run: resOr((r) => {
          const cn = conn(p.host);
          return cn ? disconnect(k, r, cn) : OK;
        }),
      }));
    case "invalidate":
      return vols.map((v) => ({
        line: res ? `drbdsetup invalidate ${v.minor}` : metaLine(v.minor, v.disk, "invalidate"),
        obj: String(v.minor),
        run: () => {
          const d = dev(v.vnr);
          return res && d ? invalidate(k, res, d) : offlineInvalidate(k, node, v.minor, v.disk);
        },
      }));
    case "invalidate-remote":
    case "verify":
    case "pause-sync":
    case "resume-sync":
      // a dry run prints the calls drbdadm would make, whether the resource is up or not
      if (!res && !o.dryRun) return notUp(c);
      // iterate_volumes, then each connection (drbdadm_main.c call_cmd)
      return vols.flatMap((v) =>
        peers.map((p) => ({
          line: `drbdsetup ${cmd} ${name} ${p.nodeId} ${v.vnr}`,
          obj: name,
          run: resOr((r) => {
            const cn = conn(p.host);
            const d = dev(v.vnr);
            if (!cn || !d) return fail(158);
            return cmd === "invalidate-remote"
              ? invalidateRemote(k, r, cn, d)
              : cmd === "verify"
                ? verify(k, r, cn, d)
                : pauseSync(k, r, cn, d, cmd === "pause-sync");
          }),
        })),
      );
    case "outdate":
      return vols.map((v) => ({
        line: res ? `drbdsetup outdate ${v.minor}` : metaLine(v.minor, v.disk, "outdate"),
        obj: String(v.minor),
        run: () => outdateVol(c, v.vnr, v.minor, v.disk),
      }));
    case "new-current-uuid":
      return vols.map((v) => ({
        line: `drbdsetup new-current-uuid ${v.minor}${o.clearBitmap ? " --clear-bitmap" : ""}`,
        obj: String(v.minor),
        run: () => {
          const d = dev(v.vnr);
          return res && d ? newCurrentUuid(k, res, d, o.clearBitmap) : fail(127);
        },
      }));
    case "status":
      return [
        {
          line: `drbdsetup status ${name}${o.verbose ? " --verbose" : ""}${o.statistics ? " --statistics" : ""}`,
          obj: name,
          run: () =>
            res && k.alive(res) ? raw(0, resourceStatus(k, res, o)) : raw(10, "", `${name}: No such resource\n`),
        },
      ];
    case "role":
      return [
        {
          line: `drbdsetup role ${name}`,
          obj: name,
          run: () => {
            if (!res) return raw(10, "", `${name}: Unknown resource\n`);
            const p =
              c.peers.length === 1 && c.peers[0] !== undefined && c.peersExplicit ? conn(c.peers[0]) : undefined;
            return raw(0, `${roleLine(res, p)}\n`);
          },
        },
      ];
    case "cstate":
      return peers.map((p) => ({
        line: `drbdsetup cstate ${name} ${p.nodeId}`,
        obj: name,
        run: () => {
          const cn = conn(p.host);
          return cn ? raw(0, `${cn.cstate}\n`) : raw(10, "", `${name}: No such connection\n`);
        },
      }));
    case "dstate":
      return vols.map((v) => ({
        line: res ? `drbdsetup dstate ${v.minor}` : metaLine(v.minor, v.disk, "dstate"),
        obj: String(v.minor),
        run: () =>
          res
            ? raw(0, `${dstateLines(res)[[...res.devices.keys()].indexOf(v.vnr)] ?? ""}\n`)
            : offlineDstate(k, node, v.disk),
      }));
    case "create-md":
      return vols.map((v) => ({
        line: `${metaLine(v.minor, v.disk, "create-md")} ${Math.max(1, conf.peers.length)}`,
        obj: String(v.minor),
        run: () => createMd(k, node, v.minor, v.disk, Math.max(1, conf.peers.length), o.force, c.ctx.stdin),
      }));
    case "get-gi":
    case "show-gi":
      return peers.flatMap((p) =>
        vols.map((v) => ({
          line: `drbdsetup ${cmd} ${name} ${p.nodeId} ${v.vnr}`,
          obj: name,
          run: () => {
            const d = dev(v.vnr);
            const bd = node.blockDevices.get(v.disk);
            const md = d?.md ?? (bd ? k.md.load(bd) : null);
            if (!md) return raw(255, "", "No valid meta data found\n");
            const connected = conn(p.host)?.cstate === "Connected";
            if (cmd === "get-gi") return raw(0, `${giLine(md, p.nodeId, connected)}\n`);
            const flags = `${res?.role ?? "Secondary"}, ${conn(p.host)?.cstate ?? "StandAlone"}, ${d?.disk ?? "Diskless"}`;
            return raw(0, showGi(md, p.nodeId, connected, flags));
          },
        })),
      );
    case "adjust":
      return adjustSteps(c, buildSteps);
    case "dump":
      return [];
  }
}

function attachVol(c: ResCtx, vnr: number) {
  const r = c.k.resource(c.ctx.node as NonNullable<CommandContext["node"]>, c.name);
  const d = r?.devices.get(vnr);
  return r && d ? attach(c.k, r, d) : fail(127);
}

function connectPeer(c: ResCtx, peer: string, discard: boolean) {
  const r = c.k.resource(c.ctx.node as NonNullable<CommandContext["node"]>, c.name);
  const cn = r?.connections.get(peer);
  return r && cn ? connect(c.k, r, cn, discard) : fail(158);
}

function outdateVol(c: ResCtx, vnr: number, minor: number, disk: string) {
  const node = c.ctx.node as NonNullable<CommandContext["node"]>;
  const d = c.res?.devices.get(vnr);
  if (!c.res || !d) return offlineOutdate(c.k, node, minor, disk);
  const r = outdate(c.k, c.res, d);
  if (r.ok || r.kind !== "state") return r;
  // drbdadm hides drbdsetup's error and falls back to drbdmeta, which refuses on an attached device
  if (r.code === -2) return raw(17, "", "", true);
  const meta = `Device '${minor}' is configured!\nCommand '${metaLine(minor, disk, "outdate")}' terminated with exit code 20\n`;
  return raw(r.code === -16 ? 5 : 20, "", meta, true);
}

/** drbd-utils release the lab's drbdadm is (its tag's commit, built reproducibly at that date). */
const UTILS = { version: "9.28.0", hash: "ba2ce9037989b6141222c7901d1219cf852949f1", date: "2024-05-06 07:32:56" };

const versionCode = (v: string) =>
  `0x${v
    .split(".")
    .map((n) => Number(n).toString(16).padStart(2, "0"))
    .join("")}`;

/** `drbdadm -V` (U9 drbdadm_main.c case 'V'), values passed through shell_escape(). */
function versionText(): string {
  const esc = (s: string) => s.replace(/[^%+\-./0-9:=@A-Z_a-z]/g, (c) => `\\${c}`);
  return [
    `DRBDADM_BUILDTAG=${esc(`GIT-hash: ${UTILS.hash} reproducible build, ${UTILS.date}`)}`,
    `DRBDADM_API_VERSION=${API_VERSION}`,
    `DRBD_KERNEL_VERSION_CODE=${versionCode(DRBD_VERSION)}`,
    `DRBD_KERNEL_VERSION=${DRBD_VERSION}`,
    `DRBDADM_VERSION_CODE=${versionCode(UTILS.version)}`,
    `DRBDADM_VERSION=${UTILS.version}`,
    "",
  ].join("\n");
}

export interface ParsedArgs {
  cmd: string | undefined;
  o: Opts;
  targets: string[];
  configFile: string;
}

export function parseArgs(args: string[]): ParsedArgs {
  const o: Opts = {
    dryRun: false,
    force: false,
    discard: false,
    verbose: false,
    statistics: false,
    clearBitmap: false,
  };
  let cmd: string | undefined;
  const targets: string[] = [];
  let configFile = "/etc/drbd.conf";
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--") continue;
    if (a === "-d" || a === "--dry-run") o.dryRun = true;
    else if (a === "-c" || a === "--config-file") configFile = args[++i] ?? configFile;
    else if (a.startsWith("--config-file=")) configFile = a.slice(14);
    else if (a === "--force" || a === "-f" || a === "--force=yes") o.force = true;
    else if (a === "--discard-my-data") o.discard = true;
    else if (a === "--verbose" || a === "-v") o.verbose = true;
    else if (a === "--statistics" || a === "-s") o.statistics = true;
    else if (a === "-vs" || a === "-sv") o.verbose = o.statistics = true;
    else if (a === "--clear-bitmap") o.clearBitmap = true;
    // `status --color=never|auto`: the lab's terminal output has no colours to turn off
    else if (a === "--color=never" || a === "--color=auto") continue;
    else if (cmd === undefined) cmd = a;
    else targets.push(a);
  }
  return { cmd, o, targets, configFile };
}

export async function drbdadm(k: DrbdKernel, ctx: CommandContext): Promise<ExecResult> {
  const node = ctx.node;
  if (!node) return { stdout: "", stderr: "bash: drbdadm: command not found\n", exitCode: 127 };
  if (ctx.args.includes("-V") || ctx.args.includes("--version"))
    return { stdout: versionText(), stderr: "", exitCode: 0 };
  const { cmd, o, targets, configFile } = parseArgs(ctx.args);
  const out: Out = { stdout: "", stderr: "", exit: 0 };
  if (!cmd) return { stdout: "", stderr: "USAGE: drbdadm COMMAND [OPTION...] {all|RESOURCE...}\n", exitCode: 20 };
  const command = (cmd === "state" ? "role" : cmd) as Cmd;
  if (!COMMANDS.includes(command) && !isShCommand(cmd))
    return { stdout: "", stderr: `drbdadm: Unknown command '${cmd}'\n`, exitCode: 1 };
  const loaded = await loadConfig(ctx.fs, node, configFile);
  if (isShCommand(cmd) && isGenericSh(cmd) && loaded.errors.length && softOnly(loaded.diagnostics)) {
    // sh-resources & co. skip drbdadm's global validation: post-parse complaints, exit 0
    const r = shCommand(cmd, targets, loaded.config, node);
    return { ...r, stderr: `${loaded.errors.join("\n")}\n${r.stderr}` };
  }
  if (loaded.errors.length) return { stdout: "", stderr: `${loaded.errors.join("\n")}\n`, exitCode: 10 };
  const several = multipleHostSections(loaded.config, node);
  if (several) return several;
  out.stderr += loaded.warnings.length ? `${loaded.warnings.join("\n")}\n` : "";
  if (isShCommand(cmd)) {
    const r = shCommand(cmd, targets, loaded.config, node);
    return { ...r, stderr: out.stderr + r.stderr };
  }
  if (command === "dump" && (targets.length === 0 || targets.includes("all"))) {
    const r = dumpAll(loaded.config, node);
    return { ...r, stderr: out.stderr + r.stderr };
  }
  const mine = loaded.config.resources
    .filter((r) => resolveFor(loaded.config, r.name, node) && !("error" in resolveFor(loaded.config, r.name, node)))
    .map((r) => r.name);
  if (targets.length === 0 && command === "status") {
    // `drbdadm status` without a resource runs `drbdsetup status` for everything that is up
    const running = [...k.resources(node).values()]
      .filter((r) => k.alive(r))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (!running.length) return { stdout: "# No currently configured DRBD found.\n", stderr: "", exitCode: 0 };
    return { stdout: running.map((r) => resourceStatus(k, r, o)).join(""), stderr: out.stderr, exitCode: 0 };
  }
  if (targets.length === 0) {
    return { stdout: "", stderr: `USAGE: drbdadm ${command} [OPTION...] {all|RESOURCE...}\n\n`, exitCode: 1 };
  }
  if (targets.includes("all") && mine.length === 0)
    return {
      stdout: "",
      stderr: `${out.stderr}WARN: no normal resources defined for this host (${node.name})!?\nMisspelled name of the local machine with the 'on' keyword ?\n`,
      exitCode: 1,
    };
  const expanded = targets.flatMap((t) => (t === "all" ? mine : [t]));
  const deferred: Step[] = [];
  for (const t of expanded) {
    const m = /^([^:/]+)(?::([^/]+))?(?:\/(\d+))?$/.exec(t);
    const name = m?.[1] ?? t;
    const r = resolveFor(loaded.config, name, node);
    if ("error" in r) {
      out.stderr += `${r.error}\n`;
      // a named dump only warns about the address (drbdadm_main.c: `if (!is_dump && !config_valid)`)
      if (command === "dump" && r.exit === 10 && r.error.includes("not found on this host")) {
        out.stdout += dumpResource(loaded.config, name, node.name, nodeIps(node), { named: true }) ?? "";
        continue;
      }
      out.exit = Math.max(out.exit, r.exit);
      return { stdout: out.stdout, stderr: out.stderr, exitCode: out.exit };
    }
    if (command === "dump") {
      out.stdout += dumpResource(loaded.config, name, node.name, nodeIps(node), { named: true }) ?? "";
      continue;
    }
    const res = k.resource(node, name);
    const c: ResCtx = {
      k,
      ctx,
      name,
      conf: r.conf,
      resolved: r.resolved,
      res: res && k.alive(res) ? res : undefined,
      peers: m?.[2] ? [m[2]] : r.conf.peers.map((p) => p.host),
      peersExplicit: Boolean(m?.[2]),
      vols: m?.[3] ? [Number(m[3])] : r.conf.me.volumes.map((v) => v.vnr),
      o,
    };
    if (m?.[2] && peerIdOf(r.conf, m[2]) < 0) {
      out.stderr += `${m[2]}: not a peer of ${name}\n`;
      out.exit = Math.max(out.exit, 10);
      continue;
    }
    const steps = buildSteps(command, c);
    if (command === "up" || command === "adjust") {
      // deferred like drbdadm's schedule_deferred_cmd(): run below, stage by stage over all resources
      deferred.push(...steps);
      continue;
    }
    const ok = await runSteps(steps, out, o.dryRun);
    if (!o.dryRun) k.world.clock.advanceBy(DURATION[command] ?? 20_000);
    if (!ok) break;
  }
  if (deferred.length) {
    const ok = await runSteps(
      deferred.sort((a, b) => (a.stage ?? 0) - (b.stage ?? 0)),
      out,
      o.dryRun,
    );
    if (!o.dryRun) k.world.clock.advanceBy((DURATION[command] ?? 20_000) * (ok ? expanded.length : 1));
  }
  return { stdout: out.stdout, stderr: out.stderr, exitCode: out.exit };
}
