/**
 * Application I/O on /dev/drbdN (K9 drbd_req.c): a write goes to the local backing disk and,
 * per connected peer, goes through the connection's TCP stream (sendbuf.ts: in order, at the
 * link's bandwidth, one-way latency). The write completes (latencyUs) per protocol: A after the
 * local write once it fits in the send buffer (lost if the Primary crashes before delivery), B
 * when the peer received it, C when the peer's disk wrote it. Unreachable or disconnected peers get the blocks marked in their bitmap slot;
 * the first write of a Primary that lost a peer creates a new current UUID (DRBD 9).
 */

import { DiskQueue } from "../block/queue";
import type { IoResult, Payload } from "../block/types";
import { payloadLength } from "../block/types";
import { rebindable } from "../core/rebind";
import { sideTable } from "../core/side-tables";
import { localIoError } from "./io-error";
import type { DrbdKernel } from "./kernel";
import { peerMd } from "./metadata";
import type { Connection, Device, PeerDevice, Resource } from "./objects";
import { DISK_BANDWIDTH_BPS, noteAppIo } from "./resync";
import { send } from "./sendbuf";
import { hasUpToDateAccess } from "./state-engine";
import { diskRank } from "./strings";
import { replan } from "./sync";
import { newUuid, pushHistory, uuidHex } from "./uuid";

const AL_EXTENT = 4 * 1024 * 1024;
const DISK_LATENCY_US = 100;
/** A cache flush of the backing disk (what DrbdDevice.flush cost before the barrier model). */
const FLUSH_US = 50;

function diskTimeUs(bytes: number): number {
  return DISK_LATENCY_US + Math.ceil((bytes / DISK_BANDWIDTH_BPS) * 1e6);
}

/** DRBD 9: new current UUID at the first write after a promotion/peer loss (K9 drbd_uuid_new_current). */
function rotateUuid(k: DrbdKernel, res: Resource, dev: Device): void {
  const md = dev.md;
  if (!md) return;
  dev.uuidRotatePending = false;
  const ALL = (1n << 64n) - 1n;
  // weak nodes: every node id except me and the peers I am connected to (K9 weak_nodes)
  let weak = ALL & ~(1n << BigInt(res.nodeId));
  for (const c of res.connections.values()) {
    const pd = c.peerDevices.get(dev.vnr);
    const connected = c.cstate === "Connected" && pd !== undefined && diskRank(pd.peerDisk) >= diskRank("Inconsistent");
    if (connected) {
      weak &= ~(1n << BigInt(c.peerNodeId));
      continue;
    }
    const p = peerMd(md, c.peerNodeId);
    if (p.bitmapUuid === 0n) p.bitmapUuid = md.current;
  }
  md.history = pushHistory(md.history, md.current);
  md.current = newUuid(k.rng, res.role === "Primary");
  k.logDev(res, dev, `new current UUID: ${uuidHex(md.current)} weak: ${uuidHex(weak)}`);
}

/** Backing disks (ours and the peers') as request queues: shared bandwidth, overlapped latency. */
const diskQueues = sideTable<object, DiskQueue>("drbd.diskQueues");

/** When a disk write of `bytes` submitted at `at` completes on the disk keyed by `key`. */
function diskDoneAt(key: object, at: number, bytes: number): number {
  let q = diskQueues.get(key);
  if (!q) {
    q = new DiskQueue();
    diskQueues.set(key, q);
  }
  return q.transfer(at, Math.ceil((bytes / DISK_BANDWIDTH_BPS) * 1e6), DISK_LATENCY_US);
}

/** When the last write request on a device completes (virtual µs): what a flush waits for. */
const lastDone = sideTable<Device, number>("drbd.lastDone");

/**
 * The peer's receive buffers for one connection (MAN9 `max-buffers`, in 4 KiB pages): a write
 * holds its pages there from when it is sent until the peer's disk wrote it. When they are all
 * taken the receiver stops reading the socket and TCP back-pressure holds the sender
 * (K9 drbd_receiver.c drbd_alloc_pages), so at most max-buffers pages are in flight.
 */
