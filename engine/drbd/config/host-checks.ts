import type { Diagnostic, DrbdConfig } from "./model";
import { findMe } from "./resolve";
import { connectionsOf } from "./topology";

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

/**
 * set_peer_in_connection() with peer_required, as ctx_by_name() runs it for a resource named on
 * the command line (U9 drbdadm_postparse.c): a connection of this host whose path has fewer
 * than two host/address pairs — the implicit connection of a two-node resource whose peer has
 * no `address` — is "Missing statement 'host <PEER> '" (the connection's line, 0 when implicit).
 * drbdadm sets config_valid = 0: every command but `dump` then exits 10.
 */
export function missingPeerStatements(
  config: DrbdConfig,
  name: string,
  hostname: string,
  ips: readonly string[] = [],
): Diagnostic[] {
  const res = config.resources.find((r) => r.name === name);
  const me = res ? findMe(res, hostname, ips)[0] : undefined;
  if (!res || !me) return [];
  const out: Diagnostic[] = [];
  for (const conn of connectionsOf(res).connections) {
    // set_me_in_resource(): a connection without this host is ignored
    if (!conn.endpoints.some((e) => e.host === me) || conn.endpoints.length >= 2) continue;
    const peers = res.hosts.filter((h) => h !== me && !conn.endpoints.some((e) => e.host === h));
    out.push({
      file: res.file,
      line: conn.line,
      severity: "error",
      code: "missing-peer-host",
      message: `in connection in resource ${res.name}:\n\tMissing statement 'host <PEER> '.`,
      messageFr: `Ressource ${res.name} : la connexion n'a pas de pair joignable${
        peers.length ? ` (la section « on ${peers[0]?.names[0] ?? ""} { } » n'a pas d'« address »)` : ""
      } : ajoutez l'adresse IP:port du pair.`,
    });
  }
  return out;
}
