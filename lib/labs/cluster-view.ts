import { DrbdSubsystem } from "@/engine/drbd/index";
import type { DrbdSnapshot } from "@/engine/drbd/snapshot";
import type { Lab } from "@/engine/index";

/** What the cluster diagram shows; plain JSON sent with every lab reply. */

/** One volume of a connection, as one end sees it (drbdsetup status `peer-device`). */
export interface PeerVolumeView {
  volume: number;
  /** Established, SyncSource, SyncTarget, Off… */
  replication: string;
  peerDisk: string;
  /** Resync progress in percent while a resync runs. */
  done: number | null;
}

/** One end of a DRBD connection (drbdsetup status, `<peer> connection:`). */
export interface PeerView {
  peer: string;
  /** Connected, Connecting, StandAlone… */
  cstate: string;
  peerRole: string | null;
  /** Protocol of this connection (A, B or C), when the kernel knows it. */
  protocol: string | null;
  /** First volume's replication state (the usual single-volume case). */
  replication: string | null;
  peerDisk: string | null;
  /** Resync progress of the first volume that is resyncing, in percent. */
  done: number | null;
  volumes: PeerVolumeView[];
}

export interface VolumeView {
  volume: number;
  minor: number;
  disk: string;
  quorum: boolean;
}

export interface ResourceView {
  name: string;
  role: string;
  /** First volume's disk state. */
  disk: string;
  volumes: VolumeView[];
  /** I/O suspended (no quorum, no data, `suspend-io`). */
  suspended: boolean;
  /** Quorum of the resource when a quorum policy is set (null: `quorum off`). */
  quorum: { policy: string; has: boolean } | null;
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
  /** One-way latency (the slower direction), in milliseconds. */
  latencyMs: number;
  /** The two nodes are on different sites (the WAN link). */
  wan: boolean;
  /** Packet loss in percent (topology + netem), the worse direction. */
  lossPct: number;
}

/** One DRBD connection seen from both ends: what the figure draws between two nodes. */
export interface ConnectionView {
  resource: string;
  a: string;
  b: string;
  protocol: string | null;
  /** a's view of b and b's view of a; null when that end has no such connection (down, not configured). */
  fromA: PeerView | null;
  fromB: PeerView | null;
}

export interface PacemakerView {
  clusterName: string;
  nodes: { name: string; online: boolean; standby: boolean }[];
  /** Where each cluster resource runs (clones: promoted and running nodes). */
  resources: { id: string; clone: string | null; running: string[]; promoted: string[] }[];
  quorate: boolean;
}

export interface ClusterView {
  virtualTimeMs: number;
  /** Site names in node order ([] when the topology has no sites). */
  sites: string[];
  /** Every DRBD resource up on some node, sorted. */
  resources: string[];
  nodes: NodeView[];
  connections: ConnectionView[];
  links: LinkView[];
  pacemaker: PacemakerView | null;
}

interface PacemakerSnapshot {
  configured: boolean;
  clusterName?: string;
  nodes?: Record<string, { online?: boolean; standby?: boolean }>;
  partitions?: {
    members: string[];
    quorate: boolean;
    clones: Record<string, { running: string[]; promoted: string[] }>;
    active?: Record<string, string[]>;
    primitives: Record<string, string | null>;
  }[];
  resources?: { id: string; clone: string | null }[];
}

/** Protocol and quorum policy of each resource per node, straight from the DRBD kernel's config. */
function drbdConf(lab: Lab): (node: string, res: string) => { quorum: string; protocols: Map<string, string> } | null {
  const sub = lab.world.subsystems.find((s) => s instanceof DrbdSubsystem);
  if (!(sub instanceof DrbdSubsystem)) return () => null;
  return (nodeName, resName) => {
    const node = lab.world.node(nodeName);
    const res = node ? sub.k.resources(node).get(resName) : undefined;
    if (!res) return null;
    const protocols = new Map<string, string>();
    for (const c of res.connections.values()) protocols.set(c.peerName, c.net.protocol);
    return { quorum: String(res.conf.options.quorum), protocols };
  };
}

function pacemakerView(snap: PacemakerSnapshot | undefined): PacemakerView | null {
  if (!snap?.configured) return null;
  const parts = snap.partitions ?? [];
  const running = (id: string) => [...new Set(parts.flatMap((p) => p.clones[id]?.running ?? p.active?.[id] ?? []))];
  const promoted = (id: string) => [...new Set(parts.flatMap((p) => p.clones[id]?.promoted ?? []))];
  return {
    clusterName: snap.clusterName ?? "",
    nodes: Object.entries(snap.nodes ?? {}).map(([name, n]) => ({
      name,
      online: n.online === true,
      standby: n.standby === true,
    })),
    resources: (snap.resources ?? []).map((r) => ({
      id: r.id,
      clone: r.clone,
      running: running(r.id).sort(),
      promoted: promoted(r.id).sort(),
    })),
    quorate: parts.some((p) => p.quorate),
  };
}

