import { describe, expect, it } from "vitest";
import { hasLoneSurrogate } from "./unicode";

describe("lone surrogates", () => {
  it("finds them anywhere in a JSON value, keys included", () => {
    for (const bad of ["\udc00\ud800", "a\ud800", "\udc00b", { x: ["ok", "\ud83d"] }, { "\udfff": 1 }]) {
      expect(hasLoneSurrogate(bad), JSON.stringify(bad)).toBe(true);
    }
  });

  it("accepts well-formed text, pairs (emoji) included, and non-strings", () => {
    for (const good of ["", "drbdadm up r0", "😀 é", { a: ["😀", 1, null, true] }, 42, null]) {
      expect(hasLoneSurrogate(good)).toBe(false);
    }
  });
});
