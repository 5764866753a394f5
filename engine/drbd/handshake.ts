/**
 * Connection handshake (K9 drbd_receiver.c drbd_do_features / drbd_sync_handshake): both sides
 * go Connected, then per volume the UUIDs decide the resync direction (uuid.ts), split brains
 * are resolved by the after-sb policies or --discard-my-data, or the connection is dropped.
 */
import { rebindable } from "../core/rebind";
import { sideSet } from "../core/side-tables";
import { runHandler } from "./handlers";
import { type DrbdKernel, PROTO_AGREED } from "./kernel";
import { peerMd } from "./metadata";
import type { Connection, Device, Resource } from "./objects";
import { resetStream } from "./sendbuf";
import { recoverSplitBrain } from "./split-brain";
import { diskRank } from "./strings";
import { beginResync, interruptResync, type Side } from "./sync";
import { STRATEGIES, type SyncStrategy, type UuidSet, uuidCompare, uuidHex } from "./uuid";

/**
 * Disks being attached while connected: DRBD 9 holds them in D_NEGOTIATING (below Consistent)
 * during the handshake, so a diskless Primary re-attaching its repaired disk may become
 * SyncTarget (K9 drbd_adm_attach, drbd_sync_handshake).
 */
export const negotiating = sideSet<Device>("drbd.negotiating");

export interface End {
  res: Resource;
  conn: Connection;
}

function uuidSet(res: Resource, conn: Connection, dev: Device): UuidSet {
  const md = dev.md;
  const bitmaps: Record<number, bigint> = {};
  if (md) for (const [id, p] of md.peers) bitmaps[id] = p.bitmapUuid;
  return {
    nodeId: res.nodeId,
    current: md ? md.current : 0n,
    bitmaps,
    history: md ? [...md.history] : [],
    crashedPrimary: md?.crashedPrimary ?? false,
    reconnect: conn.reconnect,
    primaryLostQuorum: false,
  };
}

function logUuids(
  k: DrbdKernel,
  me: End,
  dev: Device,
  self: UuidSet,
  peer: UuidSet,
  selfBits: number,
  peerBits: number,
): void {
  const line = (s: UuidSet, bm: bigint, bits: number) =>
    `${uuidHex(s.current)}:${uuidHex(bm)}:${uuidHex(s.history[0] ?? 0n)}:${uuidHex(s.history[1] ?? 0n)} bits:${bits} flags:${s.crashedPrimary ? 2 : 0}`;
  k.logPd(me.res, dev, me.conn, "drbd_sync_handshake:");
  k.logPd(me.res, dev, me.conn, `self ${line(self, self.bitmaps[peer.nodeId] ?? 0n, selfBits)}`);
  k.logPd(me.res, dev, me.conn, `peer ${line(peer, peer.bitmaps[self.nodeId] ?? 0n, peerBits)}`);
}

/** Drop the connection after a failed handshake: → Disconnecting → StandAlone on both sides. */
function dropToStandAlone(k: DrbdKernel, e: End, tag: string): void {
  k.change(
    e.res,
    () => {
      e.conn.cstate = "Disconnecting";
    },
    { tag },
  );
  k.change(
    e.res,
    () => {
      e.conn.cstate = "StandAlone";
    },
    { tag },
  );
  e.conn.epoch++;
}

function incompatible(a: Connection, b: Connection): string | null {
  if (a.net.protocol !== b.net.protocol) return "protocol";
  if (a.net.afterSb0pri !== b.net.afterSb0pri) return "after-sb-0pri";
  if (a.net.afterSb1pri !== b.net.afterSb1pri) return "after-sb-1pri";
  if (a.net.afterSb2pri !== b.net.afterSb2pri) return "after-sb-2pri";
  if (a.discardMyData && b.discardMyData) return "discard-my-data";
  if (a.net.allowTwoPrimaries !== b.net.allowTwoPrimaries) return "allow-two-primaries";
  return null;
}

/**
 * Would the sync handshake of some volume end the connection by itself (split brain, unrelated
 * data)? Then its own log lines and policies decide, before the role check below.
 */
