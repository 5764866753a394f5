/**
 * Resync life cycle between a SyncSource and a SyncTarget: start (both peer devices share one
 * ResyncRun), completion scheduled on the clock, interruption (the part already done is
 * copied and cleared from the bitmaps, the rest stays), pause/resume, and the end of resync
 * UUID handling (the target adopts the source's current UUID; the source's bitmap UUID moves
 * to history — K9 drbd_resync_finished / drbd_uuid_resync_finished).
 */
import type { BlockDevice } from "../block/types";
import { rebindable } from "../core/rebind";
import { BM_BLOCK_SIZE, type Interval } from "./bitmap";
import { runHandler } from "./handlers";
import type { DrbdKernel } from "./kernel";
import { peerMd } from "./metadata";
import type { Connection, Device, PeerDevice, Resource } from "./objects";
import { averageKiBps, checkpoint, completionUs, doneBitsAt, type ResyncRun, setPaused, startRun } from "./resync";
import { pushHistory } from "./uuid";

export interface Side {
  res: Resource;
  conn: Connection;
  dev: Device;
  pd: PeerDevice;
}

const COPY_CHUNK = 64 * 1024 * 1024;

/** Copy block intervals from the source's backing disk to the target's (the resync's data). */
export function copyBlocks(from: BlockDevice, to: BlockDevice, intervals: readonly Interval[], limit: number): void {
  for (const [s, e] of intervals) {
    let off = s * BM_BLOCK_SIZE;
    const end = Math.min(e * BM_BLOCK_SIZE, limit);
    while (off < end) {
      const len = Math.min(COPY_CHUNK, end - off);
      const r = from.read(off, len);
      if (r.ok) to.write(off, r.value);
      off += len;
    }
  }
}

function sides(k: DrbdKernel, src: Side): Side | null {
  const p = k.peerSide(src.res, src.conn);
  if (!p) return null;
  const dev = p.res.devices.get(src.dev.vnr);
  const pd = p.conn.peerDevices.get(src.dev.vnr);
  return dev && pd ? { res: p.res, conn: p.conn, dev, pd } : null;
}

/** Start a resync: `bits` are already merged into both sides' bitmap slots. */
export function beginResync(k: DrbdKernel, src: Side, tgt: Side, tag: string): void {
  const srcMd = src.dev.md;
  const tgtMd = tgt.dev.md;
  if (!srcMd || !tgtMd) return;
  const bits = peerMd(srcMd, tgt.res.nodeId).bitmap.count();
  const now = k.world.clock.now;
  const link = k.world.net.path(src.res.node.name, tgt.res.node.name).bandwidthBps;
  const paused = src.pd.resyncSusp.user || tgt.pd.resyncSusp.user;
  const run = startRun("resync", bits, now, src.res.conf.disk, link, paused);
  src.pd.resync = run;
  tgt.pd.resync = run;
  k.change(
    src.res,
    () => {
      src.pd.repl = "WFBitMapS";
    },
    { tag },
  );
  k.change(
    tgt.res,
    () => {
      tgt.pd.repl = "WFBitMapT";
    },
    { tag },
  );
  k.change(
    tgt.res,
    () => {
      tgt.pd.repl = "SyncTarget";
      tgt.pd.resyncSusp.peer = src.pd.resyncSusp.user;
    },
    { tag: "receive-bitmap" },
  );
  k.change(
    src.res,
    () => {
      src.pd.repl = "SyncSource";
      src.pd.resyncSusp.peer = tgt.pd.resyncSusp.user;
    },
    { tag: "receive-bitmap" },
  );
  for (const s of [src, tgt])
    k.logPd(
      s.res,
      s.dev,
      s.conn,
      `Began resync as ${s.pd.repl.replace("Paused", "")} (will sync ${bits * 4} KB [${bits} bits set]).`,
    );
  schedule(k, src, tgt, run);
}

function schedule(k: DrbdKernel, src: Side, tgt: Side, run: ResyncRun): void {
  k.world.clock.cancel(run.timer);
  run.timer = undefined;
  const at = completionUs(run, k.world.clock.now);
  if (at === null) return;
  run.timer = k.world.clock.scheduleAt(
    at,
    `drbd resync ${src.res.name}`,
    onResyncDone(k, src, tgt, run, src.conn.epoch, tgt.conn.epoch),
  );
}

/** A resync's end (a closure a checkpoint can carry: core/rebind.ts). */
const onResyncDone = rebindable(
  "drbd.resyncDone",
  (k: DrbdKernel, src: Side, tgt: Side, run: ResyncRun, epochS: number, epochT: number) => () => {
    if (
      !k.alive(src.res) ||
      !k.alive(tgt.res) ||
      src.conn.epoch !== epochS ||
      tgt.conn.epoch !== epochT ||
      src.pd.resync !== run
    )
      return;
    finishResync(k, src, tgt);
  },
);

