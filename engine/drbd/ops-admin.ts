/**
 * drbdsetup operations on an existing resource: primary [--force], secondary, invalidate,
 * invalidate-remote, verify, pause-sync/resume-sync, outdate, new-current-uuid (K9 drbd_nl.c).
 */

import { tryOutdatePeer } from "./fencing";
import { volumeHandshake } from "./handshake";
import type { DrbdKernel } from "./kernel";
import { peerMd } from "./metadata";
import type { Connection, Device, Resource } from "./objects";
import { fail, OK, type OpResult, refuse } from "./ops-lifecycle";
import { hasUpToDateAccess } from "./state-engine";
import { diskRank, isSyncSourceState, isSyncTargetState } from "./strings";
import { beginResync, pauseResync, type Side } from "./sync";
import { changeRole } from "./twopc";
import { newUuid, pushHistory, uuidHex } from "./uuid";
import { verifyRun } from "./verify";

const syncing = (res: Resource) =>
  [...res.connections.values()].some((c) =>
    [...c.peerDevices.values()].some(
      (pd) => pd.resync !== null || isSyncSourceState(pd.repl) || isSyncTargetState(pd.repl),
    ),
  );

/** drbdsetup primary [--force] (K9 drbd_set_role). */
/** drbdsetup primary [--force] (K9 drbd_nl.c drbd_set_role): retries after fencing or forcing. */
export async function primary(k: DrbdKernel, res: Resource, force: boolean): Promise<OpResult> {
  if (res.role === "Primary") return OK;
  const forced: Device[] = [];
  let outdatePeers = false;
  let fenced = false;
  let r = changeRole(k, res, "Primary", { soft: true, force, tag: "primary" });
  for (let i = 0; i < 4 && !r.ok; i++) {
    if (r.code === -2 && force && forced.length === 0) {
      // an Inconsistent/Outdated/Consistent disk is made UpToDate (CS_FP_LOCAL_UP_TO_DATE)
      forced.push(
        ...[...res.devices.values()].filter(
          (d) => !hasUpToDateAccess(res, d) && diskRank(d.disk) >= diskRank("Inconsistent") && d.disk !== "DUnknown",
        ),
      );
      if (!forced.length) break;
    } else if (r.code === -7 && !fenced) {
      fenced = true;
      for (const c of res.connections.values()) {
        if (c.net.fencing === "dont-care" || c.cstate === "Connected") continue;
        const ok = await tryOutdatePeer(k, res, c, "primary");
        if (!ok && force) {
          k.logConn(res, c, "Forced into split brain situation!");
          outdatePeers = true;
        }
      }
    } else if (r.code === -7 && force && !outdatePeers) outdatePeers = true;
    else if (r.code === -25 && force) outdatePeers = true;
    else break;
    r = changeRole(k, res, "Primary", { soft: true, force, outdatePeers, tag: "primary" }, () => {
      for (const d of forced) d.disk = "UpToDate";
    });
  }
  if (!r.ok) return refuse(r.code, r.info);
  if (forced.length) k.log(res, `drbd ${res.name}: Forced to consider local data as UpToDate!`);
  if (outdatePeers) k.log(res, `drbd ${res.name}: Forced to consider peers as Outdated!`);
  for (const d of forced) {
    // CS_FP_LOCAL_UP_TO_DATE: a new current UUID right away, so peers sync from us
    const md = d.md;
    if (!md) continue;
    const old = md.current;
    md.history = pushHistory(md.history, md.current);
    md.current = newUuid(k.rng, true);
    d.uuidRotatePending = false;
    const ALL = (1n << 64n) - 1n;
    k.logDev(res, d, `new current UUID: ${uuidHex(md.current)} weak: ${uuidHex(ALL & ~(1n << BigInt(res.nodeId)))}`);
    for (const c of res.connections.values()) {
      const p = k.peerSide(res, c);
      if (c.cstate === "Connected" && p) volumeHandshake(k, { res, conn: c }, p, d.vnr);
      else if (peerMd(md, c.peerNodeId).bitmapUuid === 0n && old !== 4n) peerMd(md, c.peerNodeId).bitmapUuid = old;
    }
  }
  return OK;
}

