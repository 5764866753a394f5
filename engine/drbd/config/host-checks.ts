import type { Diagnostic, DrbdConfig } from "./model";
import { findMe } from "./resolve";

/**
 * Checks that need the node's identity (drbdadm_main.c: "not defined in your config",
 * `verify_ips()`, set_me_in_resource's "multiple host sections").
 */
export function checkForHost(
  config: DrbdConfig,
  hostname: string,
  opts: { ips?: readonly string[]; resources?: readonly string[] } = {},
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const wanted = opts.resources ?? config.resources.map((r) => r.name);
  for (const name of wanted) {
    const res = config.resources.find((r) => r.name === name);
    const me = res ? findMe(res, hostname, opts.ips ?? []) : [];
    if (!res || me.length === 0) {
      out.push({
        file: res?.file ?? config.entry,
        line: res?.line ?? 0,
        location: "",
        severity: "error",
        code: "not-defined-for-host",
        message: `'${name}' not defined in your config (for this host).`,
        messageFr: res
          ? `La ressource ${name} n'a pas de section « on ${hostname} { } » : ce nœud ne la connaît pas (le nom doit être celui de « uname -n »).`
          : `La ressource ${name} n'existe dans aucun fichier de configuration.`,
      });
      continue;
    }
    const [first, second] = me;
    if (first && second) {
      out.push({
        file: res.file,
        line: second.line,
        severity: "error",
        code: "multiple-host-sections",
        message: `in resource ${res.name}, on ${first.names.join(" ")} { ... } ... on ${second.names.join(" ")} { ... }:\n\tThere are multiple host sections for this node.`,
        messageFr: `Ressource ${res.name} : plusieurs sections « on » désignent ce nœud.`,
      });
    }
    const addr = first?.address;
    if (
      opts.ips &&
      addr &&
      !config.global?.disableIpVerification &&
      !opts.ips.includes(addr.addr) &&
      !addr.addr.startsWith("127.")
    ) {
      out.push({
        file: res.file,
        line: first?.addressLine ?? res.line,
        location: res.file,
        severity: "error",
        code: "ip-not-found",
        message: `in resource ${res.name}, on ${first?.names.join(" ")}:\n\tIP ${addr.addr} not found on this host.`,
        messageFr: `Ressource ${res.name} : l'adresse ${addr.addr} de la section « on ${first?.names.join(" ")} » n'est configurée sur aucune interface de ce nœud (vérifiez « ip addr »).`,
      });
    }
  }
  return out;
}
