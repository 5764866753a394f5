/**
 * Reads a node's DRBD configuration the way drbdadm does (/etc/drbd.conf and what it
 * includes; we hand the parser every file under /etc/drbd.d so include globs resolve).
 */
import type { IFileSystem } from "just-bash";
import { secondaryAddresses } from "../../shell/commands/net";
import type { LabNode } from "../../world/types";
import { fromResolved } from "../adapt";
import type { ResConf } from "../conf";
import {
  checkForHost,
  type Diagnostic,
  type DrbdConfig,
  drbdadmStderr,
  parseConfig,
  type ResolvedResource,
  resolveResource,
} from "../config";

export interface LoadedConfig {
  config: DrbdConfig;
  /** drbdadm's stderr lines for config problems (empty when fine). */
  errors: string[];
  warnings: string[];
  diagnostics: Diagnostic[];
}

async function readAll(fs: IFileSystem, dir: string, out: Record<string, string>): Promise<void> {
  if (!(await fs.exists(dir))) return;
  for (const name of await fs.readdir(dir)) {
    const p = `${dir}/${name}`;
    const st = await fs.stat(p);
    if (st.isDirectory) await readAll(fs, p, out);
    else out[p] = await fs.readFile(p);
  }
}

export async function loadConfig(fs: IFileSystem, node: LabNode, entry = "/etc/drbd.conf"): Promise<LoadedConfig> {
  const files: Record<string, string> = {};
  if (await fs.exists(entry)) files[entry] = await fs.readFile(entry);
  await readAll(fs, "/etc/drbd.d", files);
  const { config, diagnostics } = parseConfig(files, { entry, hostname: node.name });
  const errs = diagnostics.filter((d) => d.severity === "error");
  const warns = diagnostics.filter((d) => d.severity === "warning");
  return {
    config,
    errors: errs.length ? drbdadmStderr(diagnostics) : [],
    warnings: warns.length && !errs.length ? drbdadmStderr(warns) : [],
    diagnostics,
  };
}

/** Resolve one resource for this host: the parser's view plus the kernel's ResConf. */
export function resolveFor(
  config: DrbdConfig,
  name: string,
  node: LabNode,
): { resolved: ResolvedResource; conf: ResConf } | { error: string; exit: number } {
  // have_ip(): the node's interface, loopback (`floating 127.0.0.1:…` is this host) and the
  // addresses added with `ip addr add`
  const ips = [node.ip, "127.0.0.1", ...secondaryAddresses(node).map((a) => a.split("/")[0] ?? a)];
  const diags = checkForHost(config, node.name, { resources: [name], ips });
  const first = diags[0];
  if (first) {
    const text = first.code === "not-defined-for-host" ? first.message : drbdadmStderr(diags).join("\n");
    return { error: text, exit: first.code === "not-defined-for-host" ? 1 : 10 };
  }
  const resolved = resolveResource(config, name, node.name, { ips });
  if (!resolved) return { error: `'${name}' not defined in your config (for this host).`, exit: 1 };
  return { resolved, conf: fromResolved(resolved) };
}
