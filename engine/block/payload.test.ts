import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prngBytes } from "../core/rng";
import {
  bytesPayload,
  canonical,
  concatPayloads,
  fillPrng,
  materialize,
  payloadSlice,
  prngPayload,
  zeroPayload,
} from "./payload";

describe("payload algebra", () => {
  it("fillPrng is byte-identical to core prngBytes on any range", () => {
    fc.assert(
      fc.property(fc.nat(), fc.oneof(fc.nat(1_000_000), fc.nat(2 ** 45)), fc.nat(200), (seed, offset, len) => {
        const out = new Uint8Array(len + 3);
        fillPrng(out, 3, seed >>> 0, offset, len);
        expect(Array.from(out.subarray(3))).toEqual(Array.from(prngBytes(seed >>> 0, offset, len)));
      }),
      { numRuns: 300 },
    );
  });

  it("slices and concatenations agree with the bytes they describe", () => {
    const p = concatPayloads(prngPayload(1, 10, 100), zeroPayload(50), bytesPayload(new Uint8Array([1, 2, 3])));
    const all = materialize(p);
    fc.assert(
      fc.property(fc.nat(160), fc.nat(160), (a, b) => {
        const start = Math.min(a, b);
        const len = Math.abs(a - b);
        const got = materialize(payloadSlice(p, start, len));
        const want = new Uint8Array(len);
        want.set(all.subarray(start, start + len));
        expect(Array.from(got)).toEqual(Array.from(want));
      }),
    );
  });

  it("canonical form merges contiguous descriptors and drops all-zero literals", () => {
    expect(
      canonical([
        ...prngPayload(4, 0, 10),
        ...prngPayload(4, 10, 5),
        ...bytesPayload(new Uint8Array(8)),
        ...zeroPayload(2),
      ]),
    ).toEqual([
      { kind: "prng", seed: 4, offset: 0, length: 15 },
      { kind: "zero", length: 10 },
    ]);
    expect(canonical([...prngPayload(4, 0, 10), ...prngPayload(4, 11, 5)])).toHaveLength(2);
  });

  it("refuses to materialise beyond its limit", () => {
    expect(() => materialize(zeroPayload(2 ** 40))).toThrow(RangeError);
  });
});
