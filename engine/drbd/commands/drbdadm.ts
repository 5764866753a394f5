/**
 * `drbdadm` on a lab node (drbd-utils user/v9/drbdadm_main.c): parses the node's config, maps
 * each subcommand to drbdsetup/drbdmeta calls (steps.ts) and runs them on the kernel.
 */
import type { CommandContext, ExecResult } from "../../world/types";
import type { ResConf } from "../conf";
import type { ResolvedResource } from "../config";
import { dumpResource, findMe, formatDiagnostic, missingPeerStatements } from "../config";
import { API_VERSION, DRBD_VERSION, type DrbdKernel } from "../kernel";
import type { Resource } from "../objects";
import { resourceStatus } from "../status";
import { statusJson } from "../status-json";
import { admCmd, notSimulated, usageText } from "./adm-cmds";
import { loadConfig, resolveFor } from "./config-load";
import { dumpAll, multipleHostSections, nodeIps } from "./dump-cmd";
import { isGenericSh, isShCommand, shCommand, softOnly } from "./sh-cmds";
import { type Out, peerIdOf, runSteps, type Step } from "./steps";
import { waitConInt } from "./wait-cmds";

export interface Opts {
  dryRun: boolean;
  force: boolean;
  discard: boolean;
  verbose: boolean;
  statistics: boolean;
  clearBitmap: boolean;
  /** `status --json`, passed on to drbdsetup */
  json: boolean;
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
  /** `r0/1` form: the volume was named on the command line. */
  volsExplicit: boolean;
  o: Opts;
}

/** drbd-utils release the lab's drbdadm is (its tag's commit, built reproducibly at that date). */
const UTILS = { version: "9.28.0", hash: "ba2ce9037989b6141222c7901d1219cf852949f1", date: "2024-05-06 07:32:56" };

const versionCode = (v: string) =>
  `0x${v
    .split(".")
    .map((n) => Number(n).toString(16).padStart(2, "0"))
    .join("")}`;

const buildTag = () => `GIT-hash: ${UTILS.hash} reproducible build, ${UTILS.date}`;

/** `drbdadm -V` (U9 drbdadm_main.c case 'V'), values passed through shell_escape(). */
function versionText(): string {
  const esc = (s: string) => s.replace(/[^%+\-./0-9:=@A-Z_a-z]/g, (c) => `\\${c}`);
  return [
    `DRBDADM_BUILDTAG=${esc(buildTag())}`,
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
    json: false,
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
    else if (a === "--json" || a === "-j") o.json = true;
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
  // `help`, `--help`, `-h` (drbdadm_main.c parse_options): the usage on stdout, exit 1 (E_USAGE)
  if (cmd === "help" || ctx.args.includes("--help") || ctx.args.includes("-h"))
    return { stdout: usageText(UTILS.version, buildTag()), stderr: "", exitCode: 1 };
  if (!cmd)
    return {
      stdout: `${usageText(UTILS.version, buildTag())}\nNo command specified\n`,
      stderr: "",
      exitCode: 1,
    };
  if (notSimulated(cmd)) return { stdout: "", stderr: `drbdadm: '${cmd}' n'est pas simulé dans ce lab\n`, exitCode: 1 };
  const adm = admCmd(cmd);
  if (!adm && !isShCommand(cmd)) return { stdout: "", stderr: `drbdadm: Unknown command '${cmd}'\n`, exitCode: 1 };
  const command = adm?.name ?? cmd;
  const loaded = await loadConfig(ctx.fs, node, configFile);
  if (isShCommand(cmd) && isGenericSh(cmd) && loaded.errors.length && softOnly(loaded.diagnostics)) {
    // sh-resources & co. skip drbdadm's global validation: post-parse complaints, exit 0
    const r = invalidConfigSh(cmd, targets, loaded.config, node);
    return { ...r, stderr: `${loaded.errors.join("\n")}\n${r.stderr}` };
  }
  if (loaded.errors.length) return { stdout: "", stderr: `${loaded.errors.join("\n")}\n`, exitCode: 10 };
  const several = multipleHostSections(loaded.config, node);
  if (several && isShCommand(cmd) && isGenericSh(cmd)) {
    // set_me_in_resource() only clears config_valid: sh-resources & co. (no validation after
    // post_parse) print the message and go on, the resource listed with its last matching section
    const r = invalidConfigSh(cmd, targets, loaded.config, node);
    return { ...r, stderr: several.stderr + r.stderr };
  }
  if (several) return several;
  out.stderr += loaded.warnings.length ? `${loaded.warnings.join("\n")}\n` : "";
  const peerless = namedWithoutPeer(loaded.config, command, targets, node);
  if (peerless) return { stdout: peerless.stdout, stderr: out.stderr + peerless.stderr, exitCode: peerless.exitCode };
  if (isShCommand(cmd)) {
    const r = shCommand(cmd, targets, loaded.config, node);
    return { ...r, stderr: out.stderr + r.stderr };
  }
  if (command === "dump" && (targets.length === 0 || targets.includes("all"))) {
    const r = dumpAll(loaded.config, node);
    return { ...r, stderr: out.stderr + r.stderr };
  }
  // `all` is every resource of this host but the stacked ones (is_drbd_top != res->stacked)
  const mine = loaded.config.resources
    .filter((r) => findMe(r, node.name, nodeIps(node))[0]?.kind !== "stacked")
    .filter((r) => resolveFor(loaded.config, r.name, node) && !("error" in resolveFor(loaded.config, r.name, node)))
    .map((r) => r.name);
  if (command === "wait-con-int") {
    // adm_wait_ci: every resource of this host, no resource argument
    const list = mine.flatMap((n) => {
      const r = resolveFor(loaded.config, n, node);
      return "error" in r ? [] : [{ name: n, startup: r.resolved.startup }];
    });
    const r = await waitConInt(k, ctx, list, o.dryRun);
    return { ...r, stderr: out.stderr + r.stderr };
  }
  if (targets.length === 0 && command === "status") {
    // `drbdadm status` without a resource runs `drbdsetup status` for everything that is up
    const running = [...k.resources(node).values()]
      .filter((r) => k.alive(r))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (o.json) return { stdout: statusJson(k, running), stderr: out.stderr, exitCode: 0 };
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
      volsExplicit: Boolean(m?.[3]),
      vols: m?.[3] ? [Number(m[3])] : r.conf.me.volumes.map((v) => v.vnr),
      o,
    };
    if (m?.[2] && peerIdOf(r.conf, m[2]) < 0) {
      out.stderr += `${m[2]}: not a peer of ${name}\n`;
      out.exit = Math.max(out.exit, 10);
      continue;
    }
    const steps = (adm as NonNullable<typeof adm>).steps(c);
    if (adm?.staged) {
      // deferred like drbdadm's schedule_deferred_cmd(): run below, stage by stage over all resources
      deferred.push(...steps);
      continue;
    }
    const ok = await runSteps(steps, out, o.dryRun);
    if (!o.dryRun) k.world.clock.advanceBy(adm?.us ?? 20_000);
    if (!ok) break;
  }
  if (deferred.length) {
    const ok = await runSteps(
      deferred.sort((a, b) => (a.stage ?? 0) - (b.stage ?? 0)),
      out,
      o.dryRun,
    );
    if (!o.dryRun) k.world.clock.advanceBy((adm?.us ?? 20_000) * (ok ? expanded.length : 1));
  }
  return { stdout: out.stdout, stderr: out.stderr, exitCode: out.exit };
}