interface RecvWindow {
  epoch: number;
  /** Pages held and when they are released, in release order. */
  held: { at: number; pages: number }[];
  head: number;
  used: number;
}
const windows = sideTable<Connection, RecvWindow>("drbd.windows");

function recvWindow(c: Connection): RecvWindow {
  let w = windows.get(c);
  if (!w || w.epoch !== c.epoch) {
    w = { epoch: c.epoch, held: [], head: 0, used: 0 };
    windows.set(c, w);
  }
  return w;
}

function releaseUntil(w: RecvWindow, t: number): void {
  for (let h = w.held[w.head]; h && h.at <= t; h = w.held[w.head]) {
    w.used -= h.pages;
    w.head++;
  }
  if (w.head > 1024) {
    w.held = w.held.slice(w.head);
    w.head = 0;
  }
}

/** Earliest time ≥ `at` at which `pages` more pages fit in the peer's receive buffers. */
function admit(c: Connection, at: number, pages: number): number {
  const w = recvWindow(c);
  const limit = Math.max(1, c.net.maxBuffers);
  const need = Math.min(pages, limit);
  let t = at;
  releaseUntil(w, t);
  for (let h = w.held[w.head]; h && w.used + need > limit; h = w.held[w.head]) {
    t = Math.max(t, h.at);
    releaseUntil(w, t);
  }
  return t;
}

function hold(c: Connection, until: number, pages: number): void {
  const w = recvWindow(c);
  const n = Math.min(pages, Math.max(1, c.net.maxBuffers));
  w.held.push({ at: until, pages: n });
  w.used += n;
}

/**
 * A write request on /dev/drbdN, submitted at `atUs` (default: now). Requests submitted
 * together overlap: each goes to the local disk queue and down the data socket at once, so N
 * independent writes cost about one round trip plus N × size / bandwidth (bounded by the
 * peers' max-buffers); a caller that waits for each request (O_DIRECT, one in flight) submits
 * the next one at the previous completion and pays the round trip every time.
 */
