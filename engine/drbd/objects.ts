/**
 * DRBD 9's object model, with its own nouns (drbdsetup events2 prints exactly these):
 * resource → devices (volumes, with a minor) and connections (one per peer, with a path);
 * a peer device is a device as seen over one connection.
 */
import type { BlockDevice } from "../block/types";
import type { LabNode } from "../world/types";
import type { NetOpts, ResConf } from "./conf";
import type { MetaData } from "./metadata";
import type { ResyncRun } from "./resync";
import type { ConnState, DiskState, ReplState, Role } from "./strings";

export interface ResyncSuspend {
  user: boolean;
  peer: boolean;
  dependency: boolean;
}

export interface PeerDevice {
  vnr: number;
  peerDisk: DiskState;
  repl: ReplState;
  resyncSusp: ResyncSuspend;
  /** Running resync or verify toward this peer (both sides hold one while SyncSource/Target). */
  resync: ResyncRun | null;
  /** KiB sent/received over this peer device (status --statistics). */
  sentKiB: number;
  receivedKiB: number;
  /** Writes sent and not yet acknowledged (protocol C/B), for `pending`/`unacked`. */
  inFlight: number;
  /** Peer's UUIDs as last received (for status -vv and the handshake log). */
  peerCurrent: bigint;
}

export interface Path {
  localAddress: string;
  /** The port this node listens on (its own `address` in the config). */
  localPort: number;
  peerAddress: string;
  /** The peer's port, where this node connects to. */
  port: number;
}

export interface Connection {
  peerName: string;
  peerNodeId: number;
  cstate: ConnState;
  peerRole: Role;
  net: NetOpts;
  path: Path;
  peerDevices: Map<number, PeerDevice>;
  /** `connect --discard-my-data`: this node volunteers as split-brain victim at the next handshake. */
  discardMyData: boolean;
  /** UUID_FLAG_RECONNECT: the peer was connected and the link was lost (in memory only). */
  reconnect: boolean;
  /** Bumped at every (dis)connection: stale timers and in-flight packets check it. */
  epoch: number;
  /** Virtual time when the connection entered Connecting (connect-int retries are aligned to it). */
  connectingSinceUs: number;
  /** Pending loss-detection timer (ping timeout), if any. */
  lossTimer?: number;
  /** Pending connect attempt timer, if any. */
  connectTimer?: number;
}

export interface Opener {
  opener: string;
  mode: "ro" | "rw";
  pid: number;
  sinceUs: number;
}

export interface Device {
  vnr: number;
  minor: number;
  path: string;
  disk: DiskState;
  /** Backing device path from the config ("/dev/sda1"), or "none". */
  backingPath: string;
  backing: BlockDevice | null;
  md: MetaData | null;
  openers: Opener[];
  /** `quorum:` of this device (DRBD 9 keeps it per device). */
  quorum: boolean;
  /**
   * USE_DEGR_WFC_T per peer node id (K9 drbd_adm_attach): set at attach when the meta-data says
   * we were Primary and not connected to that peer; cleared once connected. wait-connect then
   * uses degr-wfc-timeout for it.
   */
  useDegrWfc?: Set<number>;
  readKiB: number;
  writtenKiB: number;
  alWrites: number;
  bmWrites: number;
  /** Virtual time of the last application I/O (c-min-rate throttle). */
  lastAppIoUs: number;
  /** New current UUID pending for the first write after losing a peer (DRBD 9). */
  uuidRotatePending: boolean;
}

export interface Resource {
  name: string;
  node: LabNode;
  /** node.bootCount when the resource was created: timers of a previous boot are ignored. */
  boot: number;
  nodeId: number;
  role: Role;
  suspUser: boolean;
  suspNoData: boolean;
  suspQuorum: boolean;
  conf: ResConf;
  devices: Map<number, Device>;
  connections: Map<string, Connection>;
  /** Set when this node promoted itself with auto-promote (demote on last close). */
  autoPromoted: boolean;
}