function handshakeDecidesFirst(a: End, b: End): boolean {
  for (const [vnr, da] of a.res.devices) {
    const db = b.res.devices.get(vnr);
    if (!db?.md || !da.md || da.disk === "Diskless" || db.disk === "Diskless") continue;
    const r = uuidCompare(uuidSet(a.res, a.conn, da), uuidSet(b.res, b.conn, db), {
      protocol: a.conn.net.protocol,
      resolveConflicts: a.res.nodeId > b.res.nodeId,
    });
    if (STRATEGIES[r.strategy].splitBrain || r.strategy === "unrelated-data") return true;
  }
  return false;
}

/**
 * Two Primaries without allow-two-primaries may not connect (K9 connect_work): the node with the
 * lower node-id drives the cluster-wide change to Connected, which __is_valid_soft_transition
 * refuses with SS_TWO_PRIMARIES (-1). rr-conflict retry-connect retries every second (both stay
 * Connecting); otherwise it sends P_DISCONNECT and both ends go StandAlone (T9 two-primaries-reject).
 */
function refuseTwoPrimaries(k: DrbdKernel, a: End, b: End): void {
  const [ini, peer] = a.res.nodeId < b.res.nodeId ? [a, b] : [b, a];
  k.log(ini.res, `drbd ${ini.res.name}: State change failed: Multiple primaries not allowed by config (-1)`);
  k.logConn(
    ini.res,
    ini.conn,
    `Failed: conn( ${ini.conn.cstate} -> Connected ) peer( ${ini.conn.peerRole} -> ${peer.res.role} ) [connected]`,
  );
  if (ini.conn.net.rrConflict === "retry-connect") {
    const ep = [ini.conn.epoch, peer.conn.epoch];
    k.world.clock.schedule(
      1_000_000,
      `drbd connect retry ${ini.res.name} ${ini.res.node.name}->${ini.conn.peerName}`,
      onConnectRetry(k, ini, peer, ep[0] as number, ep[1] as number),
    );
    return;
  }
  dropToStandAlone(k, ini, "connect-failed");
  dropToStandAlone(k, peer, "receive-disconnect");
}

/** Both sides reached each other: run the handshake (`retry`: same sockets, K9 connect_work re-armed). */
export function establish(k: DrbdKernel, a: End, b: End, opts: { retry?: boolean } = {}): void {
  if (!opts.retry)
    for (const [me, other] of [
      [a, b],
      [b, a],
    ] as const) {
      k.logConn(
        me.res,
        me.conn,
        `Handshake to peer ${other.res.nodeId} successful: Agreed network protocol version ${PROTO_AGREED}`,
      );
      k.logConn(
        me.res,
        me.conn,
        "Feature flags enabled on protocol level: 0x7f TRIM THIN_RESYNC WRITE_SAME WRITE_ZEROES RESYNC_DAGTAG",
      );
    }
  // P_PROTOCOL: both ends must agree (K9 receive_protocol "incompatible %s settings")
  const bad = incompatible(a.conn, b.conn);
  if (bad) {
    for (const e of [a, b]) {
      k.logConn(e.res, e.conn, `incompatible ${bad} settings`);
      dropToStandAlone(k, e, "connect-failed");
    }
    return;
  }
  const twoPrimaries = () => a.res.role === "Primary" && b.res.role === "Primary" && !a.conn.net.allowTwoPrimaries;
  if (twoPrimaries() && !handshakeDecidesFirst(a, b)) {
    refuseTwoPrimaries(k, a, b);
    return;
  }
  a.conn.epoch++;
  b.conn.epoch++;
  resetStream(a.conn);
  resetStream(b.conn);
  k.change(
    a.res,
    () => {
      a.conn.cstate = "Connected";
      a.conn.peerRole = b.res.role;
    },
    { tag: "connected" },
  );
  k.change(
    b.res,
    () => {
      b.conn.cstate = "Connected";
      b.conn.peerRole = a.res.role;
    },
    { tag: "connected" },
  );

  for (const [vnr, da] of a.res.devices) {
    const db = b.res.devices.get(vnr);
    const pa = a.conn.peerDevices.get(vnr);
    const pb = b.conn.peerDevices.get(vnr);
    if (!db || !pa || !pb) continue;
    const outcome = syncHandshake(k, a, da, b, db);
    if (outcome === "drop") return;
  }
  // an after-sb policy that left both Primary (a loser that could not demote, violently-as0p):
  // the change to Connected still fails with SS_TWO_PRIMARIES on the initiator (K9 connect_work)
  if (twoPrimaries()) {
    const ini = a.res.nodeId < b.res.nodeId ? a : b;
    k.log(ini.res, `drbd ${ini.res.name}: State change failed: Multiple primaries not allowed by config (-1)`);
    for (const e of [a, b])
      for (const [vnr, pd] of e.conn.peerDevices) {
        const dev = e.res.devices.get(vnr);
        if (dev && pd.resync) interruptResync(k, { res: e.res, conn: e.conn, dev, pd });
      }
    dropToStandAlone(k, ini, "connect-failed");
    dropToStandAlone(k, ini === a ? b : a, "receive-disconnect");
    return;
  }
  a.conn.reconnect = false;
  b.conn.reconnect = false;
  // connected again: the peer counts as a quorum voter and is no longer known-outdated
  for (const [e, o] of [
    [a, b],
    [b, a],
  ] as const)
    for (const d of e.res.devices.values()) if (d.md) peerMd(d.md, o.res.nodeId).peerOutdated = false;
  a.conn.discardMyData = false;
  b.conn.discardMyData = false;
}

