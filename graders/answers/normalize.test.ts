import { describe, expect, it } from "vitest";
import { editDistance, normalize, termMatches, tokens } from "./normalize";

describe("normalize", () => {
  it("strips accents, case, ligatures and punctuation", () => {
    expect(normalize("Écriture refusée ! Œuvre, « cœur »")).toBe("ecriture refusee oeuvre coeur");
    expect(normalize("  DRBD-9   ")).toBe("drbd 9");
  });
  it("splits on hyphens and apostrophes so that spellings agree", () => {
    expect(tokens("invalidate-remote")).toEqual(tokens("invalidate remote"));
    expect(tokens("l’écriture")).toEqual(["l", "ecriture"]);
    expect(tokens("l'ecriture")).toEqual(["l", "ecriture"]);
  });
  it("returns no token for an empty or punctuation-only text", () => {
    expect(tokens(" ?! ")).toEqual([]);
  });
});

describe("editDistance", () => {
  it("counts substitutions, insertions, deletions and transpositions", () => {
    expect(editDistance("primary", "primary")).toBe(0);
    expect(editDistance("primary", "primray")).toBe(1);
    expect(editDistance("secondary", "secondry")).toBe(1);
    expect(editDistance("abc", "xyz")).toBe(3);
  });
  it("is capped at max + 1", () => {
    expect(editDistance("a", "abcdefgh", 2)).toBe(3);
  });
});

describe("termMatches", () => {
  it("matches a stem by prefix", () => {
    expect(termMatches("synchron", "synchronisation")).toBe(true);
    expect(termMatches("synchron", "asynchrone")).toBe(false);
  });
  it("tolerates one typo from five letters on", () => {
    expect(termMatches("secondair", "secondiare")).toBe(true);
    expect(termMatches("primar", "primray")).toBe(true);
    expect(termMatches("corromp", "coromp")).toBe(true);
  });
  it("does not tolerate typos in short stems", () => {
    expect(termMatches("bloc", "blic")).toBe(false);
    expect(termMatches("wal", "val")).toBe(false);
  });
});