/** Re-plan the completion after a rate/pause change. */
export function replan(k: DrbdKernel, src: Side): void {
  const run = src.pd.resync;
  if (!run) return;
  const isSource = src.pd.repl === "SyncSource" || src.pd.repl === "PausedSyncS";
  const other = sides(k, src);
  if (!other) return;
  if (isSource) schedule(k, src, other, run);
  else schedule(k, other, src, run);
}

/** Copy what is done so far and clear those bits on both sides. */
function settle(_k: DrbdKernel, src: Side, tgt: Side, run: ResyncRun, doneBits: number): void {
  const srcMd = src.dev.md;
  const tgtMd = tgt.dev.md;
  if (!srcMd || !tgtMd || !src.dev.backing || !tgt.dev.backing) return;
  const sb = peerMd(srcMd, tgt.res.nodeId).bitmap;
  const tb = peerMd(tgtMd, src.res.nodeId).bitmap;
  const done = sb.firstBits(Math.floor(doneBits));
  const kib = done.reduce((n, [s, e]) => n + (e - s) * 4, 0);
  src.pd.sentKiB += kib;
  tgt.pd.receivedKiB += kib;
  tgt.dev.writtenKiB += kib;
  src.dev.readKiB += kib;
  copyBlocks(src.dev.backing, tgt.dev.backing, done, srcMd.dataSize);
  for (const [s, e] of done) {
    sb.clearRange(s, e);
    tb.clearRange(s, e);
  }
  run.doneBits = 0;
  run.totalBits = sb.count();
}

export function finishResync(k: DrbdKernel, src: Side, tgt: Side): void {
  const run = src.pd.resync;
  if (!run || !src.dev.md || !tgt.dev.md) return;
  const now = k.world.clock.now;
  const total = run.totalBits;
  settle(k, src, tgt, run, total);
  // the target adopts the source's generation (K9 drbd_uuid_resync_finished)
  const sp = peerMd(src.dev.md, tgt.res.nodeId);
  if (sp.bitmapUuid !== 0n && (sp.bitmapUuid & ~1n) !== (src.dev.md.current & ~1n))
    src.dev.md.history = pushHistory(src.dev.md.history, sp.bitmapUuid);
  sp.bitmapUuid = 0n;
  const tp = peerMd(tgt.dev.md, src.res.nodeId);
  tp.bitmapUuid = 0n;
  tgt.dev.md.current = src.dev.md.current & ~1n;
  tgt.dev.md.history = [...src.dev.md.history];
  const secs = Math.max(0, Math.round((now - run.startUs) / 1e6));
  const paused = Math.round(run.pausedTotalUs / 1e6);
  const speed = averageKiBps({ ...run, totalBits: total }, now);
  src.pd.resync = null;
  tgt.pd.resync = null;
  for (const s of [src, tgt])
    k.logPd(s.res, s.dev, s.conn, `Resync done (total ${secs} sec; paused ${paused} sec; ${speed} K/sec)`);
  k.change(
    tgt.res,
    () => {
      tgt.pd.repl = "Established";
      tgt.dev.disk = "UpToDate";
    },
    { tag: "resync-finished" },
  );
  k.change(
    src.res,
    () => {
      src.pd.repl = "Established";
      src.pd.peerDisk = "UpToDate";
    },
    { tag: "resync-finished" },
  );
  k.propagate(tgt.res, { tag: "resync-finished" });
  // K9 drbd_resync_finished: the SyncTarget runs its after-resync-target helper
  runHandler(k, tgt.res, "after-resync-target", tgt.dev, tgt.conn);
}

/** The connection broke during a resync: keep what is done, the rest stays marked. */
export function interruptResync(k: DrbdKernel, side: Side): void {
  const run = side.pd.resync;
  if (!run) return;
  k.world.clock.cancel(run.timer);
  const now = k.world.clock.now;
  const other = sides(k, side);
  const isSource = side.pd.repl === "SyncSource" || side.pd.repl === "PausedSyncS";
  if (other && other.pd.resync === run) {
    const [src, tgt] = isSource ? [side, other] : [other, side];
    settle(k, src, tgt, run, doneBitsAt(run, now));
    other.pd.resync = null;
  } else if (side.dev.md) {
    // the peer is gone (crash): this side's bitmap keeps the undone part as is
    checkpoint(run, now);
  }
  side.pd.resync = null;
}

export function pauseResync(k: DrbdKernel, side: Side, paused: boolean): void {
  const run = side.pd.resync;
  if (!run) return;
  setPaused(run, paused, k.world.clock.now);
  replan(k, side);
}
