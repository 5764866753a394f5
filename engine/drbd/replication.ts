/**
 * Application I/O on /dev/drbdN (K9 drbd_req.c): a write goes to the local backing disk and,
 * per connected peer, goes through the connection's TCP stream (sendbuf.ts: in order, at the
 * link's bandwidth, one-way latency). The write completes (latencyUs) per protocol: A after the
 * local write once it fits in the send buffer (lost if the Primary crashes before delivery), B
 * when the peer received it, C when the peer's disk wrote it. Unreachable or disconnected peers get the blocks marked in their bitmap slot;
 * the first write of a Primary that lost a peer creates a new current UUID (DRBD 9).
 */
import type { IoResult, Payload } from "../block/types";
import { payloadLength } from "../block/types";
import type { DrbdKernel } from "./kernel";
import { peerMd } from "./metadata";
import type { Device, Resource } from "./objects";
import { DISK_BANDWIDTH_BPS, noteAppIo } from "./resync";
import { send } from "./sendbuf";
import { hasUpToDateAccess } from "./state-engine";
import { diskRank } from "./strings";
import { replan } from "./sync";
import { newUuid, pushHistory, uuidHex } from "./uuid";

const AL_EXTENT = 4 * 1024 * 1024;
const DISK_LATENCY_US = 100;

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

/** When the last write request on a device completes (virtual µs). */
const ioCursor = new WeakMap<Device, number>();

export function writeData(k: DrbdKernel, res: Resource, dev: Device, offset: number, data: Payload): IoResult {
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
  dev.lastAppIoUs = now;
  // Callers issue requests one after the other without advancing the clock and add up the
  // latencies (DevIo, dd): this request starts when the previous one completed.
  const issue = Math.max(now, ioCursor.get(dev) ?? 0);
  dev.writtenKiB += Math.ceil(len / 1024);

  let latency = 0;
  if (dev.backing && dev.md && diskRank(dev.disk) >= diskRank("Inconsistent")) {
    const r = dev.backing.write(offset, data);
    if (!r.ok) return r;
    latency = diskTimeUs(len);
    // activity log: hot 4 MiB extents (LRU, at most al-extents)
    const first = Math.floor(offset / AL_EXTENT);
    const last = Math.floor((offset + Math.max(len, 1) - 1) / AL_EXTENT);
    for (let e = first; e <= last; e++) {
      const i = dev.md.al.indexOf(e);
      if (i >= 0) dev.md.al.splice(i, 1);
      else dev.alWrites++;
      dev.md.al.push(e);
    }
    while (dev.md.al.length > res.conf.disk.alExtents) dev.md.al.shift();
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
    const net = k.world.net;
    const reachable = net.canReach(res.node.name, c.peerName, c.path.port);
    if (!reachable) {
      // the request waits until the connection is declared dead (`timeout`), then completes locally
      markOos();
      const at = k.cluster.detectLoss(res, c, c.net.timeoutUs);
      if (c.net.protocol !== "A") latency = Math.max(latency, at - issue);
      continue;
    }
    const path = net.path(res.node.name, c.peerName);
    // The data socket is one TCP stream: writes go on the wire in order at the link's bandwidth
    // (a small write never overtakes a big one); protocol A waits only for send-buffer room.
    const sent = send(c, issue, len, path.bandwidthBps, path.latencyUs);
    const arrive = sent.arriveUs;
    const ack =
      c.net.protocol === "A"
        ? sent.bufferedUs
        : c.net.protocol === "B"
          ? arrive + path.latencyUs
          : arrive + diskTimeUs(len) + path.latencyUs;
    latency = Math.max(latency, ack);
    pd.sentKiB += Math.ceil(len / 1024);
    pd.inFlight++;
    const epoch = c.epoch;
    const pEpoch = p.conn.epoch;
    const boot = res.node.bootCount;
    const ppd = p.conn.peerDevices.get(dev.vnr);
    k.world.clock.schedule(issue - now + arrive, `drbd data ${res.name} ${res.node.name}->${c.peerName}`, () => {
      pd.inFlight = Math.max(0, pd.inFlight - 1);
      // a crashed sender's send buffer is gone (protocol A loses in-flight data)
      if (res.node.bootCount !== boot || res.node.state !== "running") return;
      if (c.epoch !== epoch || p.conn.epoch !== pEpoch || !k.alive(p.res) || !pdev.backing) {
        if (k.alive(res)) markOos();
        return;
      }
      pdev.backing.write(offset, data);
      if (ppd) ppd.receivedKiB += Math.ceil(len / 1024);
      pdev.writtenKiB += Math.ceil(len / 1024);
    });
  }
  ioCursor.set(dev, issue + Math.max(latency, 1));
  return { ok: true, latencyUs: Math.max(latency, 1) };
}

export function readData(k: DrbdKernel, res: Resource, dev: Device, offset: number, length: number): IoResult<Payload> {
  if (!k.alive(res)) return { ok: false, errno: "EIO" };
  dev.readKiB += Math.ceil(length / 1024);
  if (dev.backing && dev.disk === "UpToDate") {
    const r = dev.backing.read(offset, length);
    return r.ok ? { ok: true, latencyUs: diskTimeUs(length), value: r.value } : r;
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
