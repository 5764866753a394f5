import { frConflict } from "./messages-fr";
import type { Diagnostic, HostSection, Resource } from "./model";
import { implicitNodeIds } from "./node-id";
import type { ParseContext } from "./parser-core";
import { connectionsOf, hostVolumes } from "./topology";

/** The semantic checks drbdadm runs after parsing (U9 drbdadm_postparse.c `post_parse`). */

const hostStr = (h: HostSection): string => h.names.join(" ");

function push(ctx: ParseContext, d: Diagnostic): void {
  ctx.diags.push(d);
  if (d.severity === "error") ctx.valid = false;
}

/** derror(): `in resource r0, on alice { ... }: 'disk' keyword missing.` */
function missing(ctx: ParseContext, res: Resource, host: HostSection, keyword: string): void {
  const why: Record<string, string> = {
    "node-id":
      res.hosts.length > 2
        ? "avec plus de deux hôtes, chaque section « on » doit avoir son node-id"
        : res.hosts.length < 2
          ? "une ressource a besoin d'une section « on » par nœud (il en manque une), sinon chaque hôte doit avoir un node-id"
          : "drbdadm ne peut pas calculer les node-id sans l'adresse (address IP:port) de chaque hôte",
    disk: "indiquez le disque sous-jacent (disk /dev/sda1;) ou disk none; pour un client sans disque",
    device: "indiquez le périphérique DRBD (device /dev/drbd0;)",
  };
  push(ctx, {
    file: res.file,
    line: host.line,
    severity: "error",
    code: "keyword-missing",
    message: `in resource ${res.name}, on ${hostStr(host)} { ... }: '${keyword}' keyword missing.`,
    messageFr: `Ressource ${res.name}, section « on ${hostStr(host)} » (ligne ${host.line}) : mot-clé « ${keyword} » manquant — ${why[keyword] ?? "il est obligatoire"}.`,
  });
}

function conflictUniq(ctx: ParseContext, what: string, key: string, file: string, line: number): void {
  const first = ctx.globalTree.get(key);
  if (!first) {
    ctx.globalTree.set(key, { file, line });
    return;
  }
  push(ctx, {
    file,
    line,
    severity: "error",
    code: "conflict",
    fatal: true,
    message: `conflicting use of ${what} '${key}' ...\n${first.file}:${first.line}: ${what} '${key}' first used here.`,
    messageFr: frConflict(what, key, first),
  });
}

function checkVolumes(ctx: ParseContext, res: Resource): void {
  let anyImplicit = false;
  let anyNonZero = false;
  for (const host of res.hosts) {
    for (const s of res.volumes) {
      const own = host.volumes.find((v) => v.vnr === s.vnr);
      for (const h of host.names) {
        if (s.disk !== undefined && own?.disk === undefined)
          conflictUniq(ctx, "disk", `disk:${h}:${s.disk}`, s.file, s.diskLine ?? s.line);
        if (s.minor !== -1 && (own === undefined || own.minor === -1)) {
          conflictUniq(ctx, "device-minor", `device-minor:${h}:${s.minor}`, s.file, s.deviceLine ?? s.line);
          if (s.device !== undefined && own?.device === undefined)
            conflictUniq(ctx, "device", `device:${h}:${s.device}`, s.file, s.deviceLine ?? s.line);
        }
      }
    }
    const vols = hostVolumes(res, host);
    for (const v of vols) {
      anyImplicit ||= v.implicit;
      anyNonZero ||= v.vnr !== 0;
      if (host.kind === "stacked") continue;
      if (v.device === undefined && v.minor === -1) missing(ctx, res, host, "device");
      if (v.disk === undefined && (v.metaDisk !== undefined || v.metaIndex !== undefined))
        missing(ctx, res, host, "disk");
    }
  }
  const first = res.hosts[0];
  if (first) {
    const a = hostVolumes(res, first).map((v) => v.vnr);
    for (const host of res.hosts.slice(1)) {
      const b = hostVolumes(res, host).map((v) => v.vnr);
      for (const vnr of a.filter((x) => !b.includes(x)))
        push(ctx, {
          file: res.file,
          line: res.line,
          severity: "error",
          code: "volume-mismatch",
          message: `in resource ${res.name}, on ${hostStr(first)} { ... }: volume ${vnr} not defined on ${hostStr(host)}`,
          messageFr: `Ressource ${res.name} : le volume ${vnr} existe sur ${hostStr(first)} mais pas sur ${hostStr(host)} ; chaque hôte doit déclarer les mêmes volumes.`,
        });
      for (const vnr of b.filter((x) => !a.includes(x)))
        push(ctx, {
          file: res.file,
          line: res.line,
          severity: "error",
          code: "volume-mismatch",
          message: `in resource ${res.name}, on ${hostStr(first)} { ... }: volume ${vnr} missing (present on ${hostStr(host)})`,
          messageFr: `Ressource ${res.name} : le volume ${vnr} existe sur ${hostStr(host)} mais pas sur ${hostStr(first)}.`,
        });
    }
  }
  if (anyImplicit && anyNonZero)
    push(ctx, {
      file: res.file,
      line: res.line,
      severity: "error",
      code: "mixed-volumes",
      message: `in resource ${res.name}: you must not mix implicit and explicit volumes`,
      messageFr: `Ressource ${res.name} : ne mélangez pas volumes implicites et volumes « volume N { } ».`,
    });
}

