/**
 * The effective configuration of one resource as seen from one host: what the kernel gets
 * from `drbdadm up` (new-resource/new-minor/new-peer/new-path + options). Built from the
 * parser's resolveResource() (engine/drbd/config) by `fromResolved` in adapt.ts; tests build
 * it directly with `makeResConf`.
 */
export type Protocol = "A" | "B" | "C";

export interface NetOpts {
  protocol: Protocol;
  /** µs */
  timeoutUs: number;
  connectIntUs: number;
  pingIntUs: number;
  pingTimeoutUs: number;
  allowTwoPrimaries: boolean;
  afterSb0pri: string;
  afterSb1pri: string;
  afterSb2pri: string;
  alwaysAsbp: boolean;
  rrConflict: string;
  verifyAlg: string | null;
  csumsAlg: string | null;
  fencing: "dont-care" | "resource-only" | "resource-and-stonith";
  maxBuffers: number;
  /** max-epoch-size and rcvbuf-size (0: auto), kept for `drbdsetup show`. */
  maxEpochSize: number;
  rcvbufBytes: number;
  /** sndbuf-size in bytes; 0 = auto-tuned (sendbuf.ts) */
  sndbufBytes: number;
}

export interface DiskOpts {
  /** KiB/s */
  resyncRate: number;
  /** 0.1 s units; 0 = fixed-rate resync */
  cPlanAhead: number;
  /** KiB/s */
  cMaxRate: number;
  /** KiB/s */
  cMinRate: number;
  alExtents: number;
  alUpdates: boolean;
  onIoError: string;
  /** K9 drbd_bump_write_ordering: flush if disk-flushes, else drain if disk-drain, else none */
  writeOrdering: "flush" | "drain" | "none";
  /** md-flushes (flushes of the meta-data writes), kept for `drbdsetup show`. */
  mdFlushes: boolean;
}

export interface ResOptions {
  autoPromote: boolean;
  quorum: "off" | "majority" | "all" | number;
  onNoQuorum: "io-error" | "suspend-io";
  onNoDataAccessible: "io-error" | "suspend-io";
}

export interface VolumeConf {
  vnr: number;
  minor: number;
  /** "/dev/drbd0" */
  device: string;
  /** backing disk path or "none" (diskless client) */
  disk: string;
  metaDisk: string;
}

export interface HostConf {
  host: string;
  nodeId: number;
  address: string;
  port: number;
  volumes: VolumeConf[];
}

export interface PeerConf extends HostConf {
  /** Effective net options of the connection to this peer. */
  net: NetOpts;
}

export interface ResConf {
  name: string;
  me: HostConf;
  peers: PeerConf[];
  net: NetOpts;
  disk: DiskOpts;
  options: ResOptions;
  handlers: Record<string, string>;
}

export const DEFAULT_NET: NetOpts = {
  protocol: "C",
  timeoutUs: 6_000_000,
  connectIntUs: 10_000_000,
  pingIntUs: 10_000_000,
  pingTimeoutUs: 500_000,
  allowTwoPrimaries: false,
  afterSb0pri: "disconnect",
  afterSb1pri: "disconnect",
  afterSb2pri: "disconnect",
  alwaysAsbp: false,
  rrConflict: "disconnect",
  verifyAlg: null,
  csumsAlg: null,
  fencing: "dont-care",
  maxBuffers: 2048,
  maxEpochSize: 2048,
  rcvbufBytes: 0,
  sndbufBytes: 0,
};

export const DEFAULT_DISK: DiskOpts = {
  resyncRate: 250,
  cPlanAhead: 20,
  cMaxRate: 102400,
  cMinRate: 250,
  alExtents: 1237,
  alUpdates: true,
  onIoError: "detach",
  writeOrdering: "flush",
  mdFlushes: true,
};

export const DEFAULT_OPTIONS: ResOptions = {
  autoPromote: true,
  quorum: "off",
  onNoQuorum: "suspend-io",
  onNoDataAccessible: "io-error",
};

/** Test helper / fallback: a resource r0 between the given hosts with workshop-like defaults. */
export function makeResConf(
  me: string,
  hosts: { host: string; ip: string; nodeId?: number }[],
  over: {
    name?: string;
    net?: Partial<NetOpts>;
    disk?: Partial<DiskOpts>;
    options?: Partial<ResOptions>;
    handlers?: Record<string, string>;
    disk_path?: string;
  } = {},
): ResConf {
  const net = { ...DEFAULT_NET, ...over.net };
  const vol = (): VolumeConf[] => [
    { vnr: 0, minor: 0, device: "/dev/drbd0", disk: over.disk_path ?? "/dev/sda1", metaDisk: "internal" },
  ];
  const all = hosts.map((h, i) => ({ host: h.host, nodeId: h.nodeId ?? i, address: h.ip, port: 7788, volumes: vol() }));
  const mine = all.find((h) => h.host === me);
  if (!mine) throw new Error(`host ${me} not in resource`);
  return {
    name: over.name ?? "r0",
    me: mine,
    peers: all.filter((h) => h.host !== me).map((h) => ({ ...h, net })),
    net,
    disk: { ...DEFAULT_DISK, ...over.disk },
    options: { ...DEFAULT_OPTIONS, ...over.options },
    handlers: over.handlers ?? {},
  };
}
