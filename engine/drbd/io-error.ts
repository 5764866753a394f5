/**
 * Errors of the local backing disk and the disk option `on-io-error` (K9 drbd_req.c
 * drbd_request_endio → drbd_handle_io_error_, drbd_state.c after_state_ch, drbd_sender.c
 * go_diskless):
 * - `detach` (DRBD 9's default): disk( … -> Failed ) [local-io-error], "Local IO failed in
 *   <where>. Detaching...", then disk( Failed -> Diskless ) [go-diskless] once the failed
 *   request is done. The node goes on without its disk: reads and writes through a peer with
 *   UpToDate data; a Primary gets a new current UUID that the peers adopt, so a disk attached
 *   again later is resynced from their bitmap.
 * - `call-local-io-error`: the same, and the `local-io-error` handler runs (before the peers
 *   hear of the failure).
 * - `pass_on`: a data read/write error leaves the disk attached but Inconsistent ("Local IO
 *   failed in drbd_request_endio."), the failed blocks out of sync; the request is retried on
 *   (read) or completed by (write) a peer. A meta-data error detaches as with `detach`.
 * In every case a request fails (EIO) only when no peer could serve it (K9 drbd_req_complete:
 * success when at least one of the local or remote operations succeeded).
 */
import { runHandler } from "./handlers";
import type { DrbdKernel } from "./kernel";
import { peerMd } from "./metadata";
import type { Device, Resource } from "./objects";
import { diskRank } from "./strings";
import { interruptResync } from "./sync";
import { newUuid, pushHistory, uuidHex } from "./uuid";

export interface LocalIoFailure {
  op: "read" | "write";
  offset: number;
  len: number;
  /** The write needed an activity-log transaction first (cold extent): that meta-data write failed. */
  meta: boolean;
}

/** The kernel block layer's line for a failed request (blk_update_request / blk_print_req_error). */
function blockLayerLine(dev: Device, f: LocalIoFailure, sector: number): string {
  const name = dev.backingPath.replace(/^\/dev\//, "");
  const op = f.op === "write" ? "0x1:(WRITE) flags 0x8800" : "0x0:(READ) flags 0x0";
  return `I/O error, dev ${name}, sector ${sector} op ${op} phys_seg 1 prio class 2`;
}

/** Sector of the next activity-log transaction (internal meta data: the AL sits before the superblock). */
function alSector(dev: Device): number {
  const size = dev.backing?.size() ?? 0;
  return Math.max(0, Math.floor(size / 512) - 8 - 64 + (dev.alWrites % 8) * 8);
}

export function localIoError(k: DrbdKernel, res: Resource, dev: Device, f: LocalIoFailure): void {
  const policy = res.conf.disk.onIoError;
  const sector = f.meta ? alSector(dev) : Math.floor(f.offset / 512);
  k.log(res, blockLayerLine(dev, f, sector));
  const where = f.meta ? "__al_write_transaction" : "drbd_request_endio";
  if (f.meta) k.logDev(res, dev, `drbd_md_sync_page_io(,${sector}s,WRITE) failed with error -5`);
  // the failed blocks no longer match the peers' copies
  if (dev.md) for (const c of res.connections.values()) peerMd(dev.md, c.peerNodeId).bitmap.setBytes(f.offset, f.len);
  if (policy === "pass_on" && !f.meta) {
    k.logDev(res, dev, `Local IO failed in ${where}.`);
    if (diskRank(dev.disk) > diskRank("Inconsistent"))
      k.change(
        res,
        () => {
          dev.disk = "Inconsistent";
        },
        { tag: "local-io-error" },
      );
    return;
  }
  if (diskRank(dev.disk) <= diskRank("Failed")) return;
  k.change(
    res,
    () => {
      dev.disk = "Failed";
    },
    { tag: "local-io-error" },
  );
  k.logDev(res, dev, `Local IO failed in ${where}. Detaching...`);
  if (policy === "call-local-io-error") runHandler(k, res, "local-io-error", dev);
  goDiskless(k, res, dev, "go-diskless");
}

/**
 * The local disk is gone (Failed or Detaching → Diskless): resyncs with it stop, the backing
 * device is released. A Primary that keeps its data through UpToDate peers gets a new current
 * UUID, adopted by those peers with their bitmap UUID for us set to the old one, so that what
 * is written meanwhile is resynced to our disk when it is attached again.
 */
export function goDiskless(k: DrbdKernel, res: Resource, dev: Device, tag: string): void {
  for (const c of res.connections.values()) {
    const pd = c.peerDevices.get(dev.vnr);
    if (pd?.resync) interruptResync(k, { res, conn: c, dev, pd });
  }
  if (res.role === "Primary") newCurrentOnPeers(k, res, dev);
  k.change(
    res,
    () => {
      dev.disk = "Diskless";
      for (const c of res.connections.values()) {
        const pd = c.peerDevices.get(dev.vnr);
        if (pd && pd.repl !== "Off") pd.repl = "Established";
      }
    },
    { tag },
  );
  // Simplification: the last meta-data write on the way to Diskless (K9 after_state_ch writes
  // the bitmap and meta data, "this may be the last chance") is taken as done, so a re-attach
  // does not replay the whole activity log: what changed is in the peers' bitmaps.
  if (dev.md) {
    dev.md.primary = false;
    // the activity log is written back and marked clean on the way out (drbd_ldev_destroy)
    dev.md.alClean = true;
  }
  dev.backing?.close("drbd");
  dev.backing = null;
  dev.md = null;
}

function newCurrentOnPeers(k: DrbdKernel, res: Resource, dev: Device): void {
  const holders: Device[] = [];
  let weak = ((1n << 64n) - 1n) & ~(1n << BigInt(res.nodeId));
  for (const c of res.connections.values()) {
    const pd = c.peerDevices.get(dev.vnr);
    const pdev = k.peerSide(res, c)?.res.devices.get(dev.vnr);
    if (c.cstate !== "Connected" || pd?.peerDisk !== "UpToDate" || !pdev?.md) continue;
    weak &= ~(1n << BigInt(c.peerNodeId));
    holders.push(pdev);
  }
  if (holders.length === 0) return;
  const uuid = newUuid(k.rng, true);
  k.logDev(res, dev, `new current UUID: ${uuidHex(uuid)} weak: ${uuidHex(weak)}`);
  for (const pdev of holders) {
    const md = pdev.md;
    if (!md) continue;
    const mine = peerMd(md, res.nodeId);
    if (mine.bitmapUuid === 0n) mine.bitmapUuid = md.current;
    md.history = pushHistory(md.history, md.current);
    md.current = uuid;
  }
}