function checkConnections(ctx: ParseContext, res: Resource): void {
  for (const conn of res.connections)
    for (const path of conn.paths)
      if (path.hosts.length !== 2)
        push(ctx, {
          file: res.file,
          line: path.line,
          severity: "error",
          code: "two-endpoints",
          message: `Resource ${res.name}: ${path.implicit ? "connection" : "path"} needs to have two endpoints`,
          messageFr: `Ressource ${res.name} (ligne ${path.line}) : une connexion relie exactement deux hôtes.`,
        });
  if (!ctx.valid) return;
  const { connections, problems } = connectionsOf(res);
  for (const p of problems) {
    if (p.kind === "mesh-unknown-host")
      push(ctx, {
        file: res.file,
        line: res.line,
        severity: "error",
        code: "mesh-unknown-host",
        message: `in resource ${res.name}:\n\tThere is no 'on' section for hostname '${p.name}' named in the connection-mesh`,
        messageFr: `Ressource ${res.name} : l'hôte « ${p.name} » de connection-mesh n'a pas de section « on ${p.name} { } ».`,
      });
    else if (p.kind === "too-many-hosts")
      push(ctx, {
        file: res.file,
        line: res.line,
        location: "",
        severity: "error",
        code: "need-connections",
        message: `Resource ${res.name}:\n\tUse explicit 'connection' sections (or a 'connection-mesh' section) with more than two 'on' sections.`,
        messageFr: `Ressource ${res.name} : avec plus de deux hôtes, décrivez les liens avec connection-mesh { hosts … ; } ou des sections connection.`,
      });
    else if (p.kind === "mesh-no-address")
      push(ctx, {
        file: res.file,
        line: res.line,
        location: "",
        severity: "error",
        code: "mesh-no-address",
        message: `"connection-mesh" (for "${res.name}") with a host ("${p.name}") that has no "address" defined`,
        messageFr: `Ressource ${res.name} : l'hôte ${p.name} de connection-mesh n'a pas d'adresse.`,
      });
    else if (p.kind === "unknown-host")
      push(ctx, {
        file: res.file,
        line: p.line,
        severity: "error",
        code: "unknown-host",
        message: `in resource ${res.name} a hostname ("${p.name}") is given\nwith a "host" keyword, has no "address" keyword, and no matching\nhost section ("on" keyword)`,
        messageFr: `Ressource ${res.name} (ligne ${p.line}) : l'hôte « ${p.name} » de la connexion n'a pas de section « on ».`,
      });
    else
      push(ctx, {
        file: res.file,
        line: p.line,
        severity: "error",
        code: "cannot-determine",
        message: `Resource ${res.name}, host ${p.name}: cannot determine which ${p.detail} to use`,
        messageFr: `Ressource ${res.name} : impossible de déterminer l'adresse de l'hôte ${p.name}.`,
      });
  }
  // _set_host_info_in_host_address_pairs(): every implicit connection — the one of a two-node
  // resource and each one a connection-mesh creates, in order — whose two hosts both lack a
  // node-id gives them implicit ones. In a mesh of three hosts without node-id the first
  // connection (host 1 – host 2) takes them, the others already have one host with an id, so
  // only the last host is "'node-id' keyword missing" (drbd-utils 9.22 to 9.34 alike).
  for (const conn of connections) {
    if (!conn.implicit || conn.endpoints.length !== 2) continue;
    const [a, b] = conn.endpoints as [(typeof conn.endpoints)[0], (typeof conn.endpoints)[0]];
    if (a.host.nodeId !== undefined || b.host.nodeId !== undefined || !a.address || !b.address) continue;
    const ids = implicitNodeIds(a.address.addr, b.address.addr);
    if (!ids) {
      push(ctx, {
        file: res.file,
        line: res.line,
        location: "",
        severity: "error",
        code: "equal-hashes",
        fatal: true,
        message: "BAD LUCK, equal hashes",
        messageFr: `Ressource ${res.name} : les deux hôtes ont la même adresse ${a.address.addr} ; chaque nœud doit avoir sa propre IP.`,
      });
      return;
    }
    a.host.nodeId = ids[0];
    b.host.nodeId = ids[1];
    a.host.implicitNodeId = true;
    b.host.implicitNodeId = true;
  }
  for (const host of res.hosts) if (host.nodeId === undefined) missing(ctx, res, host, "node-id");
}

