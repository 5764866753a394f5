import { describe, expect, it } from "vitest";
import { type AsbSide, recover0p, recover1p, recover2p } from "./policies";

const side = (o: Partial<AsbSide> = {}): AsbSide => ({
  primary: false,
  changes: 0,
  wasPrimaryAtSplit: false,
  resolveConflicts: false,
  ...o,
});
const SRC = "source-use-bitmap";
const TGT = "target-use-bitmap";

describe("after-split-brain policies (K9 drbd_asb_recover_*p), seen from side A", () => {
  it("after-sb-0pri discard-zero-changes: the side without changes is discarded; both changed: unresolved", () => {
    expect(recover0p("discard-zero-changes", side({ changes: 0 }), side({ changes: 5 }))).toBe(TGT);
    expect(recover0p("discard-zero-changes", side({ changes: 3 }), side({ changes: 0 }))).toBe(SRC);
    expect(recover0p("discard-zero-changes", side({ changes: 3 }), side({ changes: 5 }))).toBeNull();
    // neither wrote: the RESOLVE_CONFLICTS holder becomes target
    expect(recover0p("discard-zero-changes", side({ resolveConflicts: true }), side())).toBe(TGT);
    expect(recover0p("discard-zero-changes", side(), side({ resolveConflicts: true }))).toBe(SRC);
  });

  it("discard-least-changes and discard-younger/older-primary", () => {
    expect(recover0p("discard-least-changes", side({ changes: 2 }), side({ changes: 9 }))).toBe(TGT);
    expect(recover0p("discard-least-changes", side({ changes: 9 }), side({ changes: 2 }))).toBe(SRC);
    // A was Primary at the split, B became Primary afterwards (younger)
    expect(recover0p("discard-younger-primary", side({ wasPrimaryAtSplit: true }), side())).toBe(SRC);
    expect(recover0p("discard-older-primary", side({ wasPrimaryAtSplit: true }), side())).toBe(TGT);
    expect(recover0p("disconnect", side(), side({ changes: 1 }))).toBeNull();
  });

  it("after-sb-1pri: discard-secondary, consensus, call-pri-lost-after-sb", () => {
    const pri = side({ primary: true, changes: 4 });
    const sec = side({ changes: 0 });
    expect(recover1p("discard-secondary", "disconnect", pri, sec).strategy).toBe(SRC);
    expect(recover1p("discard-secondary", "disconnect", sec, pri).strategy).toBe(TGT);
    expect(recover1p("consensus", "discard-zero-changes", pri, sec).strategy).toBe(SRC);
    // 0pri would discard the Primary: consensus refuses
    expect(
      recover1p("consensus", "discard-zero-changes", side({ primary: true }), side({ changes: 4 })).strategy,
    ).toBeNull();
    const lost = recover1p(
      "call-pri-lost-after-sb",
      "discard-zero-changes",
      side({ primary: true }),
      side({ changes: 4 }),
    );
    expect(lost).toEqual({ strategy: TGT, priLost: "a" });
    expect(recover1p("disconnect", "discard-zero-changes", pri, sec).strategy).toBeNull();
  });

  it("after-sb-2pri: only violently-as0p and call-pri-lost-after-sb decide", () => {
    const a = side({ primary: true, changes: 1 });
    const b = side({ primary: true, changes: 0 });
    expect(recover2p("disconnect", "discard-zero-changes", a, b).strategy).toBeNull();
    expect(recover2p("violently-as0p", "discard-zero-changes", a, b).strategy).toBe(SRC);
    expect(recover2p("call-pri-lost-after-sb", "discard-zero-changes", a, b)).toEqual({ strategy: SRC, priLost: "b" });
  });
});