/**
 * Resources named on the command line (not `all`) go through ctx_by_name() three times
 * (drbdadm_main.c: the WOULD_ENABLE_DISABLED and WOULD_ENABLE_MULTI_TIMES checks over every
 * name, then SETUP_MULTI name by name), and each time set_peer_in_resource(res, 1) reports a
 * connection without its peer's host/address. Then `if (!is_dump && !config_valid)
 * exit(E_CONFIG_INVALID)`: a named dump still prints. Null when no named resource has one.
 */
function namedWithoutPeer(
  config: Parameters<typeof missingPeerStatements>[0],
  command: string,
  targets: readonly string[],
  node: NonNullable<CommandContext["node"]>,
): ExecResult | null {
  if (targets.length === 0 || targets[0] === "all" || (isShCommand(command) && isGenericSh(command))) return null;
  const names = targets.map((t) => /^([^:/]+)/.exec(t)?.[1] ?? t);
  const msgs = (n: string) =>
    missingPeerStatements(config, n, node.name, nodeIps(node))
      .map((d) => `${formatDiagnostic(d)}\n`)
      .join("");
  const checks = names.map(msgs).join("");
  if (!checks) return null;
  let stdout = "";
  let stderr = checks + checks;
  for (const name of names) {
    stderr += msgs(name);
    const r = resolveFor(config, name, node);
    if ("error" in r) {
      stderr += `${r.error}\n`;
      if (r.exit !== 10 || !r.error.includes("not found on this host")) return { stdout, stderr, exitCode: r.exit };
    }
    if (command !== "dump") return { stdout, stderr, exitCode: 10 };
    stdout += dumpResource(config, name, node.name, nodeIps(node), { named: true }) ?? "";
  }
  return { stdout, stderr, exitCode: 0 };
}

/**
 * A generic sh-* command run although post_parse() cleared config_valid: sh_nop() then returns
 * 10, which main() reports ("command sh-nop exited with code 10"); the others print as usual.
 */
function invalidConfigSh(
  cmd: Parameters<typeof shCommand>[0],
  targets: readonly string[],
  config: Parameters<typeof shCommand>[2],
  node: Parameters<typeof shCommand>[3],
): ExecResult {
  if (cmd === "sh-nop") return { stdout: "", stderr: "command sh-nop exited with code 10\n", exitCode: 10 };
  return shCommand(cmd, targets, config, node);
}
