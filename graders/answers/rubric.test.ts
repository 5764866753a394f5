import { describe, expect, it } from "vitest";
import { gradeText, KEYWORD_LIST_CAP, type Rubric } from "./rubric";

/** Ex. 1.1 question 1 in miniature: two ideas. */
const RUBRIC: Rubric = {
  ideas: [
    { id: "secondary", label: "node2 est Secondary", any: [["secondary"], ["secondair"], ["passif"]] },
    {
      id: "one-primary",
      label: "un seul Primary",
      any: [["seul prima"], ["que prima"], ["allow two primaries"], ["corromp"]],
    },
  ],
};

describe("gradeText", () => {
  it("finds the ideas written in other words", () => {
    const r = gradeText("Node 2 joue un rôle passif : le périphérique n’est accessible que par le primaire.", RUBRIC);
    expect(r.found).toEqual(["secondary", "one-primary"]);
    expect(r.passed).toBe(true);
    expect(r.fraction).toBe(1);
    expect(r.needsReview).toBe(false);
  });
  it("finds them without accents, in capitals, with typos", () => {
    const r = gradeText("IL EST SECONDIARE, SEUL LE PRIMRAY PEUT MONTER LE DISQUE", RUBRIC);
    expect(r.passed).toBe(true);
  });
  it("requires a phrase's words close together and in order", () => {
    const far = gradeText(
      "Seul un administrateur, après avoir vérifié les logs du cluster et tout, peut le rendre primaire. Il est secondaire.",
      RUBRIC,
    );
    expect(far.found).toEqual(["secondary"]);
  });
  it("fails an unrelated answer without flagging a short one", () => {
    const r = gradeText("Le réseau Docker bloque le port.", RUBRIC);
    expect(r.passed).toBe(false);
    expect(r.fraction).toBe(0);
    expect(r.needsReview).toBe(false);
  });
  it("flags a long answer that matches nothing, since the wording may be unexpected", () => {
    const text =
      "Parce que le deuxième serveur attend son tour : tant que le premier garde la main sur les données, le second ne fait que recevoir les blocs répliqués et ne peut pas les exposer à une application sans risque.";
    const r = gradeText(text, RUBRIC);
    expect(r.fraction).toBe(0);
    expect(r.needsReview).toBe(true);
    expect(r.reviewReason).toMatch(/formulation/);
  });
  it("gives partial credit and flags a partial answer for review", () => {
    const r = gradeText("Il est secondaire.", RUBRIC);
    expect(r.fraction).toBe(0.5);
    expect(r.passed).toBe(false);
    expect(r.needsReview).toBe(true);
    expect(r.missing.map((i) => i.id)).toEqual(["one-primary"]);
  });
  it("caps and flags a keyword-stuffed text with no sentence in it", () => {
    const r = gradeText("secondary secondaire passif seul primary allow two primaries corrompu cluster drbd", RUBRIC);
    expect(r.found.length).toBe(2);
    expect(r.fraction).toBe(KEYWORD_LIST_CAP);
    expect(r.passed).toBe(false);
    expect(r.needsReview).toBe(true);
    expect(r.reviewReason).toMatch(/mots-clés/);
  });
  it("does not take a short telegraphic but real answer for keyword stuffing", () => {
    const r = gradeText("Node2 secondaire, un seul primaire à la fois.", RUBRIC);
    expect(r.passed).toBe(true);
    expect(r.needsReview).toBe(false);
  });
  it("honours a pass threshold below the total", () => {
    const r = gradeText("Il est secondaire.", { ...RUBRIC, pass: 1 });
    expect(r.passed).toBe(true);
    expect(r.fraction).toBe(0.5);
    expect(r.needsReview).toBe(false);
  });
  it("matches exact-word terms only as whole words", () => {
    const rubric: Rubric = { ideas: [{ id: "wal", label: "le WAL", any: [["=wal"]] }] };
    expect(gradeText("grâce au WAL", rubric).passed).toBe(true);
    expect(gradeText("les walkyries", rubric).passed).toBe(false);
  });
});
