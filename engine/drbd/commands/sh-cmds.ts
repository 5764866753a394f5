/**
 * drbdadm's `sh-*` helpers for shell scripts (U9 drbdadm_main.c sh_resources … sh_mod_parms):
 * they print one value per line from the configuration, verify no IP address, and never touch
 * the kernel.
 */
import type { ExecResult, LabNode } from "../../world/types";
import {
  checkForHost,
  type Diagnostic,
  type DrbdConfig,
  findMe,
  type ResolvedResource,
  resolveResource,
} from "../config";
import { nodeIps } from "./dump-cmd";

export const SH_COMMANDS = [
  "sh-nop",
  "sh-resources",
  "sh-resource",
  "sh-mod-parms",
  "sh-dev",
  "sh-udev",
  "sh-minor",
  "sh-ll-dev",
  "sh-md-dev",
  "sh-md-idx",
  "sh-ip",
  "sh-lr-of",
] as const;
type ShCmd = (typeof SH_COMMANDS)[number];

export function isShCommand(cmd: string): cmd is ShCmd {
  return (SH_COMMANDS as readonly string[]).includes(cmd);
}

/** sh-* commands that take no resource name (ACF2_GEN_SHELL): no global validation before them. */
export function isGenericSh(cmd: ShCmd): boolean {
  return cmd === "sh-resources" || cmd === "sh-nop" || cmd === "sh-mod-parms";
}

/**
 * Diagnostics of post_parse() and global validation that drbdadm prints without exiting when
 * the command skips validation (parse errors and set_me_in_resource() still exit with 10).
 */
const SOFT = new Set([
  "unknown-host",
  "cannot-determine",
  "keyword-missing",
  "address-conflict",
  "mesh-unknown-host",
  "mesh-no-address",
  "too-many-hosts",
  "unknown-lower-resource",
]);

export function softOnly(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.filter((d) => d.severity === "error").every((d) => SOFT.has(d.code));
}

/** DRBD_MINOR_COUNT_DEF / _MAX of drbd_limits.h. */
const MINOR_COUNT_DEF = 32;
const MINOR_COUNT_MAX = 1 << 20;

const ok = (stdout: string): ExecResult => ({ stdout, stderr: "", exitCode: 0 });

/** Resources drbdadm does not ignore on this host (an `on`/floating section matches it). */
function mine(config: DrbdConfig, node: LabNode) {
  return config.resources.filter((r) => {
    const me = findMe(r, node.name, nodeIps(node))[0];
    return me !== undefined && me.kind !== "stacked";
  });
}

function perVolume(cmd: ShCmd, r: ResolvedResource, vnr: number | undefined): ExecResult {
  let stdout = "";
  for (const v of r.volumes) {
    if (vnr !== undefined && v.vnr !== vnr) continue;
    const hasDisk = v.disk !== "none";
    if ((cmd === "sh-md-dev" || cmd === "sh-md-idx") && !hasDisk)
      return {
        stdout,
        stderr: `The ${cmd} command requires a local disk, but the configuration gives none.\n`,
        exitCode: 10,
      };
    if (cmd === "sh-dev") stdout += `${v.device}\n`;
    else if (cmd === "sh-minor") stdout += `${v.minor}\n`;
    else if (cmd === "sh-ll-dev") stdout += `${hasDisk ? v.disk : "none"}\n`;
    else if (cmd === "sh-md-dev") stdout += `${v.metaDisk === "internal" ? v.disk : v.metaDisk}\n`;
    else if (cmd === "sh-md-idx") stdout += `${v.metaIndex}\n`;
  }
  return ok(stdout);
}

function udev(r: ResolvedResource, vnr: number | undefined): ExecResult {
  const v =
    vnr === undefined ? (r.volumes.length === 1 ? r.volumes[0] : undefined) : r.volumes.find((x) => x.vnr === vnr);
  if (!v)
    return {
      stdout: "",
      stderr: `sh-udev requires a specific volume id, but none is specified.\nTry 'sh-udev minor-<minor_number>' or 'sh-udev ${r.name}/<vnr>'\n`,
      exitCode: 1,
    };
  const dev = v.device.startsWith("/dev/drbd") ? v.device.slice(5) : `drbd${v.minor}`;
  const link = vnr === undefined ? `drbd/by-res/${r.name}` : `drbd/by-res/${r.name}/${v.vnr}`;
  let out = `DEVICE=${dev}\nSYMLINK=${link}\nSYMLINK_BY_RES=${link}\n`;
  if (v.disk !== "none")
    out += `SYMLINK_BY_DISK=drbd/by-disk/${v.disk.startsWith("/dev/") ? v.disk.slice(5) : v.disk}\n`;
  return ok(out);
}

/** Run one sh-* command on a parsed, valid configuration. */
export function shCommand(cmd: ShCmd, targets: readonly string[], config: DrbdConfig, node: LabNode): ExecResult {
  if (cmd === "sh-nop") return ok("");
  if (cmd === "sh-resources")
    return ok(
      mine(config, node)
        .map((r) => `${r.name}\n`)
        .join(""),
    );
  if (cmd === "sh-mod-parms") {
    const minors = config.resources.reduce((n, r) => n + Math.max(1, r.volumes.length), 0);
    const mc = config.global?.minorCount || Math.min(MINOR_COUNT_MAX, Math.max(MINOR_COUNT_DEF, minors + 3));
    return ok(`minor_count=${mc}\n`);
  }
  if (targets.length === 0)
    return {
      stdout: "",
      stderr: `USAGE: drbdadm ${cmd} [OPTION...] {all|RESOURCE...}\n\nNo resource names specified\n`,
      exitCode: 1,
    };
  const names = targets.flatMap((t) => (t === "all" ? mine(config, node).map((r) => r.name) : [t]));
  let stdout = "";
  let exit = 0;
  for (const t of names) {
    const m = /^([^:/]+)(?::[^/]+)?(?:\/(\d+))?$/.exec(t);
    const name = m?.[1] ?? t;
    const vnr = m?.[2] !== undefined ? Number(m[2]) : undefined;
    const missing = checkForHost(config, node.name, { resources: [name], ips: nodeIps(node) }).find(
      (d) => d.code === "not-defined-for-host",
    );
    const r = missing ? null : resolveResource(config, name, node.name, { ips: nodeIps(node) });
    if (!r) return { stdout, stderr: `'${name}' not defined in your config (for this host).\n`, exitCode: 1 };
    let res: ExecResult;
    if (cmd === "sh-resource") res = ok(`${r.name}\n`);
    else if (cmd === "sh-udev") res = udev(r, vnr);
    else if (cmd === "sh-ip")
      res = ok(
        r.peers
          .filter((p) => p.myAddress)
          .map((p) => `${p.myAddress?.addr}\n`)
          .join(""),
      );
    else if (cmd === "sh-lr-of")
      res = { stdout: "", stderr: "sh-lower-resource only available in stacked mode\n", exitCode: 1 };
    else res = perVolume(cmd, r, vnr);
    stdout += res.stdout;
    if (res.exitCode !== 0) return { stdout, stderr: res.stderr, exitCode: res.exitCode };
    exit = Math.max(exit, res.exitCode);
  }
  return { stdout, stderr: "", exitCode: exit };
}
