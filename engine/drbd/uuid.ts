/**
 * Generation UUIDs and the resync decision (K9 drbd_receiver.c drbd_uuid_compare()).
 * The lowest bit of a UUID records "was primary" and is masked out of every comparison.
 */
import type { Rng } from "../core/rng";

export const UUID_JUST_CREATED = 4n;
export const UUID_PRIMARY = 1n;
const MASK = ~UUID_PRIMARY;

export type SyncStrategy =
  | "no-sync"
  | "source-if-both-failed"
  | "source-use-bitmap"
  | "source-set-bitmap"
  | "source-copy-other-bitmap"
  | "target-if-both-failed"
  | "target-use-bitmap"
  | "target-set-bitmap"
  | "target-clear-bitmap"
  | "split-brain-auto-recover"
  | "split-brain-disconnect"
  | "unrelated-data";

export type SyncRule =
  | "just-created-both"
  | "just-created-self"
  | "just-created-peer"
  | "reconnected"
  | "crashed-primary"
  | "lost-quorum"
  | "both-off"
  | "bitmap-peer"
  | "bitmap-peer-other"
  | "bitmap-self"
  | "bitmap-self-other"
  | "history-peer"
  | "history-self"
  | "bitmap-both"
  | "history-both"
  | "unrelated-data";

/** What each strategy means (K9 sync_descriptors[]). */
export const STRATEGIES: Record<
  SyncStrategy,
  {
    source: boolean;
    target: boolean;
    full: boolean;
    splitBrain: boolean;
    mirror: SyncStrategy;
    fullEquivalent?: SyncStrategy;
  }
> = {
  "no-sync": { source: false, target: false, full: false, splitBrain: false, mirror: "no-sync" },
  "source-if-both-failed": {
    source: true,
    target: false,
    full: false,
    splitBrain: false,
    mirror: "target-if-both-failed",
  },
  "source-use-bitmap": {
    source: true,
    target: false,
    full: false,
    splitBrain: false,
    mirror: "target-use-bitmap",
    fullEquivalent: "source-set-bitmap",
  },
  "source-set-bitmap": {
    source: true,
    target: false,
    full: true,
    splitBrain: false,
    mirror: "target-set-bitmap",
    fullEquivalent: "source-set-bitmap",
  },
  "source-copy-other-bitmap": {
    source: true,
    target: false,
    full: false,
    splitBrain: false,
    mirror: "target-clear-bitmap",
  },
  "target-if-both-failed": {
    source: false,
    target: true,
    full: false,
    splitBrain: false,
    mirror: "source-if-both-failed",
  },
  "target-use-bitmap": {
    source: false,
    target: true,
    full: false,
    splitBrain: false,
    mirror: "source-use-bitmap",
    fullEquivalent: "target-set-bitmap",
  },
  "target-set-bitmap": {
    source: false,
    target: true,
    full: true,
    splitBrain: false,
    mirror: "source-set-bitmap",
    fullEquivalent: "target-set-bitmap",
  },
  "target-clear-bitmap": {
    source: false,
    target: true,
    full: false,
    splitBrain: false,
    mirror: "source-copy-other-bitmap",
  },
  "split-brain-auto-recover": {
    source: false,
    target: false,
    full: false,
    splitBrain: true,
    mirror: "split-brain-auto-recover",
  },
  "split-brain-disconnect": {
    source: false,
    target: false,
    full: false,
    splitBrain: true,
    mirror: "split-brain-disconnect",
  },
  "unrelated-data": { source: false, target: false, full: false, splitBrain: false, mirror: "unrelated-data" },
};

/** The UUID set of one node's device as sent in the handshake (P_UUIDS110). */
export interface UuidSet {
  nodeId: number;
  current: bigint;
  /** Bitmap UUID per peer node id (0 = in sync with that peer when we parted). */
  bitmaps: Record<number, bigint>;
  history: bigint[];
  /** UUID_FLAG_CRASHED_PRIMARY: meta-data says we crashed while Primary. */
  crashedPrimary: boolean;
  /** UUID_FLAG_RECONNECT: we had this peer as a live peer and lost it (in-memory only). */
  reconnect: boolean;
  /** UUID_FLAG_PRIMARY_LOST_QUORUM. */
  primaryLostQuorum: boolean;
}

export interface CompareContext {
  protocol: "A" | "B" | "C";
  /** This side holds the connection's RESOLVE_CONFLICTS flag (tie-breaks). */
  resolveConflicts: boolean;
}

export interface CompareResult {
  strategy: SyncStrategy;
  rule: SyncRule;
  /** For *-other rules: the node id whose bitmap is used. */
  otherNodeId?: number;
}

function bitmapOf(set: UuidSet, nodeId: number): bigint {
  return (set.bitmaps[nodeId] ?? 0n) & MASK;
}