/** Handshake of one volume on an existing connection (attach while connected). */
export function volumeHandshake(k: DrbdKernel, a: End, b: End, vnr: number): void {
  const da = a.res.devices.get(vnr);
  const db = b.res.devices.get(vnr);
  if (da && db) syncHandshake(k, a, da, b, db);
}

function syncHandshake(k: DrbdKernel, a: End, da: Device, b: End, db: Device): "ok" | "drop" {
  const pa = a.conn.peerDevices.get(da.vnr);
  const pb = b.conn.peerDevices.get(db.vnr);
  if (!pa || !pb) return "ok";
  const tagDisks = () => {
    k.change(
      a.res,
      () => {
        pa.peerDisk = db.disk;
        pa.repl = "Established";
      },
      { tag: "connected" },
    );
    k.change(
      b.res,
      () => {
        pb.peerDisk = da.disk;
        pb.repl = "Established";
      },
      { tag: "connected" },
    );
  };
  if (!da.md || !db.md || da.disk === "Diskless" || db.disk === "Diskless") {
    tagDisks();
    return "ok";
  }
  const sa = uuidSet(a.res, a.conn, da);
  const sb = uuidSet(b.res, b.conn, db);
  const resolveA = a.res.nodeId > b.res.nodeId;
  const proto = a.conn.net.protocol;
  const r = uuidCompare(sa, sb, { protocol: proto, resolveConflicts: resolveA });
  const rb = uuidCompare(sb, sa, { protocol: proto, resolveConflicts: !resolveA });
  const bitsA = peerMd(da.md, b.res.nodeId).bitmap.count();
  const bitsB = peerMd(db.md, a.res.nodeId).bitmap.count();
  if (r.strategy !== "no-sync" || rb.strategy !== "no-sync") {
    logUuids(k, a, da, sa, sb, bitsA, bitsB);
    k.logPd(a.res, da, a.conn, `uuid_compare()=${r.strategy} by rule=${r.rule}`);
    logUuids(k, b, db, sb, sa, bitsB, bitsA);
    k.logPd(b.res, db, b.conn, `uuid_compare()=${rb.strategy} by rule=${rb.rule}`);
  }
  let strategy: SyncStrategy = r.strategy;

  // disk states decide when the UUIDs do not (K9 disk_states_to_strategy)
  if (strategy === "no-sync") {
    if (da.disk === "Inconsistent" && diskRank(db.disk) >= diskRank("Consistent")) strategy = "target-use-bitmap";
    else if (db.disk === "Inconsistent" && diskRank(da.disk) >= diskRank("Consistent")) strategy = "source-use-bitmap";
    if (strategy !== "no-sync")
      k.logPd(
        a.res,
        da,
        a.conn,
        `Becoming sync ${STRATEGIES[strategy].source ? "source" : "target"} due to disk states.`,
      );
  }

  if (STRATEGIES[strategy].splitBrain) {
    strategy = recoverSplitBrain(k, a, da, b, db, strategy, resolveA);
    if (STRATEGIES[strategy].splitBrain) {
      dropToStandAlone(k, a, "split-brain");
      dropToStandAlone(k, b, "split-brain");
      return "drop";
    }
  }

  if (strategy === "unrelated-data") {
    for (const [e, d] of [
      [a, da],
      [b, db],
    ] as const)
      k.logPd(e.res, d, e.conn, "Unrelated data, aborting!");
    dropToStandAlone(k, a, "unrelated-data");
    dropToStandAlone(k, b, "unrelated-data");
    return "drop";
  }

  const desc = STRATEGIES[strategy];
  // the would-be source must hold consistent data
  const srcEnd = desc.source ? { e: a, d: da } : desc.target ? { e: b, d: db } : null;
  const tgtEnd = desc.source ? { e: b, d: db } : desc.target ? { e: a, d: da } : null;
  if (srcEnd && tgtEnd) {
    if (diskRank(srcEnd.d.disk) < diskRank("Outdated")) {
      k.logPd(srcEnd.e.res, srcEnd.d, srcEnd.e.conn, "I shall become SyncSource, but I am inconsistent!");
      dropToStandAlone(k, a, "connect-failed");
      dropToStandAlone(k, b, "connect-failed");
      return "drop";
    }
    const tBits = tgtEnd.d.md ? peerMd(tgtEnd.d.md, srcEnd.e.res.nodeId).bitmap.count() : 0;
    if (
      tgtEnd.e.res.role === "Primary" &&
      diskRank(tgtEnd.d.disk) >= diskRank("Consistent") &&
      !negotiating.has(tgtEnd.d) &&
      !desc.full &&
      tBits + (srcEnd.d.md ? peerMd(srcEnd.d.md, tgtEnd.e.res.nodeId).bitmap.count() : 0) > 0 &&
      tgtEnd.e.conn.net.rrConflict !== "violently"
    ) {
      k.logPd(tgtEnd.e.res, tgtEnd.d, tgtEnd.e.conn, "I shall become SyncTarget, but I am primary!");
      if (tgtEnd.e.conn.net.rrConflict === "call-pri-lost")
        runHandler(k, tgtEnd.e.res, "pri-lost", tgtEnd.d, tgtEnd.e.conn);
      dropToStandAlone(k, a, "connect-failed");
      dropToStandAlone(k, b, "connect-failed");
      return "drop";
    }
    startSync(k, srcEnd.e, srcEnd.d, tgtEnd.e, tgtEnd.d, STRATEGIES[strategy].full);
    return "ok";
  }

  // no sync: in sync, an UpToDate peer lifts a Consistent/Outdated disk of the same generation
  const pBm = peerMd(da.md, b.res.nodeId);
  const qBm = peerMd(db.md, a.res.nodeId);
  if ((da.md.current & ~1n) === (db.md.current & ~1n)) {
    pBm.bitmapUuid = 0n;
    qBm.bitmapUuid = 0n;
    // two Consistent disks of the same generation (both attached with fencing, e.g. after a
    // cluster restart) hold the same data: both become UpToDate
    if (da.disk === "Consistent" && db.disk === "Consistent")
      for (const [r, d] of [
        [a.res, da],
        [b.res, db],
      ] as const)
        k.change(
          r,
          () => {
            d.disk = "UpToDate";
          },
          { tag: "connected" },
        );
    if (da.disk === "UpToDate" && (db.disk === "Outdated" || db.disk === "Consistent"))
      k.change(
        b.res,
        () => {
          db.disk = "UpToDate";
        },
        { tag: "connected" },
      );
    if (db.disk === "UpToDate" && (da.disk === "Outdated" || da.disk === "Consistent"))
      k.change(
        a.res,
        () => {
          da.disk = "UpToDate";
        },
        { tag: "connected" },
      );
  }
  // Same generation, both UpToDate (after the lift above), but one side still holds out-of-sync bits toward the other: a
  // write that was in flight when the link died is completed locally and marked out of sync
  // (K9 tl_restart CONNECTION_LOST_WHILE_PENDING) without a new UUID. Dropping those bits would
  // leave two UpToDate disks that differ; resync them from the side that holds them (what
  // upstream K9 maybe_reconcile_equal_uuid_bitmap does instead of dropping the bits).
  if (
    strategy === "no-sync" &&
    (da.md.current & ~1n) === (db.md.current & ~1n) &&
    da.disk === "UpToDate" &&
    db.disk === "UpToDate" &&
    (bitsA === 0) !== (bitsB === 0)
  ) {
    const [src, ds, tgt, dt] = bitsA > 0 ? [a, da, b, db] : [b, db, a, da];
    if (tgt.res.role !== "Primary") {
      startSync(k, src, ds, tgt, dt, false);
      return "ok";
    }
  }

  da.md.crashedPrimary = false;
  db.md.crashedPrimary = false;
  tagDisks();
  return "ok";
}

