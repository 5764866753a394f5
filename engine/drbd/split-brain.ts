/**
 * Split-brain recovery at the sync handshake (K9 drbd_receiver.c drbd_sync_handshake, the
 * split-brain part): the initial-split-brain handler, the after-sb-0pri/1pri/2pri policies
 * (policies.ts) when the UUIDs allow an automatic recovery (or always-asbp), the
 * --discard-my-data victim, and when nothing decides the split-brain handler. Returns the
 * strategy to follow; one that is still a split brain means the connection is dropped.
 */
import { runHandler } from "./handlers";
import type { End } from "./handshake";
import type { DrbdKernel } from "./kernel";
import { peerMd } from "./metadata";
import type { Device, Resource } from "./objects";
import { type AsbSide, recover0p, recover1p, recover2p } from "./policies";
import { STRATEGIES, type SyncStrategy } from "./uuid";

function asbSide(res: Resource, dev: Device, peerNodeId: number, resolve: boolean): AsbSide {
  const p = dev.md ? peerMd(dev.md, peerNodeId) : null;
  return {
    primary: res.role === "Primary",
    changes: p?.bitmap.count() ?? 0,
    wasPrimaryAtSplit: ((p?.bitmapUuid ?? 0n) & 1n) === 1n,
    resolveConflicts: resolve,
  };
}

export function recoverSplitBrain(
  k: DrbdKernel,
  a: End,
  da: Device,
  b: End,
  db: Device,
  found: SyncStrategy,
  resolveA: boolean,
): SyncStrategy {
  let strategy = found;
  runHandler(k, a.res, "initial-split-brain", da, a.conn);
  runHandler(k, b.res, "initial-split-brain", db, b.conn);
  const full = strategy === "split-brain-disconnect";
  if (strategy === "split-brain-auto-recover" || (full && a.conn.net.alwaysAsbp)) {
    const A = asbSide(a.res, da, b.res.nodeId, resolveA);
    const B = asbSide(b.res, db, a.res.nodeId, !resolveA);
    const pcount = Number(A.primary) + Number(B.primary);
    const net = a.conn.net;
    const out =
      pcount === 0
        ? { strategy: recover0p(net.afterSb0pri, A, B) }
        : pcount === 1
          ? recover1p(net.afterSb1pri, net.afterSb0pri, A, B)
          : recover2p(net.afterSb2pri, net.afterSb0pri, A, B);
    if (out.strategy) {
      strategy = full ? (STRATEGIES[out.strategy].fullEquivalent ?? out.strategy) : out.strategy;
      for (const [e, d, s] of [
        [a, da, strategy],
        [b, db, STRATEGIES[strategy].mirror],
      ] as const) {
        k.logPd(
          e.res,
          d,
          e.conn,
          `Split-Brain detected, ${pcount} primaries, automatically solved. Sync from ${STRATEGIES[s].target ? "peer" : "this"} node`,
        );
        k.history.splitBrain(
          e.res,
          e.conn.peerName,
          d.vnr,
          "automatic",
          STRATEGIES[s].target ? "peer" : "this",
          pcount,
        );
        if (full) k.logPd(e.res, d, e.conn, "Doing a full sync, since UUIDs where ambiguous.");
      }
      if (out.priLost) {
        const loser = out.priLost === "a" ? a : b;
        const ok = k.change(
          loser.res,
          () => {
            loser.res.role = "Secondary";
          },
          { soft: true, tag: "pri-lost" },
        );
        if (ok.ok) k.log(loser.res, `drbd ${loser.res.name}: Successfully gave up primary role.`);
        else runHandler(k, loser.res, "pri-lost-after-sb", loser === a ? da : db, loser.conn);
      }
    }
  }
  if (STRATEGIES[strategy].splitBrain && a.conn.discardMyData !== b.conn.discardMyData) {
    const mine: SyncStrategy = a.conn.discardMyData ? "target-use-bitmap" : "source-use-bitmap";
    strategy = full ? (STRATEGIES[mine].fullEquivalent ?? mine) : mine;
    for (const [e, d, s] of [
      [a, da, strategy],
      [b, db, STRATEGIES[strategy].mirror],
    ] as const) {
      k.logPd(
        e.res,
        d,
        e.conn,
        `Split-Brain detected, manually solved. ${full ? "Full sync" : "Sync"} from ${STRATEGIES[s].target ? "peer" : "this"} node`,
      );
      k.history.splitBrain(e.res, e.conn.peerName, d.vnr, "manual", STRATEGIES[s].target ? "peer" : "this");
    }
  }
  if (STRATEGIES[strategy].splitBrain) {
    for (const [e, d] of [
      [a, da],
      [b, db],
    ] as const) {
      k.logPd(e.res, d, e.conn, "Split-Brain detected but unresolved, dropping connection!");
      k.history.splitBrain(e.res, e.conn.peerName, d.vnr, "unresolved", null);
      runHandler(k, e.res, "split-brain", d, e.conn);
    }
  }
  return strategy;
}
