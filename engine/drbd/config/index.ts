import type { Diagnostic, DrbdConfig } from "./model";
import { formatDiagnostic } from "./model";
import { DEFAULT_DRBD_CONF, DEFAULT_ENTRY, newContext, parseFile } from "./parser";
import { postParse } from "./postparse";

export { optionAnnexMarkdown } from "./annex";
export * from "./defaults";
export { type DumpOptions, dumpConfig, dumpResource } from "./dump";
export { type CompletionItem, completionItems, configVocabulary, sectionAt } from "./editor";
export { checkForHost, missingPeerStatements } from "./host-checks";
export type * from "./model";
export { formatDiagnostic } from "./model";
export { implicitNodeIds } from "./node-id";
export {
  checkValue,
  findOption,
  OPTION_TABLE,
  type OptionDef,
  type OptionSection,
  type OptionValue,
  optionsOf,
} from "./options";
export {
  expandOptions,
  findMe,
  getOption,
  kernelConfigProblems,
  type NetSettings,
  optionDefault,
  type ResolvedPeer,
  type ResolvedResource,
  type ResolvedVolume,
  type ResourceSettings,
  resolveResource,
} from "./resolve";
export { connectionsOf, type EffectiveConnection, findHost, hostnamesEqual, hostVolumes } from "./topology";

/**
 * What drbdadm prints on stderr for these diagnostics: each one formatted, stopping after the
 * first fatal one (drbdadm exits at a parse error or a conflict).
 */
export function drbdadmStderr(diagnostics: readonly Diagnostic[]): string[] {
  const out: string[] = [];
  for (const d of diagnostics) {
    if (d.code === "bare-non-boolean") continue; // our own hint, drbdadm is silent
    out.push(formatDiagnostic(d));
    if (d.fatal) break;
  }
  return out;
}

/**
 * drbdadm's exit status for these diagnostics: 0 without errors, 20 for "BAD LUCK, equal
 * hashes", 1 when a named resource is not defined for this host, otherwise 10
 * (E_CONFIG_INVALID).
 */
export function drbdadmExitCode(diagnostics: readonly Diagnostic[]): number {
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 0) return 0;
  if (errors.some((d) => d.code === "equal-hashes")) return 20;
  if (errors.every((d) => d.code === "not-defined-for-host")) return 1;
  return 10;
}

export interface ParseResult {
  config: DrbdConfig;
  diagnostics: Diagnostic[];
}

/**
 * Parses a node's DRBD configuration the way drbdadm does. `files` maps absolute paths to
 * contents; `include` globs are matched against its keys. Never throws: every problem is a
 * diagnostic with drbdadm's exact text. A file stops at its first parse error (drbdadm exits
 * there); semantic checks report all problems (drbdadm exits at the first `fatal` one, so a
 * caller imitating drbdadm prints diagnostics up to and including the first fatal).
 * `hostname` only enables drbdadm's parse-time checks that apply to the local host's sections.
 */
export function parseConfig(
  files: Record<string, string>,
  opts: { entry?: string; hostname?: string } = {},
): ParseResult {
  const entry = opts.entry ?? DEFAULT_ENTRY;
  const all = { ...files };
  if (all[entry] === undefined) {
    if (entry !== DEFAULT_ENTRY) {
      const config: DrbdConfig = { entry, files: [], global: null, common: null, resources: [] };
      return {
        config,
        diagnostics: [
          {
            file: entry,
            line: 0,
            location: "",
            severity: "error",
            code: "no-config",
            fatal: true,
            message: `Can not open '${entry}': No such file or directory`,
            messageFr: `Le fichier de configuration ${entry} n'existe pas.`,
          },
        ],
      };
    }
    all[entry] = DEFAULT_DRBD_CONF;
  }
  const ctx = newContext(all, entry, opts.hostname);
  try {
    parseFile(ctx, entry);
    postParse(ctx);
  } catch (e) {
    // A bug here must not take the simulated node down: report it as a diagnostic.
    ctx.diags.push({
      file: entry,
      line: 0,
      location: "",
      severity: "error",
      code: "internal",
      message: `internal parser error: ${(e as Error).message}`,
      messageFr: "Erreur interne de l'analyseur.",
    });
  }
  return { config: ctx.config, diagnostics: ctx.diags };
}