export function secondary(k: DrbdKernel, res: Resource, force = false): OpResult {
  if (res.role === "Secondary") return OK;
  const r = changeRole(k, res, "Secondary", { soft: true, force, tag: "secondary" });
  if (!r.ok) return refuse(r.code, r.code === -12 ? openerInfo(k, res) : undefined);
  res.autoPromoted = false;
  return OK;
}

/** The opener lines DRBD 9 adds to -12 (K9 drbd_nl.c put_device_opener_info). */
export function openerInfo(_k: DrbdKernel, res: Resource): string[] {
  const out: string[] = [];
  for (const d of res.devices.values()) {
    if (!d.openers.length) continue;
    const writable = d.openers.some((o) => o.mode === "rw") ? 1 : 0;
    out.push(`/dev/drbd${d.minor} open_cnt:${d.openers.length}, writable:${writable}; list of openers follows`);
    for (const o of d.openers) out.push(`drbd${d.minor} opened by ${o.opener} (pid ${o.pid}) at ${stamp(o.sinceUs)}`);
  }
  return out;
}

function stamp(us: number): string {
  const d = new Date(Date.UTC(2024, 0, 15, 14, 30, 0) + Math.floor(us / 1000));
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}

function sideOf(k: DrbdKernel, res: Resource, c: Connection, vnr: number): { me: Side; peer: Side } | null {
  const p = k.peerSide(res, c);
  const dev = res.devices.get(vnr);
  const pd = c.peerDevices.get(vnr);
  const pdev = p?.res.devices.get(vnr);
  const ppd = p?.conn.peerDevices.get(vnr);
  if (!p || !dev || !pd || !pdev || !ppd) return null;
  return { me: { res, conn: c, dev, pd }, peer: { res: p.res, conn: p.conn, dev: pdev, pd: ppd } };
}

function fullBits(dev: Device): number {
  return Math.ceil((dev.md?.dataSize ?? 0) / 4096);
}

/** invalidate: full sync with this node as target (or, disconnected, mark everything). */
export function invalidate(k: DrbdKernel, res: Resource, dev: Device): OpResult {
  if (!dev.md) return refuse(-11);
  if (syncing(res)) return refuse(-8);
  const src = [...res.connections.values()].find(
    (c) => c.cstate === "Connected" && c.peerDevices.get(dev.vnr)?.peerDisk === "UpToDate",
  );
  if (!src) {
    if (res.role === "Primary") return refuse(-2);
    k.change(
      res,
      () => {
        dev.disk = "Inconsistent";
      },
      { tag: "invalidate" },
    );
    for (const p of res.conf.peers) peerMd(dev.md, p.nodeId).bitmap.setRange(0, fullBits(dev));
    return OK;
  }
  const s = sideOf(k, res, src, dev.vnr);
  if (!s || !s.peer.dev.md) return refuse(-15);
  peerMd(s.peer.dev.md, res.nodeId).bitmap.setRange(0, fullBits(dev));
  peerMd(dev.md, s.peer.res.nodeId).bitmap.setRange(0, fullBits(dev));
  k.change(
    res,
    () => {
      s.me.pd.repl = "StartingSyncT";
    },
    { tag: "invalidate" },
  );
  k.change(
    s.peer.res,
    () => {
      s.peer.pd.repl = "StartingSyncS";
    },
    { tag: "invalidate" },
  );
  beginResync(k, s.peer, s.me, "invalidate");
  return OK;
}

/** invalidate-remote: full sync with this node as source. */
export function invalidateRemote(k: DrbdKernel, res: Resource, c: Connection, dev: Device): OpResult {
  if (!dev.md) return refuse(-11);
  if (c.cstate !== "Connected") return refuse(-15);
  if (syncing(res)) return refuse(-8);
  if (dev.disk !== "UpToDate") return refuse(-2);
  const s = sideOf(k, res, c, dev.vnr);
  if (!s || !s.peer.dev.md) return refuse(-5);
  peerMd(dev.md, s.peer.res.nodeId).bitmap.setRange(0, fullBits(dev));
  peerMd(s.peer.dev.md, res.nodeId).bitmap.setRange(0, fullBits(dev));
  k.change(
    res,
    () => {
      s.me.pd.repl = "StartingSyncS";
    },
    { tag: "invalidate-remote" },
  );
  k.change(
    s.peer.res,
    () => {
      s.peer.pd.repl = "StartingSyncT";
    },
    { tag: "invalidate-remote" },
  );
  beginResync(k, s.me, s.peer, "invalidate-remote");
  return OK;
}

