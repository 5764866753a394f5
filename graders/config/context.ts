import { z } from "zod";
import {
  type Diagnostic as ConfigDiagnostic,
  type ConfigOption,
  checkForHost,
  DEFAULT_CONFIG_FILES,
  type DrbdConfig,
  formatDiagnostic,
  parseConfig,
  type ResolvedResource,
  resolveResource,
} from "../../engine/drbd/config/index";
import type { Diagnostic, Prepared } from "../types";

export interface ConfigHost {
  name: string;
  ip: string;
}

/** What a config check sees: the parsed files and the effective settings per resource and host. */
export interface ConfigCtx {
  files: Record<string, string>;
  /** Only the files the learner submitted (path → text). */
  edited: Record<string, string>;
  config: DrbdConfig;
  hosts: readonly ConfigHost[];
  resolve(resource: string, host: string): ResolvedResource | null;
  /** Where an option is written for a resource (resource, its hosts/volumes/connections, then common). */
  sources(resource: string, name: string): ConfigOption[];
}

export interface ConfigSetup {
  /** The file the learner edits; a plain-text submission replaces it. */
  path: string;
  /** The other files of the node's /etc (default: the lab's global_common.conf and r0.res). */
  baseFiles?: Readonly<Record<string, string>>;
  hosts: readonly ConfigHost[];
}

const filesSubmission = z.strictObject({ files: z.record(z.string().startsWith("/etc/"), z.string().max(100_000)) });

function optionLists(config: DrbdConfig, resource: string): ConfigOption[][] {
  const res = config.resources.find((r) => r.name === resource);
  const lists: ConfigOption[][] = [];
  if (res) {
    lists.push(res.net, res.disk, res.peerDevice, res.deviceOptions, res.options, res.startup, res.handlers);
    for (const v of res.volumes) lists.push(v.diskOptions, v.peerDeviceOptions, v.deviceOptions);
    for (const h of res.hosts) {
      lists.push(h.options);
      for (const v of h.volumes) lists.push(v.diskOptions, v.peerDeviceOptions, v.deviceOptions);
    }
    for (const c of res.connections) {
      lists.push(c.net, c.peerDevice);
      for (const v of c.volumes) lists.push(v.options);
    }
    for (const m of res.meshes) lists.push(m.net);
  }
  const common = config.common;
  if (common)
    lists.push(
      common.net,
      common.disk,
      common.peerDevice,
      common.deviceOptions,
      common.options,
      common.startup,
      common.handlers,
    );
  return lists;
}

/** French text of a drbdadm diagnostic, with drbdadm's own words kept for reference. */
export function diagnosticFr(d: ConfigDiagnostic): Diagnostic {
  return {
    file: d.file,
    line: d.line,
    ...(d.column !== undefined ? { column: d.column } : {}),
    message: `${d.messageFr} (drbdadm : « ${formatDiagnostic(d).replace(/\s+/g, " ")} »)`,
  };
}

/**
 * Parse a config submission: the edited file's text, or `{ files: { path: text } }` for several
 * files. Whatever drbdadm refuses (syntax errors, conflicts, an address not on the host) makes
 * the submission invalid: it costs no attempt and is reported with file:line.
 */
export function prepareConfig(setup: ConfigSetup, submission: unknown): Prepared<ConfigCtx> {
  let edited: Record<string, string>;
  if (typeof submission === "string") edited = { [setup.path]: submission };
  else {
    const parsed = filesSubmission.safeParse(submission);
    if (!parsed.success) {
      const message = 'Soumission attendue : le texte du fichier, ou { "files": { "/etc/drbd.d/….res": "…" } }.';
      return { valid: false, reason: message, diagnostics: [{ file: setup.path, line: 1, message }] };
    }
    edited = parsed.data.files;
  }
  const files = { ...(setup.baseFiles ?? DEFAULT_CONFIG_FILES), ...edited };
  const { config, diagnostics } = parseConfig(files);
  const all = [...diagnostics];
  if (!all.some((d) => d.fatal)) {
    for (const h of setup.hosts) {
      all.push(...checkForHost(config, h.name, { ips: [h.ip] }).filter((d) => d.code !== "not-defined-for-host"));
    }
  }
  const errors = all.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    const diags = errors.map(diagnosticFr);
    return {
      valid: false,
      reason: diags.map((d) => `${d.file}:${d.line}: ${d.message}`).join("\n"),
      diagnostics: diags,
    };
  }
  const cache = new Map<string, ResolvedResource | null>();
  const ctx: ConfigCtx = {
    files,
    edited,
    config,
    hosts: setup.hosts,
    resolve(resource, host) {
      const key = `${resource}@${host}`;
      if (!cache.has(key)) {
        const ip = setup.hosts.find((h) => h.name === host)?.ip;
        cache.set(key, resolveResource(config, resource, host, ip ? { ips: [ip] } : {}));
      }
      return cache.get(key) ?? null;
    },
    sources: (resource, name) => optionLists(config, resource).flatMap((l) => l.filter((o) => o.name === name)),
  };
  return { valid: true, ctx };
}

/** "file:line" of the first place an option is written, for messages. */
export function where(ctx: ConfigCtx, resource: string, name: string): string {
  const o = ctx.sources(resource, name)[0];
  return o ? `${o.file}:${o.line}` : "valeur par défaut de DRBD";
}