/** K9 drbd_uuid_compare(), rules in the kernel's order (protocol version ≥ 121). */
export function uuidCompare(self: UuidSet, peer: UuidSet, ctx: CompareContext): CompareResult {
  let me = self.current & MASK;
  let them = peer.current & MASK;
  if (me === 0n) me = UUID_JUST_CREATED;
  if (them === 0n) them = UUID_JUST_CREATED;

  if (me === UUID_JUST_CREATED && them === UUID_JUST_CREATED) return { strategy: "no-sync", rule: "just-created-both" };
  if (me === UUID_JUST_CREATED) return { strategy: "target-set-bitmap", rule: "just-created-self" };
  if (them === UUID_JUST_CREATED) return { strategy: "source-set-bitmap", rule: "just-created-peer" };

  if (me === them) {
    if (peer.reconnect && self.reconnect) return { strategy: "no-sync", rule: "reconnected" };
    if (ctx.protocol === "A" || ctx.protocol === "B") {
      if (self.crashedPrimary && !peer.crashedPrimary)
        return { strategy: "source-use-bitmap", rule: "crashed-primary" };
      if (peer.crashedPrimary && !self.crashedPrimary)
        return { strategy: "target-use-bitmap", rule: "crashed-primary" };
    }
    // K9 keeps rule=lost-quorum for the following checks (the rule variable is not reset).
    if (peer.primaryLostQuorum && !self.primaryLostQuorum)
      return { strategy: "target-if-both-failed", rule: "lost-quorum" };
    if (!peer.primaryLostQuorum && self.primaryLostQuorum)
      return { strategy: "source-if-both-failed", rule: "lost-quorum" };
    if (peer.primaryLostQuorum && self.primaryLostQuorum)
      return {
        strategy: ctx.resolveConflicts ? "source-if-both-failed" : "target-if-both-failed",
        rule: "lost-quorum",
      };
    if (peer.crashedPrimary && self.reconnect) return { strategy: "source-if-both-failed", rule: "lost-quorum" };
    if (self.crashedPrimary && peer.reconnect) return { strategy: "target-if-both-failed", rule: "lost-quorum" };
    if (peer.reconnect || self.reconnect) return { strategy: "no-sync", rule: "lost-quorum" };
    if (self.crashedPrimary) {
      if (peer.crashedPrimary && ctx.resolveConflicts) return { strategy: "target-if-both-failed", rule: "both-off" };
      return { strategy: "source-if-both-failed", rule: "both-off" };
    }
    if (peer.crashedPrimary) return { strategy: "target-if-both-failed", rule: "both-off" };
    return { strategy: "no-sync", rule: "both-off" };
  }

  if (me === bitmapOf(peer, self.nodeId)) return { strategy: "target-use-bitmap", rule: "bitmap-peer" };
  for (const [id, uuid] of Object.entries(peer.bitmaps)) {
    if (Number(id) !== self.nodeId && (uuid & MASK) === me && me !== 0n)
      return { strategy: "target-clear-bitmap", rule: "bitmap-peer-other", otherNodeId: Number(id) };
  }

  if (bitmapOf(self, peer.nodeId) === them) return { strategy: "source-use-bitmap", rule: "bitmap-self" };
  for (const [id, uuid] of Object.entries(self.bitmaps)) {
    if (Number(id) !== peer.nodeId && (uuid & MASK) === them)
      return { strategy: "source-copy-other-bitmap", rule: "bitmap-self-other", otherNodeId: Number(id) };
  }

  const mineInPeers = peer.history.some((h) => (h & MASK) === me && h !== 0n);
  const theirsInMine = self.history.some((h) => (h & MASK) === them && h !== 0n);
  if (mineInPeers && !theirsInMine) return { strategy: "target-set-bitmap", rule: "history-peer" };
  if (!mineInPeers && theirsInMine) return { strategy: "source-set-bitmap", rule: "history-self" };

  const bs = bitmapOf(self, peer.nodeId);
  if (bs !== 0n && bs === bitmapOf(peer, self.nodeId))
    return { strategy: "split-brain-auto-recover", rule: "bitmap-both" };

  for (const h of self.history) {
    if ((h & MASK) === 0n) break;
    for (const p of peer.history) {
      if ((p & MASK) === 0n) break;
      if ((h & MASK) === (p & MASK)) return { strategy: "split-brain-disconnect", rule: "history-both" };
    }
  }
  return { strategy: "unrelated-data", rule: "unrelated-data" };
}

/** A fresh generation UUID (64 random bits, low bit = primary indicator). */
export function newUuid(rng: Rng, primary: boolean): bigint {
  const v = BigInt(`0x${rng.hex64()}`) & MASK & ~3n;
  // never collide with the "just created" marker
  const u = v === 0n || v === UUID_JUST_CREATED ? 0x1000n : v;
  return primary ? u | UUID_PRIMARY : u;
}

/** 16 upper-case hex digits, as drbdsetup/drbdmeta print UUIDs. */
export function uuidHex(u: bigint): string {
  return u.toString(16).toUpperCase().padStart(16, "0");
}

/** Push a UUID into the two-slot history (never the "just created" marker, never twice). */
export function pushHistory(history: [bigint, bigint], uuid: bigint): [bigint, bigint] {
  const u = uuid & ~UUID_PRIMARY;
  if (u === 0n || u === UUID_JUST_CREATED || u === (history[0] & ~UUID_PRIMARY)) return history;
  return [u, history[0]];
}
