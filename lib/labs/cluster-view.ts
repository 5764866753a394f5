import type { Lab } from "@/engine/index";

/** What the cluster diagram shows; plain JSON sent with every lab reply. */
export interface PeerView {
  peer: string;
  /** Connected, Connecting, StandAlone… (drbdsetup status `connection:`) */
  cstate: string;
  peerRole: string | null;
  /** Established, SyncSource, SyncTarget… */
  replication: string | null;
  peerDisk: string | null;
  /** Resync progress in percent while a resync runs. */
  done: number | null;
}

export interface ResourceView {
  name: string;
  role: string;
  disk: string;
  peers: PeerView[];
}

export interface NodeView {
  name: string;
  container: string;
  ip: string;
  site?: string;
  /** running | stopped | absent (containers not created yet) */
  status: "running" | "stopped" | "absent";
  resources: ResourceView[];
  /** Where a DRBD device is mounted on this node, if anywhere. */
  mounts: { device: string; mountpoint: string }[];
}

export interface LinkView {
  a: string;
  b: string;
  /** up, partitioned (no packet goes through), slowed down by netem, or down (a node is not running) */
  state: "up" | "partitioned" | "latency" | "down";
  latencyMs: number;
}

export interface ClusterView {
  virtualTimeMs: number;
  nodes: NodeView[];
  links: LinkView[];
}

interface DrbdSnapshotResource {
  role: string;
  devices: { disk: string }[];
  connections: {
    peer: string;
    cstate: string;
    peerRole?: string;
    peerDevices: { replication?: string; peerDisk?: string; done?: number | null }[];
  }[];
}

export function clusterView(lab: Lab): ClusterView {
  const world = lab.world;
  const drbd = (world.subsystems.find((s) => s.name === "drbd")?.snapshot?.() ?? {}) as Record<
    string,
    Record<string, DrbdSnapshotResource>
  >;
  const nodes: NodeView[] = world.topology.nodes.map((spec) => {
    const n = world.node(spec.name);
    const status = !n?.exists ? "absent" : n.state === "running" ? "running" : "stopped";
    const resources = Object.entries(drbd[spec.name] ?? {}).map(([name, r]) => ({
      name,
      role: r.role,
      disk: r.devices[0]?.disk ?? "Diskless",
      peers: r.connections.map((c) => {
        const pd = c.peerDevices[0];
        return {
          peer: c.peer,
          cstate: c.cstate,
          peerRole: c.peerRole ?? null,
          replication: pd?.replication ?? null,
          peerDisk: pd?.peerDisk ?? null,
          done: typeof pd?.done === "number" ? pd.done : null,
        };
      }),
    }));
    return {
      name: spec.name,
      container: n?.container ?? `drbd-${spec.name}`,
      ip: spec.ip,
      ...(spec.site ? { site: spec.site } : {}),
      status,
      resources: status === "running" ? resources : [],
      mounts: (n?.mounts ?? [])
        .filter((m) => m.device.startsWith("/dev/drbd"))
        .map((m) => ({ device: m.device, mountpoint: m.mountpoint })),
    };
  });
  const links: LinkView[] = [];
  const names = world.topology.nodes.map((n) => n.name);
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++) {
      const a = names[i] as string;
      const b = names[j] as string;
      const there = world.net.path(a, b);
      const back = world.net.path(b, a);
      const latencyMs = Math.round((Math.max(there.latencyUs, back.latencyUs) / 1000) * 10) / 10;
      const slowed = world.net.netem(a) !== undefined || world.net.netem(b) !== undefined;
      const bothRun = world.node(a)?.running === true && world.node(b)?.running === true;
      const state = !bothRun ? "down" : !there.up || !back.up ? "partitioned" : slowed ? "latency" : "up";
      links.push({ a, b, state, latencyMs });
    }
  return { virtualTimeMs: Math.floor(world.clock.now / 1000), nodes, links };
}
