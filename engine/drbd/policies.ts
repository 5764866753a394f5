/**
 * After-split-brain policies (K9 drbd_receiver.c drbd_asb_recover_0p/1p/2p). Each returns the
 * strategy from the point of view of side A, or null when the policy cannot decide.
 */
import type { SyncStrategy } from "./uuid";

export interface AsbSide {
  primary: boolean;
  /** Bits changed since the split (this node's bitmap toward the peer). */
  changes: number;
  /** Bitmap UUID toward the peer carries the primary bit: was Primary at the split. */
  wasPrimaryAtSplit: boolean;
  /** Holds RESOLVE_CONFLICTS (deterministic tie-break). */
  resolveConflicts: boolean;
}

const SRC: SyncStrategy = "source-use-bitmap";
const TGT: SyncStrategy = "target-use-bitmap";

/** after-sb-0pri, evaluated by A. */
export function recover0p(policy: string, a: AsbSide, b: AsbSide): SyncStrategy | null {
  switch (policy) {
    case "discard-younger-primary":
    case "discard-older-primary": {
      // the younger primary became Primary after the split (no primary bit in its bitmap UUID)
      if (a.wasPrimaryAtSplit !== b.wasPrimaryAtSplit) {
        const aYounger = !a.wasPrimaryAtSplit;
        const discardA = policy === "discard-younger-primary" ? aYounger : !aYounger;
        return discardA ? TGT : SRC;
      }
      return recover0p("discard-zero-changes", a, b) ?? recover0p("discard-least-changes", a, b);
    }
    case "discard-zero-changes":
      if (a.changes === 0 && b.changes === 0) return a.resolveConflicts ? TGT : SRC;
      if (a.changes === 0) return TGT;
      if (b.changes === 0) return SRC;
      return null;
    case "discard-least-changes":
      if (a.changes < b.changes) return TGT;
      if (a.changes > b.changes) return SRC;
      return a.resolveConflicts ? TGT : SRC;
    case "discard-local":
      return TGT;
    case "discard-remote":
      return SRC;
    default:
      return null;
  }
}

/** after-sb-1pri, evaluated by A (exactly one of a/b is Primary). */
export function recover1p(
  policy: string,
  policy0: string,
  a: AsbSide,
  b: AsbSide,
): { strategy: SyncStrategy | null; priLost?: "a" | "b" } {
  const r0 = recover0p(policy0, a, b);
  const discardsSecondary = (s: SyncStrategy | null) =>
    s !== null && ((s === TGT && !a.primary) || (s === SRC && !b.primary));
  switch (policy) {
    case "discard-secondary":
      return { strategy: a.primary ? SRC : TGT };
    case "consensus":
      return { strategy: discardsSecondary(r0) ? r0 : null };
    case "call-pri-lost-after-sb":
      if (r0 === null) return { strategy: null };
      return { strategy: r0, priLost: discardsSecondary(r0) ? undefined : r0 === TGT ? "a" : "b" };
    case "violently-as0p":
      return { strategy: r0 };
    default:
      return { strategy: null };
  }
}

/** after-sb-2pri, evaluated by A. */
export function recover2p(
  policy: string,
  policy0: string,
  a: AsbSide,
  b: AsbSide,
): { strategy: SyncStrategy | null; priLost?: "a" | "b" } {
  const r0 = recover0p(policy0, a, b);
  switch (policy) {
    case "violently-as0p":
      return { strategy: r0 };
    case "call-pri-lost-after-sb":
      return r0 === null ? { strategy: null } : { strategy: r0, priLost: r0 === TGT ? "a" : "b" };
    default:
      return { strategy: null };
  }
}