export function writeData(
  k: DrbdKernel,
  res: Resource,
  dev: Device,
  offset: number,
  data: Payload,
  atUs?: number,
): IoResult {
  const len = payloadLength(data);
  if (!k.alive(res)) return { ok: false, errno: "EIO" };
  if (res.role !== "Primary") return { ok: false, errno: "EROFS" };
  if (!dev.quorum)
    return {
      ok: false,
      errno: "EIO",
      reason: res.conf.options.onNoQuorum === "suspend-io" ? "I/O suspended (no quorum)" : "no quorum",
    };
  if (!hasUpToDateAccess(res, dev)) return { ok: false, errno: "EIO", reason: "no access to UpToDate data" };
  const size = dev.md?.dataSize ?? Number.POSITIVE_INFINITY;
  if (offset < 0 || offset + len > size) return { ok: false, errno: "ENOSPC" };
  if (dev.uuidRotatePending) rotateUuid(k, res, dev);
  const now = k.world.clock.now;
  const submit = Math.max(now, atUs ?? now);
  dev.lastAppIoUs = now;
  dev.writtenKiB += Math.ceil(len / 1024);

  // Which peers get the data: connected, with a disk. The request starts once each of them
  // has receive buffers for it.
  const pages = Math.max(1, Math.ceil(len / 4096));
  const net = k.world.net;
  let start = submit;
  for (const c of res.connections.values()) {
    const pd = c.peerDevices.get(dev.vnr);
    if (!pd || c.cstate !== "Connected" || diskRank(pd.peerDisk) < diskRank("Inconsistent")) continue;
    if (!net.canReach(res.node.name, c.peerName, c.path.port)) continue;
    start = Math.max(start, admit(c, submit, pages));
  }

  let done = start;
  let anyOk = false;
  let localWritten = false;
  if (dev.backing && dev.md && diskRank(dev.disk) >= diskRank("Inconsistent")) {
    const backing = dev.backing;
    const md = dev.md;
    // activity log: hot 4 MiB extents (LRU, at most al-extents); a cold one needs an AL transaction first
    const first = Math.floor(offset / AL_EXTENT);
    const last = Math.floor((offset + Math.max(len, 1) - 1) / AL_EXTENT);
    const cold: number[] = [];
    for (let e = first; e <= last; e++) if (!md.al.includes(e)) cold.push(e);
    const r = backing.write(offset, data);
    if (r.ok) {
      localWritten = true;
      anyOk = true;
      done = Math.max(done, diskDoneAt(backing, start, len));
      for (let e = first; e <= last; e++) {
        const i = md.al.indexOf(e);
        if (i >= 0) md.al.splice(i, 1);
        else dev.alWrites++;
        md.al.push(e);
      }
      while (md.al.length > res.conf.disk.alExtents) md.al.shift();
    } else if (r.errno === "EIO") {
      localIoError(k, res, dev, { op: "write", offset, len, meta: cold.length > 0 });
    } else return r;
  }

  for (const c of res.connections.values()) {
    const pd = c.peerDevices.get(dev.vnr);
    if (!pd) continue;
    const markOos = () => {
      if (dev.md) peerMd(dev.md, c.peerNodeId).bitmap.setBytes(offset, len);
    };
    if (pd.resync) {
      noteAppIo(pd.resync, now);
      replan(k, { res, conn: c, dev, pd });
    }
    const p = k.peerSide(res, c);
    const pdev = p?.res.devices.get(dev.vnr);
    if (c.cstate !== "Connected" || !p || !pdev || diskRank(pd.peerDisk) < diskRank("Inconsistent")) {
      markOos();
      continue;
    }
    const reachable = net.canReach(res.node.name, c.peerName, c.path.port);
    if (!reachable) {
      // the request waits until the connection is declared dead (`timeout`), then completes locally
      markOos();
      const at = k.cluster.detectLoss(res, c, c.net.timeoutUs);
      if (c.net.protocol !== "A") done = Math.max(done, at);
      continue;
    }
    const path = net.path(res.node.name, c.peerName);
    // The data socket is one TCP stream: writes go on the wire in order at the link's bandwidth
    // (a small write never overtakes a big one); protocol A waits only for send-buffer room.
    const sent = send(c, start, len, path.bandwidthBps, path.latencyUs);
    const arriveAt = start + sent.arriveUs;
    const peerDiskDone = diskDoneAt(pdev.backing ?? pdev, arriveAt, len);
    // the sender learns of freed buffers one way later (TCP window update)
    hold(c, peerDiskDone + path.latencyUs, pages);
    const ack =
      c.net.protocol === "A"
        ? start + sent.bufferedUs
        : c.net.protocol === "B"
          ? arriveAt + path.latencyUs
          : peerDiskDone + path.latencyUs;
    done = Math.max(done, ack);
    anyOk = true;
    pd.sentKiB += Math.ceil(len / 1024);
    pd.inFlight++;
    k.world.clock.schedule(
      arriveAt - now,
      `drbd data ${res.name} ${res.node.name}->${c.peerName}`,
      onDataArrives({
        k,
        res,
        c,
        dev,
        pd,
        peer: p.res,
        pconn: p.conn,
        pdev,
        ppd: p.conn.peerDevices.get(dev.vnr),
        epoch: c.epoch,
        pEpoch: p.conn.epoch,
        boot: res.node.bootCount,
        offset,
        len,
        data,
        localWritten,
      }),
    );
  }
  // K9 drbd_req_complete: success when at least one of the local or remote writes succeeded
  if (!anyOk) return { ok: false, errno: "EIO", reason: "local I/O error and no peer to write to" };
  lastDone.set(dev, Math.max(lastDone.get(dev) ?? 0, done));
  return { ok: true, latencyUs: Math.max(done - submit, 1) };
}