export function verify(k: DrbdKernel, res: Resource, c: Connection, dev: Device): OpResult {
  if (!c.net.verifyAlg) return refuse(-14);
  if (c.cstate !== "Connected") return refuse(-15);
  if (syncing(res)) return refuse(-8);
  const s = sideOf(k, res, c, dev.vnr);
  if (!s || !dev.md || dev.disk !== "UpToDate" || s.peer.dev.disk !== "UpToDate") return refuse(-16);
  verifyRun(k, s.me, s.peer);
  return OK;
}

export function pauseSync(k: DrbdKernel, res: Resource, c: Connection, dev: Device, pause: boolean): OpResult {
  const pd = c.peerDevices.get(dev.vnr);
  if (!pd) return fail(162);
  if (pause && pd.resyncSusp.user) return fail(134);
  if (!pause && !pd.resyncSusp.user)
    return fail(135, pd.resyncSusp.peer ? ["Note: Resync pause caused by the peer node."] : undefined);
  const s = sideOf(k, res, c, dev.vnr);
  k.change(
    res,
    () => {
      pd.resyncSusp.user = pause;
    },
    { tag: pause ? "pause-sync" : "resume-sync" },
  );
  if (s)
    k.change(
      s.peer.res,
      () => {
        s.peer.pd.resyncSusp.peer = pause;
      },
      { tag: pause ? "pause-sync" : "resume-sync" },
    );
  if (pd.resync)
    pauseResync(
      k,
      { res, conn: c, dev, pd },
      pd.resyncSusp.user || pd.resyncSusp.peer || (s?.peer.pd.resyncSusp.user ?? false),
    );
  return OK;
}

export function outdate(k: DrbdKernel, res: Resource, dev: Device): OpResult {
  const r = k.change(
    res,
    () => {
      dev.disk = "Outdated";
    },
    { soft: true, tag: "outdate" },
  );
  return r.ok ? OK : refuse(r.code);
}

/** new-current-uuid [--clear-bitmap]: the skip-initial-sync trick when both are just created. */
export function newCurrentUuid(k: DrbdKernel, res: Resource, dev: Device, clearBitmap: boolean): OpResult {
  const md = dev.md;
  if (!md) return refuse(-11);
  const connected = [...res.connections.values()].filter((c) => c.cstate === "Connected");
  const skip = clearBitmap && md.current === 4n && connected.length > 0;
  if (connected.length > 0 && !skip) return fail(151);
  md.history = pushHistory(md.history, md.current);
  md.current = newUuid(k.rng, res.role === "Primary");
  k.logDev(
    res,
    dev,
    `new current UUID: ${uuidHex(md.current)} weak: ${uuidHex(((1n << 64n) - 1n) & ~(1n << BigInt(res.nodeId)))}`,
  );
  if (clearBitmap) for (const p of md.peers.values()) p.bitmap.clearAll();
  if (skip) {
    // both sides take the UUID and become UpToDate without a sync
    for (const c of connected) {
      const s = sideOf(k, res, c, dev.vnr);
      if (!s?.peer.dev.md) continue;
      s.peer.dev.md.current = md.current & ~1n;
      k.logDev(s.peer.res, s.peer.dev, "Accepted new current UUID, preparing to skip initial sync");
      k.change(
        s.peer.res,
        () => {
          s.peer.dev.disk = "UpToDate";
        },
        { tag: "skip-initial-sync" },
      );
    }
    k.change(
      res,
      () => {
        dev.disk = "UpToDate";
      },
      { tag: "new-c-uuid" },
    );
    k.propagate(res, { tag: "new-c-uuid" });
  }
  return OK;
}
