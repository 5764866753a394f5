import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng";
import { newUuid, STRATEGIES, UUID_JUST_CREATED, type UuidSet, uuidCompare, uuidHex } from "./uuid";

const base = (nodeId: number, current: bigint, over: Partial<UuidSet> = {}): UuidSet => ({
  nodeId,
  current,
  bitmaps: {},
  history: [0n, 0n],
  crashedPrimary: false,
  reconnect: false,
  primaryLostQuorum: false,
  ...over,
});
const C = { protocol: "C" as const, resolveConflicts: false };

describe("uuidCompare (K9 drbd_uuid_compare rules)", () => {
  it("just-created-both: no sync until primary --force", () => {
    expect(uuidCompare(base(0, UUID_JUST_CREATED), base(1, UUID_JUST_CREATED), C)).toEqual({
      strategy: "no-sync",
      rule: "just-created-both",
    });
  });

  it("just-created-peer / -self: full sync from the node with data", () => {
    expect(uuidCompare(base(0, 0xabc0n), base(1, UUID_JUST_CREATED), C)).toEqual({
      strategy: "source-set-bitmap",
      rule: "just-created-peer",
    });
    expect(uuidCompare(base(1, UUID_JUST_CREATED), base(0, 0xabc0n), C)).toEqual({
      strategy: "target-set-bitmap",
      rule: "just-created-self",
    });
  });

  it("bitmap-self / bitmap-peer after a secondary outage (primary bit masked)", () => {
    const primary = base(0, 0x2000n | 1n, { bitmaps: { 1: 0x1000n } });
    const secondary = base(1, 0x1000n);
    expect(uuidCompare(primary, secondary, C)).toEqual({ strategy: "source-use-bitmap", rule: "bitmap-self" });
    expect(uuidCompare(secondary, primary, C)).toEqual({ strategy: "target-use-bitmap", rule: "bitmap-peer" });
  });

  it("bitmap-both: both wrote since they parted → split brain (auto-recover candidates)", () => {
    const a = base(0, 0x3000n, { bitmaps: { 1: 0x1000n } });
    const b = base(1, 0x5000n, { bitmaps: { 0: 0x1000n } });
    expect(uuidCompare(a, b, C).strategy).toBe("split-brain-auto-recover");
    expect(uuidCompare(a, b, C).rule).toBe("bitmap-both");
  });

  it("history-both → split-brain-disconnect; nothing in common → unrelated-data", () => {
    const a = base(0, 0x3000n, { history: [0x1000n, 0n] });
    const b = base(1, 0x5000n, { history: [0x1000n, 0n] });
    expect(uuidCompare(a, b, C)).toEqual({ strategy: "split-brain-disconnect", rule: "history-both" });
    expect(uuidCompare(base(0, 0x3000n), base(1, 0x5000n), C)).toEqual({
      strategy: "unrelated-data",
      rule: "unrelated-data",
    });
  });

  it("crashed-primary only decides with protocol A/B", () => {
    const crashed = base(0, 0x3000n, { crashedPrimary: true });
    const other = base(1, 0x3000n);
    expect(uuidCompare(crashed, other, { protocol: "A", resolveConflicts: false })).toEqual({
      strategy: "source-use-bitmap",
      rule: "crashed-primary",
    });
    expect(uuidCompare(crashed, other, C)).toEqual({ strategy: "source-if-both-failed", rule: "both-off" });
  });

  it("equal currents with both sides reconnecting: no sync", () => {
    expect(uuidCompare(base(0, 0x3000n, { reconnect: true }), base(1, 0x3000n, { reconnect: true }), C)).toEqual({
      strategy: "no-sync",
      rule: "reconnected",
    });
  });

  it("every strategy's mirror is the peer's view", () => {
    const a = base(0, 0x2000n, { bitmaps: { 1: 0x1000n } });
    const b = base(1, 0x1000n);
    const ab = uuidCompare(a, b, C);
    expect(uuidCompare(b, a, C).strategy).toBe(STRATEGIES[ab.strategy].mirror);
  });

  it("new UUIDs are deterministic per seed and carry the primary bit on request", () => {
    const u1 = newUuid(new Rng(7), true);
    expect(newUuid(new Rng(7), true)).toBe(u1);
    expect(u1 & 1n).toBe(1n);
    expect(uuidHex(UUID_JUST_CREATED)).toBe("0000000000000004");
  });
});
