import { describe, expect, it } from "vitest";
import { matchShort } from "./short";

const INVALIDATE = ["drbdadm invalidate r0"];

describe("matchShort", () => {
  it("ignores case, accents, punctuation and extra spaces", () => {
    expect(matchShort("  DRBDADM   invalidate r0 ; ", INVALIDATE).matched).toBe("drbdadm invalidate r0");
    expect(matchShort("Réponse : état", ["reponse etat"]).matched).toBe("reponse etat");
  });
  it("ignores word order and function words", () => {
    expect(matchShort("le nœud secondaire", ["secondaire noeud"]).matched).not.toBeNull();
  });
  it("understands the common synonyms", () => {
    expect(matchShort("Secondary node", ["nœud secondaire"]).matched).not.toBeNull();
    expect(matchShort("à jour", ["UpToDate"]).matched).not.toBeNull();
  });
  it("accepts exercise-specific synonyms", () => {
    expect(matchShort("cible", ["synctarget"], [["synctarget", "cible"]]).matched).not.toBeNull();
    expect(matchShort("cible", ["synctarget"]).matched).toBeNull();
  });
  it("rejects a different command that shares words", () => {
    expect(matchShort("drbdadm invalidate-remote r0", INVALIDATE).matched).toBeNull();
    expect(matchShort("drbdadm invalidate", INVALIDATE).matched).toBeNull();
  });
  it("does not forgive typos (one letter makes another command)", () => {
    expect(matchShort("drbdadm invalidat r0", INVALIDATE).matched).toBeNull();
  });
  it("rejects an empty answer", () => {
    expect(matchShort(" ", INVALIDATE).matched).toBeNull();
    expect(matchShort("le la", ["le"]).matched).toBeNull();
  });
});
