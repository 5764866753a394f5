import { describe, expect, it } from "vitest";
import { formatWaits, parseWaits } from "./wait-log";

describe("wait rows", () => {
  it("round-trips pieces with run-length encoding", () => {
    const pieces = [2000, 2000, 2000, 1500, 30000, 2000];
    expect(formatWaits(pieces)).toBe("wait 2000*3+1500+30000+2000");
    expect(parseWaits(formatWaits(pieces))).toEqual(pieces);
    expect(parseWaits("wait 7")).toEqual([7]);
  });

  it("rejects anything else", () => {
    for (const bad of ["wait", "wait 2s", "sleep 1", "wait 1+", "wait 1*"]) expect(() => parseWaits(bad)).toThrow();
  });
});
