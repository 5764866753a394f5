/**
 * drbdsetup operations that build and tear down kernel objects: new-resource/new-minor/
 * new-peer/new-path (up), attach, detach, connect, disconnect, down (K9 drbd_nl.c).
 */
import type { LabNode } from "../world/types";
import type { ResConf } from "./conf";
import { DrbdDevice } from "./device";
import { negotiating, volumeHandshake } from "./handshake";
import { goDiskless } from "./io-error";
import type { DrbdKernel } from "./kernel";
import { allocateBitmapIndex, peerMd } from "./metadata";
import type { Connection, Device, PeerDevice, Resource } from "./objects";
import { diskRank, type FailureCode, type StateErrorCode } from "./strings";
import { interruptResync } from "./sync";
import { changeRole, twopcAfterLostPeer } from "./twopc";
import { uuidHex } from "./uuid";

export type OpResult =
  | { ok: true; info?: string[] }
  | { ok: false; kind: "state"; code: StateErrorCode; info?: string[] }
  | { ok: false; kind: "failure"; code: FailureCode; info?: string[] };

export const OK: OpResult = { ok: true };
export const fail = (code: FailureCode, info?: string[]): OpResult => ({
  ok: false,
  kind: "failure",
  code,
  ...(info ? { info } : {}),
});
export const refuse = (code: StateErrorCode, info?: string[]): OpResult => ({
  ok: false,
  kind: "state",
  code,
  ...(info ? { info } : {}),
});

function newPeerDevice(vnr: number): PeerDevice {
  return {
    vnr,
    peerDisk: "DUnknown",
    repl: "Off",
    resyncSusp: { user: false, peer: false, dependency: false },
    resync: null,
    sentKiB: 0,
    receivedKiB: 0,
    inFlight: 0,
    peerCurrent: 0n,
  };
}

/** new-resource: the resource object, Secondary, no devices or connections yet. */
export function newResource(k: DrbdKernel, node: LabNode, conf: ResConf): Resource {
  const existing = k.resource(node, conf.name);
  if (existing) return existing;
  const res: Resource = {
    name: conf.name,
    node,
    boot: node.bootCount,
    nodeId: conf.me.nodeId,
    role: "Secondary",
    suspUser: false,
    suspNoData: false,
    suspQuorum: false,
    conf,
    devices: new Map(),
    connections: new Map(),
    autoPromoted: false,
  };
  k.resources(node).set(conf.name, res);
  k.history.created(res);
  return res;
}

/** new-minor: /dev/drbdN appears, Diskless. */
export function newMinor(k: DrbdKernel, res: Resource, vnr: number): OpResult {
  const vol = res.conf.me.volumes.find((v) => v.vnr === vnr);
  if (!vol) return fail(162);
  if (res.devices.has(vnr)) return fail(161);
  const dev: Device = {
    vnr,
    minor: vol.minor,
    path: vol.device,
    disk: "Diskless",
    backingPath: vol.disk,
    backing: null,
    md: null,
    openers: [],
    quorum: true,
    readKiB: 0,
    writtenKiB: 0,
    alWrites: 0,
    bmWrites: 0,
    lastAppIoUs: 0,
    uuidRotatePending: false,
  };
  res.devices.set(vnr, dev);
  for (const c of res.connections.values()) c.peerDevices.set(vnr, newPeerDevice(vnr));
  res.node.blockDevices.set(vol.device, new DrbdDevice(k, res, dev));
  return OK;
}

/** new-peer + new-path: a StandAlone connection. */
export function newPeer(_k: DrbdKernel, res: Resource, peerName: string): OpResult {
  const p = res.conf.peers.find((x) => x.host === peerName);
  if (!p) return fail(162);
  if (p.net.allowTwoPrimaries && p.net.protocol !== "C") return fail(139);
  if (res.connections.has(peerName)) return OK;
  const c: Connection = {
    peerName,
    peerNodeId: p.nodeId,
    cstate: "StandAlone",
    peerRole: "Unknown",
    net: p.net,
    path: { localAddress: res.conf.me.address, localPort: res.conf.me.port, peerAddress: p.address, port: p.port },
    peerDevices: new Map(),
    discardMyData: false,
    reconnect: false,
    epoch: 0,
    connectingSinceUs: 0,
  };
  for (const vnr of res.devices.keys()) c.peerDevices.set(vnr, newPeerDevice(vnr));
  res.connections.set(peerName, c);
  // a peer added to an attached device gets its bitmap slot now (K9 allocate_bitmap_index)
  for (const d of res.devices.values()) if (d.md) allocateBitmapIndex(d.md, p.nodeId);
  return OK;
}

