/**
 * Lab topologies as data. Nothing in the engine assumes two nodes: every loop goes over
 * `topology.nodes`, and links between sites are looked up by site name.
 */
export interface NodeSpec {
  /** Compose service name, hostname and `on <name>` in the DRBD config. */
  name: string;
  ip: string;
  site?: string;
  /** Backing disks: path and size in bytes. */
  disks: { path: string; sizeBytes: number }[];
}

export interface LinkSpec {
  /** One-way latency in microseconds. */
  latencyUs: number;
  /** Bandwidth in bytes per second. */
  bandwidthBps: number;
  /** Packet loss in [0, 1]. */
  loss: number;
}

export interface Topology {
  id: string;
  /** Docker network name as declared in docker-compose.yaml. */
  network: string;
  subnet: string;
  gateway: string;
  nodes: NodeSpec[];
  /** Link between two nodes of the same site (or with no site). */
  lan: LinkSpec;
  /** Link between two different sites, when there are sites. */
  wan?: LinkSpec;
}

const GIB = 1024 ** 3;
/** A bridged veth on one host: ~50 µs one-way, 10 Gbit/s. */
const LAN: LinkSpec = { latencyUs: 50, bandwidthBps: 1_250_000_000, loss: 0 };
/** Paris–Lyon: ~10 ms one-way, 1 Gbit/s. */
const WAN: LinkSpec = { latencyUs: 10_000, bandwidthBps: 125_000_000, loss: 0 };

function node(n: number, site?: string): NodeSpec {
  const spec: NodeSpec = { name: `node${n}`, ip: `172.28.0.${10 + n}`, disks: [{ path: "/dev/sda1", sizeBytes: GIB }] };
  if (site) spec.site = site;
  return spec;
}

const base = { network: "drbd_net", subnet: "172.28.0.0/16", gateway: "172.28.0.1", lan: LAN };

export const TOPOLOGIES: Record<string, Topology> = {
  "two-nodes": { id: "two-nodes", ...base, nodes: [node(1), node(2)] },
  /** Exercise 9.1: a second backing disk per node for a second resource (r1). */
  "two-nodes-two-disks": {
    id: "two-nodes-two-disks",
    ...base,
    nodes: [node(1), node(2)].map((n) => ({ ...n, disks: [...n.disks, { path: "/dev/sdb1", sizeBytes: GIB / 2 }] })),
  },
  "three-nodes": { id: "three-nodes", ...base, nodes: [node(1), node(2), node(3)] },
  "two-sites": {
    id: "two-sites",
    ...base,
    nodes: [node(1, "paris"), node(2, "paris"), node(3, "lyon"), node(4, "lyon")],
    wan: WAN,
  },
};

export type TopologyId = keyof typeof TOPOLOGIES;

export function getTopology(id: string | Topology | undefined): Topology {
  if (id === undefined) return TOPOLOGIES["two-nodes"] as Topology;
  if (typeof id !== "string") return id;
  const t = TOPOLOGIES[id];
  if (!t) throw new Error(`unknown topology: ${id} (known: ${Object.keys(TOPOLOGIES).join(", ")})`);
  return t;
}