export function clusterView(lab: Lab): ClusterView {
  const world = lab.world;
  const drbd: DrbdSnapshot = world.subsystem<DrbdSubsystem>("drbd")?.snapshot() ?? {};
  const conf = drbdConf(lab);
  const nodes: NodeView[] = world.topology.nodes.map((spec) => {
    const n = world.node(spec.name);
    const status = !n?.exists ? "absent" : n.state === "running" ? "running" : "stopped";
    const resources = Object.entries(drbd[spec.name] ?? {}).map(([name, r]): ResourceView => {
      const c = conf(spec.name, name);
      const volumes = r.devices.map((d) => ({
        volume: d.volume,
        minor: d.minor,
        disk: d.disk,
        quorum: d.quorum !== false,
      }));
      return {
        name,
        role: r.role,
        disk: volumes[0]?.disk ?? "Diskless",
        volumes,
        suspended: r.suspended === true,
        quorum: c && c.quorum !== "off" ? { policy: c.quorum, has: volumes.every((v) => v.quorum) } : null,
        peers: r.connections.map((cn) => {
          const vols = cn.peerDevices.map((pd, i) => ({
            volume: pd.volume ?? i,
            replication: pd.replication ?? "Off",
            peerDisk: pd.peerDisk ?? "DUnknown",
            done: typeof pd.done === "number" ? pd.done : null,
          }));
          return {
            peer: cn.peer,
            cstate: cn.cstate,
            peerRole: cn.peerRole ?? null,
            protocol: c?.protocols.get(cn.peer) ?? null,
            replication: vols[0]?.replication ?? null,
            peerDisk: vols[0]?.peerDisk ?? null,
            done: vols.find((v) => v.done !== null)?.done ?? null,
            volumes: vols,
          };
        }),
      };
    });
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

  const names = world.topology.nodes.map((n) => n.name);
  const pairs: [string, string][] = [];
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++) pairs.push([names[i] as string, names[j] as string]);

  const siteOf = new Map(world.topology.nodes.map((n) => [n.name, n.site]));
  const links: LinkView[] = pairs.map(([a, b]) => {
    const there = world.net.path(a, b);
    const back = world.net.path(b, a);
    const us = Math.max(there.latencyUs, back.latencyUs);
    const latencyMs = us >= 1000 ? Math.round(us / 100) / 10 : Math.round(us / 10) / 100;
    const slowed = world.net.netem(a) !== undefined || world.net.netem(b) !== undefined;
    const bothRun = world.node(a)?.running === true && world.node(b)?.running === true;
    const state = !bothRun ? "down" : !there.up || !back.up ? "partitioned" : slowed ? "latency" : "up";
    const wan = siteOf.get(a) !== undefined && siteOf.get(b) !== undefined && siteOf.get(a) !== siteOf.get(b);
    const lossPct = Math.round(Math.max(there.loss, back.loss) * 1000) / 10;
    return { a, b, state, latencyMs, wan, lossPct };
  });

  const resources = [...new Set(nodes.flatMap((n) => n.resources.map((r) => r.name)))].sort();
  const peerOf = (node: string, res: string, peer: string) =>
    nodes
      .find((n) => n.name === node)
      ?.resources.find((r) => r.name === res)
      ?.peers.find((p) => p.peer === peer) ?? null;
  const connections: ConnectionView[] = [];
  for (const res of resources)
    for (const [a, b] of pairs) {
      const fromA = peerOf(a, res, b);
      const fromB = peerOf(b, res, a);
      if (!fromA && !fromB) continue;
      connections.push({ resource: res, a, b, protocol: fromA?.protocol ?? fromB?.protocol ?? null, fromA, fromB });
    }

  const sites = [...new Set(world.topology.nodes.flatMap((n) => (n.site ? [n.site] : [])))];
  const pcmk = world.subsystems.find((s) => s.name === "pacemaker")?.snapshot?.() as PacemakerSnapshot | undefined;
  return {
    virtualTimeMs: Math.floor(world.clock.now / 1000),
    sites,
    resources,
    nodes,
    connections,
    links,
    pacemaker: pacemakerView(pcmk),
  };
}