/** attach: open the backing disk, read the meta-data, disk state from the meta-data flags. */
export function attach(k: DrbdKernel, res: Resource, dev: Device): OpResult {
  if (dev.disk !== "Diskless") return fail(124);
  const backing = res.node.blockDevices.get(dev.backingPath);
  if (!backing) return fail(104);
  const md = k.md.load(backing);
  if (!md) return fail(119);
  if (!backing.open("rw", "drbd").ok) return fail(114);
  // K9 drbd_adm_attach: a degraded Primary that went away waits with degr-wfc-timeout
  dev.useDegrWfc = new Set(
    res.role !== "Primary" && md.primary
      ? [...res.connections.values()].filter((c) => !md.peers.get(c.peerNodeId)?.connected).map((c) => c.peerNodeId)
      : [],
  );
  // apply-al: a Primary that crashed leaves its hot extents to be resynced (K9 drbd_al_apply)
  if (md.primary) {
    md.crashedPrimary = true;
    md.primary = false;
    const bits = md.al.map((e) => [e * 1024, (e + 1) * 1024] as const);
    for (const p of res.conf.peers)
      for (const [s, e] of bits) peerMd(md, p.nodeId).bitmap.setRange(s, Math.min(e, Math.ceil(md.dataSize / 4096)));
  }
  dev.backing = backing;
  dev.md = md;
  // what the kernel writes into the meta-data of an attached device (K9 drbd_md_encode_9)
  md.nodeId = res.nodeId;
  md.laSizeSect = md.dataSize / 512;
  md.alNrExtents = res.conf.disk.alExtents;
  md.alDisabled = !res.conf.disk.alUpdates;
  md.laPeerMaxBioSize = 1024 * 1024;
  for (const c of res.connections.values()) allocateBitmapIndex(md, c.peerNodeId);
  k.change(
    res,
    () => {
      dev.disk = "Attaching";
    },
    { tag: "attach" },
  );
  k.logDev(res, dev, `Maximum number of peer devices = ${md.maxPeers}`);
  const kb = md.dataSize / 1024;
  const bits = Math.ceil(md.dataSize / 4096);
  const words = Math.ceil(bits / 64);
  k.logDev(res, dev, `drbd_bm_resize called with capacity == ${md.dataSize / 512}`);
  k.logDev(
    res,
    dev,
    `resync bitmap: bits=${bits} words=${words * md.maxPeers} pages=${Math.ceil((words * 8 * md.maxPeers) / 4096)}`,
  );
  k.logDev(res, dev, `size = ${formatSize(md.dataSize)} (${kb} KB)`);
  const fencing = res.conf.peers.some((p) => p.net.fencing !== "dont-care");
  const allOutdated = res.conf.peers.every((p) => peerMd(md, p.nodeId).peerOutdated);
  // K9 disk_state_from_md()
  const target = !md.consistent
    ? "Inconsistent"
    : !md.wasUpToDate
      ? "Outdated"
      : !fencing || allOutdated
        ? "UpToDate"
        : "Consistent";
  k.change(
    res,
    () => {
      dev.disk = target;
    },
    { tag: "attach" },
  );
  k.logDev(res, dev, `attached to current UUID: ${uuidHex(md.current)}`);
  negotiating.add(dev);
  for (const c of res.connections.values()) {
    if (c.cstate !== "Connected") continue;
    const p = k.peerSide(res, c);
    if (p) volumeHandshake(k, { res, conn: c }, p, dev.vnr);
  }
  negotiating.delete(dev);
  return OK;
}

function formatSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1024 * 10 ? `${Math.round(mb / 1024)} GB` : `${Math.round(mb)} MB`;
}

/** detach: Detaching → Diskless; refused (-2) for a Primary without another UpToDate copy. */
export function detach(k: DrbdKernel, res: Resource, dev: Device, force = false): OpResult {
  if (dev.disk === "Diskless") return OK;
  const r = k.change(
    res,
    () => {
      dev.disk = "Detaching";
    },
    { soft: !force, tag: "detach" },
  );
  if (!r.ok) return refuse(r.code);
  goDiskless(k, res, dev, "go-diskless");
  return OK;
}

