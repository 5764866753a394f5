import type { Address, ConfigOption, HostSection, PeerDeviceSection, Resource, Volume } from "./model";

/**
 * Derived views of a resource that drbdadm builds in post-parse (U9 drbdadm_postparse.c):
 * host volumes with resource-level defaults inherited, and the list of connections
 * (explicit, from connection-mesh, or the implicit one of a two-node resource).
 */

/** hostnames_equal(): case-insensitive; a short name matches the FQDN's first label. */
export function hostnamesEqual(a: string, b: string): boolean {
  const da = a.indexOf(".");
  const db = b.indexOf(".");
  if (da >= 0 && db >= 0) return a.toLowerCase() === b.toLowerCase();
  const sa = da >= 0 ? a.slice(0, da) : a;
  const sb = db >= 0 ? b.slice(0, db) : b;
  return sa.toLowerCase() === sb.toLowerCase();
}

export function findHost(res: Resource, name: string): HostSection | undefined {
  return res.hosts.find((h) => h.names.some((n) => hostnamesEqual(n, name)));
}

/** inherit_volumes(): a host's volumes completed with the resource-level ones. */
export function hostVolumes(res: Resource, host: HostSection): Volume[] {
  const out = host.volumes.map((v) => ({ ...v }));
  for (const s of res.volumes) {
    let t = out.find((v) => v.vnr === s.vnr);
    if (!t) {
      t = {
        ...s,
        device: undefined,
        disk: undefined,
        metaDisk: undefined,
        metaIndex: undefined,
        minor: -1,
        parsedDevice: false,
        parsedDisk: false,
        parsedMetaDisk: false,
        diskOptions: [],
        deviceOptions: [],
        peerDeviceOptions: [],
      };
      const at = out.findIndex((v) => v.vnr > s.vnr);
      if (at < 0) out.push(t);
      else out.splice(at, 0, t);
    }
    if (t.disk === undefined && s.disk !== undefined) t.disk = s.disk;
    if (t.device === undefined && s.device !== undefined) t.device = s.device;
    if (t.minor === -1 && s.minor !== -1) t.minor = s.minor;
    if (t.metaDisk === undefined && s.metaDisk !== undefined) {
      t.metaDisk = s.metaDisk;
      t.metaIndex = s.metaIndex;
    }
  }
  for (const v of out) {
    // check_volume_complete(): a disk without meta-disk means internal meta-data
    if (v.disk !== undefined && v.disk !== "none" && v.metaDisk === undefined && v.metaIndex === undefined) {
      v.metaDisk = "internal";
      v.metaIndex = "internal";
    }
  }
  return out;
}

export interface Endpoint {
  host: HostSection;
  address: Address | undefined;
  /** drbdadm's config_line of the host/address pair: 0 for implicit connections. */
  line: number;
}

export interface EffectiveConnection {
  implicit: boolean;
  fromMesh: boolean;
  line: number;
  endpoints: Endpoint[];
  /** The endpoints of the connection's second and later `path { }` sections (one new-path each). */
  extraPaths: Endpoint[][];
  net: ConfigOption[];
  peerDevice: ConfigOption[];
  volumes: PeerDeviceSection[];
}

export interface TopologyProblem {
  kind: "mesh-unknown-host" | "too-many-hosts" | "unknown-host" | "mesh-no-address" | "cannot-determine";
  name: string;
  line: number;
  detail?: string;
}

/** Connections of a resource as drbdadm expands them; problems are returned, not printed. */
export function connectionsOf(res: Resource): { connections: EffectiveConnection[]; problems: TopologyProblem[] } {
  const problems: TopologyProblem[] = [];
  const connections: EffectiveConnection[] = [];
  for (const conn of res.connections) {
    const paths: Endpoint[][] = [];
    for (const [i, path] of conn.paths.entries()) {
      const endpoints: Endpoint[] = [];
      for (const ha of path.hosts) {
        const host = ha.byAddress
          ? res.hosts.find(
              (h) =>
                h.address &&
                ha.address &&
                h.address.addr === ha.address.addr &&
                h.address.port === ha.address.port &&
                h.address.af === ha.address.af,
            )
          : findHost(res, ha.name);
        if (!host) {
          // drbdadm reports the first such host of a connection and leaves the connection there
          if (i === 0) problems.push({ kind: "unknown-host", name: ha.name, line: ha.line });
          break;
        }
        let address = ha.address ?? (host.address ? { ...host.address } : undefined);
        if (address && ha.port !== undefined) address = { ...address, port: ha.port };
        if (i > 0) {
          // later paths: their problems are not reported here (the first path's are)
        } else if (!ha.address && ha.port !== undefined && !host.address) {
          problems.push({ kind: "cannot-determine", name: ha.name, line: ha.line, detail: "address" });
        } else if (!address) {
          problems.push({ kind: "cannot-determine", name: ha.name, line: ha.line, detail: "address and port" });
        }
        endpoints.push({ host, address, line: ha.line });
      }
      paths.push(endpoints);
    }
    if (paths.length)
      connections.push({
        implicit: false,
        fromMesh: false,
        line: conn.line,
        endpoints: paths[0] as Endpoint[],
        extraPaths: paths.slice(1),
        net: conn.net,
        peerDevice: conn.peerDevice,
        volumes: conn.volumes,
      });
  }
  for (const mesh of res.meshes) {
    const hosts: HostSection[] = [];
    for (const name of mesh.hosts) {
      const h = findHost(res, name);
      if (!h) {
        problems.push({ kind: "mesh-unknown-host", name, line: res.line });
        return { connections, problems };
      }
      hosts.push(h);
    }
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++) {
        const a = hosts[i] as HostSection;
        const b = hosts[j] as HostSection;
        if (a === b) continue;
        for (const h of [a, b])
          if (!h.address) problems.push({ kind: "mesh-no-address", name: h.names[0] ?? "", line: res.line });
        connections.push({
          implicit: true,
          fromMesh: true,
          line: 0,
          endpoints: [a, b].map((host) => ({ host, address: host.address, line: 0 })),
          extraPaths: [],
          net: mesh.net,
          peerDevice: [],
          volumes: [],
        });
      }
    }
  }
  if (res.connections.length === 0 && res.meshes.length === 0) {
    if (res.hosts.length > 2) problems.push({ kind: "too-many-hosts", name: res.name, line: res.line });
    else if (res.hosts.length === 2) {
      const endpoints = res.hosts.filter((h) => h.address).map((host) => ({ host, address: host.address, line: 0 }));
      connections.push({
        implicit: true,
        fromMesh: false,
        line: 0,
        endpoints,
        extraPaths: [],
        net: [],
        peerDevice: [],
        volumes: [],
      });
    }
  }
  return { connections, problems };
}
