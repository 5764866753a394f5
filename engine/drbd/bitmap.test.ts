import { describe, expect, it } from "vitest";
import { Bitmap } from "./bitmap";

describe("Bitmap (interval set of 4 KiB blocks)", () => {
  it("merges adjacent and overlapping ranges and counts bits", () => {
    const b = new Bitmap();
    b.setRange(10, 20);
    b.setRange(20, 25);
    b.setRange(5, 12);
    b.setRange(100, 101);
    expect(b.toJSON()).toEqual([
      [5, 25],
      [100, 101],
    ]);
    expect(b.count()).toBe(21);
    expect(b.test(24)).toBe(true);
    expect(b.test(25)).toBe(false);
  });

  it("clears a range in the middle of an interval", () => {
    const b = Bitmap.fromJSON([[0, 100]]);
    b.clearRange(10, 20);
    expect(b.toJSON()).toEqual([
      [0, 10],
      [20, 100],
    ]);
    expect(b.count()).toBe(90);
  });

  it("maps byte ranges to the blocks they touch", () => {
    const b = new Bitmap();
    b.setBytes(4095, 2); // straddles blocks 0 and 1
    expect(b.toJSON()).toEqual([[0, 2]]);
    b.setBytes(8192, 0);
    expect(b.count()).toBe(2);
  });

  it("marks a whole 1 TiB device with a single interval", () => {
    const b = new Bitmap();
    const bits = 1024 ** 4 / 4096;
    b.setRange(0, bits);
    expect(b.count()).toBe(268435456);
    expect(b.intervals().length).toBe(1);
    expect(b.firstBits(3)).toEqual([[0, 3]]);
  });

  it("takes the first n bits across intervals", () => {
    const b = Bitmap.fromJSON([
      [0, 2],
      [10, 20],
    ]);
    expect(b.firstBits(5)).toEqual([
      [0, 2],
      [10, 13],
    ]);
  });
});