/** connect: only from StandAlone (else 125); --discard-my-data refused on a Primary (123). */
export function connect(k: DrbdKernel, res: Resource, c: Connection, discardMyData: boolean): OpResult {
  if (c.cstate !== "StandAlone") return fail(125);
  if (discardMyData && res.role === "Primary") return fail(123);
  if (c.net.allowTwoPrimaries && c.net.protocol !== "C") return fail(139);
  c.discardMyData = discardMyData;
  k.cluster.startConnecting(res, c);
  return OK;
}

/** disconnect: → Disconnecting → StandAlone; the peer sees the socket closed (TearDown). */
export function disconnect(k: DrbdKernel, res: Resource, c: Connection, tag = "disconnect"): OpResult {
  if (c.cstate === "StandAlone") return OK;
  const wasConnected = c.cstate === "Connected";
  for (const [vnr, pd] of c.peerDevices) {
    const dev = res.devices.get(vnr);
    if (dev && pd.resync) interruptResync(k, { res, conn: c, dev, pd });
  }
  const peer = k.peerSide(res, c);
  k.world.clock.cancel(c.connectTimer);
  k.world.clock.cancel(c.lossTimer);
  c.connectTimer = undefined;
  c.lossTimer = undefined;
  c.epoch++;
  c.reconnect = false;
  const live = wasConnected && peer !== null && peer.conn.cstate === "Connected";
  const outdate = live ? outdateOnDisconnect(res, c) : "nothing";
  k.change(
    res,
    () => {
      c.cstate = "Disconnecting";
      if (outdate === "self") outdateDisks(res);
      if (outdate === "peer")
        for (const pd of c.peerDevices.values())
          if (diskRank(pd.peerDisk) > diskRank("Outdated")) pd.peerDisk = "Outdated";
    },
    { tag },
  );
  if (outdate === "peer")
    for (const d of res.devices.values()) if (d.md) peerMd(d.md, c.peerNodeId).peerOutdated = true;
  if (live && peer) {
    // the same cluster-wide change commits on the peer: the Secondary's disk, or the Primary's view of it
    k.change(
      peer.res,
      () => {
        if (outdate === "peer") outdateDisks(peer.res);
        if (outdate === "self")
          for (const pd of peer.conn.peerDevices.values())
            if (diskRank(pd.peerDisk) > diskRank("Outdated")) pd.peerDisk = "Outdated";
      },
      { tag: "remote" },
    );
    if (outdate === "self")
      for (const d of peer.res.devices.values()) if (d.md) peerMd(d.md, res.nodeId).peerOutdated = true;
    k.cluster.peerClosed(peer.res, peer.conn);
  }
  k.logConn(res, c, "Connection closed");
  k.change(
    res,
    () => {
      c.cstate = "StandAlone";
    },
    { tag },
  );
  if (live) twopcAfterLostPeer(k, res, tag, false);
  return OK;
}

/**
 * K9 drbd_state.c outdate_on_disconnect(): a graceful disconnect between a Primary and a
 * Secondary, with fencing resource-only/resource-and-stonith or quorum enabled, outdates the
 * Secondary (the Primary "tells peer to please outdate itself", the Secondary "proposes to
 * outdate itself").
 */
function outdateOnDisconnect(res: Resource, c: Connection): "nothing" | "self" | "peer" {
  if (c.cstate !== "Connected") return "nothing";
  if (c.net.fencing === "dont-care" && res.conf.options.quorum === "off") return "nothing";
  if (res.role === c.peerRole) return "nothing";
  if (res.role === "Primary") return "peer";
  return c.peerRole === "Primary" ? "self" : "nothing";
}

/** K9 __outdate_myself(). */
function outdateDisks(res: Resource): void {
  for (const d of res.devices.values()) if (diskRank(d.disk) > diskRank("Outdated")) d.disk = "Outdated";
}

/** down: demote, disconnect every peer, detach, delete minors and the resource. */
export function down(k: DrbdKernel, res: Resource): OpResult {
  if (res.role === "Primary") {
    const r = changeRole(k, res, "Secondary", { soft: true, tag: "down" });
    if (!r.ok) return refuse(r.code, ["failed to demote"]);
  }
  for (const c of res.connections.values()) disconnect(k, res, c, "down");
  for (const d of res.devices.values()) {
    detach(k, res, d, true);
    res.node.blockDevices.delete(d.path);
  }
  for (const _c of res.connections.values()) k.change(res, () => {}, { tag: "down" });
  k.resources(res.node).delete(res.name);
  k.history.destroyed(res);
  return OK;
}