function startSync(k: DrbdKernel, src: End, ds: Device, tgt: End, dt: Device, full: boolean): void {
  if (!ds.md || !dt.md) return;
  const sp = peerMd(ds.md, tgt.res.nodeId);
  const tp = peerMd(dt.md, src.res.nodeId);
  if (full) {
    const bits = Math.ceil(ds.md.dataSize / 4096);
    k.logPd(
      src.res,
      ds,
      src.conn,
      dt.md.current === 4n
        ? "Setting and writing the whole bitmap, fresh node"
        : "Writing the whole bitmap, full sync required after drbd_sync_handshake.",
    );
    sp.bitmap.setRange(0, bits);
  }
  // OR of both sides' bits (blocks written on either side since they parted)
  sp.bitmap.merge(tp.bitmap);
  tp.bitmap.clearAll();
  tp.bitmap.merge(sp.bitmap);
  ds.md.crashedPrimary = false;
  dt.md.crashedPrimary = false;
  const spd = src.conn.peerDevices.get(ds.vnr);
  const tpd = tgt.conn.peerDevices.get(dt.vnr);
  if (!spd || !tpd) return;
  k.change(
    src.res,
    () => {
      spd.peerDisk = dt.disk;
    },
    { tag: "connected" },
  );
  k.change(
    tgt.res,
    () => {
      tpd.peerDisk = ds.disk;
    },
    { tag: "connected" },
  );
  const s: Side = { res: src.res, conn: src.conn, dev: ds, pd: spd };
  const t: Side = { res: tgt.res, conn: tgt.conn, dev: dt, pd: tpd };
  beginResync(k, s, t, "connected");
}

/** The retry after a two-primaries refusal (a closure a checkpoint can carry: core/rebind.ts). */
const onConnectRetry = rebindable(
  "drbd.connectRetry",
  (k: DrbdKernel, ini: End, peer: End, epochI: number, epochP: number) => () => {
    if (!k.alive(ini.res) || !k.alive(peer.res) || ini.conn.epoch !== epochI || peer.conn.epoch !== epochP) return;
    if (ini.conn.cstate !== "Connecting" || peer.conn.cstate !== "Connecting") return;
    const net = k.world.net;
    const up =
      net.canReach(ini.res.node.name, ini.conn.peerName, ini.conn.path.port) &&
      net.canReach(ini.conn.peerName, ini.res.node.name, ini.conn.path.localPort);
    if (up) establish(k, ini, peer, { retry: true });
    else k.cluster.attempt(ini.res, ini.conn, ini.conn.net.connectIntUs);
  },
);