/** check_addr_conflict(): an af:ip:port may serve only one resource. */
function checkAddressConflicts(ctx: ParseContext, resources: Resource[]): void {
  const seen = new Map<string, { res: Resource; line: number }>();
  const flagged = new Set<string>();
  for (const res of resources) {
    for (const conn of connectionsOf(res).connections) {
      const keys: string[] = [];
      for (const ep of conn.endpoints) {
        const a = ep.address;
        if (!a || a.addr.startsWith("127.") || a.addr === "::1") continue;
        const key = `${a.af}:${a.addr}:${a.port}`;
        keys.push(key);
        const first = seen.get(key);
        if (!first) seen.set(key, { res, line: ep.line });
        else if (first.res !== res && !flagged.has(key)) {
          flagged.add(key);
          push(ctx, {
            file: res.file,
            line: ep.line || (ep.host.addressLine ?? ep.host.line),
            location: `${res.file}:${ep.line}`,
            severity: "error",
            code: "address-conflict",
            message: `in resource ${res.name}\n    ${key} is also used ${first.res.file}:${first.line} (resource ${first.res.name})`,
            messageFr: `L'adresse ${a.addr}:${a.port} de la ressource ${res.name} est déjà utilisée par la ressource ${first.res.name} : chaque ressource a besoin de son propre port (ex. 7789).`,
          });
        }
      }
      if (keys.length === 2 && keys[0] === keys[1])
        push(ctx, {
          file: res.file,
          line: conn.line,
          severity: "error",
          code: "address-both-endpoints",
          message: `in resource ${res.name} ${keys[0]} is used for both endpoints`,
          messageFr: `Ressource ${res.name} : la même adresse sert aux deux extrémités de la connexion.`,
        });
    }
  }
}

/**
 * set_on_hosts_in_res(): a `stacked-on-top-of LOWER` section stands for every host of the lower
 * resource (its on_hosts are theirs, in order: `# on node1 node2` in dump, `node1_node2` as the
 * connection's name).
 */
function setStackedOnHosts(ctx: ParseContext, resources: Resource[]): void {
  for (const res of resources)
    for (const host of res.hosts) {
      if (host.kind !== "stacked") continue;
      const lower = resources.find((r) => r.name === host.lowerResource);
      if (!lower) {
        push(ctx, {
          file: res.file,
          line: res.line,
          severity: "error",
          code: "unknown-lower-resource",
          message: `in resource ${res.name}, referenced resource '${host.lowerResource}' not defined.`,
          messageFr: `Ressource ${res.name} : la ressource inférieure « ${host.lowerResource} » de stacked-on-top-of n'est définie nulle part.`,
        });
        continue;
      }
      host.names = lower.hosts.filter((h) => h.kind !== "stacked").flatMap((h) => h.names);
    }
}

export function postParse(ctx: ParseContext): void {
  const resources = ctx.config.resources;
  setStackedOnHosts(ctx, resources);
  for (const res of resources) checkVolumes(ctx, res);
  for (const res of resources) checkConnections(ctx, res);
  if (ctx.valid) checkAddressConflicts(ctx, resources);
}