/** A flush (fsync) on /dev/drbdN: a barrier, it completes after every write submitted before it. */
export function flushData(k: DrbdKernel, res: Resource, dev: Device, atUs?: number): IoResult {
  if (!k.alive(res)) return { ok: false, errno: "EIO" };
  if (res.role !== "Primary") return { ok: false, errno: "EROFS" };
  const submit = Math.max(k.world.clock.now, atUs ?? 0);
  const done = Math.max(submit, lastDone.get(dev) ?? 0) + FLUSH_US;
  return { ok: true, latencyUs: done - submit };
}

export function readData(k: DrbdKernel, res: Resource, dev: Device, offset: number, length: number): IoResult<Payload> {
  if (!k.alive(res)) return { ok: false, errno: "EIO" };
  dev.readKiB += Math.ceil(length / 1024);
  if (dev.backing && dev.disk === "UpToDate") {
    const r = dev.backing.read(offset, length);
    if (r.ok) return { ok: true, latencyUs: diskTimeUs(length), value: r.value };
    if (r.errno !== "EIO") return r;
    // on-io-error, then the read is retried on a peer with good data (K9 drbd_req_complete)
    localIoError(k, res, dev, { op: "read", offset, len: length, meta: false });
  }
  // not UpToDate locally: read from a connected UpToDate peer (K9 read balancing / remote read)
  for (const c of res.connections.values()) {
    const pd = c.peerDevices.get(dev.vnr);
    if (c.cstate !== "Connected" || pd?.peerDisk !== "UpToDate") continue;
    const p = k.peerSide(res, c);
    const pdev = p?.res.devices.get(dev.vnr);
    if (!pdev?.backing) continue;
    const r = pdev.backing.read(offset, length);
    const path = k.world.net.path(res.node.name, c.peerName);
    if (r.ok)
      return {
        ok: true,
        latencyUs: 2 * path.latencyUs + diskTimeUs(length) + Math.ceil((length / Math.max(1, path.bandwidthBps)) * 1e6),
        value: r.value,
      };
  }
  return { ok: false, errno: "EIO", reason: "no access to UpToDate data" };
}

/** A replicated write reaches the peer (a closure a checkpoint can carry: core/rebind.ts). */
const onDataArrives = rebindable(
  "drbd.dataArrives",
  (w: {
    k: DrbdKernel;
    res: Resource;
    c: Connection;
    dev: Device;
    pd: PeerDevice;
    peer: Resource;
    pconn: Connection;
    pdev: Device;
    ppd: PeerDevice | undefined;
    epoch: number;
    pEpoch: number;
    boot: number;
    offset: number;
    len: number;
    data: Payload;
    localWritten: boolean;
  }) =>
    () => {
      const { k, res, c, dev, pd, pdev, offset, len } = w;
      pd.inFlight = Math.max(0, pd.inFlight - 1);
      // a crashed sender's send buffer is gone (protocol A loses in-flight data)
      if (res.node.bootCount !== w.boot || res.node.state !== "running") return;
      if (c.epoch !== w.epoch || w.pconn.epoch !== w.pEpoch || !k.alive(w.peer) || !pdev.backing) {
        if (k.alive(res) && dev.md) peerMd(dev.md, c.peerNodeId).bitmap.setBytes(offset, len);
        return;
      }
      pdev.backing.write(offset, w.data);
      // the sender's own disk did not get it (diskless or failed): the peer remembers the
      // blocks for it, a re-attached disk is resynced from them (K9 drbd_set_out_of_sync)
      if (!w.localWritten && pdev.md) peerMd(pdev.md, res.nodeId).bitmap.setBytes(offset, len);
      if (w.ppd) w.ppd.receivedKiB += Math.ceil(len / 1024);
      pdev.writtenKiB += Math.ceil(len / 1024);
    },
);
