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

  it("does not take a negated idea for the idea, and names it contradicted", () => {
    const r = gradeText("Il n’est pas secondaire, et ce n’est jamais le seul primaire.", RUBRIC);
    expect(r.found).toEqual([]);
    expect(r.contradicted.map((i) => i.id)).toEqual(["secondary", "one-primary"]);
    expect(r.needsReview).toBe(false);
    expect(gradeText("sans intervention", { ideas: [{ id: "m", label: "m", any: [["intervention"]] }] }).found).toEqual(
      [],
    );
    expect(
      gradeText("DRBD ne refuse pas", { ideas: [{ id: "r", label: "r", any: [["refus"]] }] }).contradicted,
    ).toHaveLength(1);
  });
  it("keeps a negation out of reach when a new proposition starts", () => {
    const rubric: Rubric = { ideas: [{ id: "r", label: "r", any: [["refus"]] }] };
    expect(gradeText("On ne peut pas écrire car c’est refusé.", rubric).found).toEqual(["r"]);
    expect(gradeText("Ce n’est pas grave, l’écriture est refusée.", rubric).found).toEqual(["r"]);
  });
  it("reads ideas stated in the negative (~) and either way (^)", () => {
    const rubric: Rubric = {
      ideas: [
        { id: "t", label: "t", any: [["~conscience"]] },
        { id: "p", label: "p", any: [["^promu"]] },
      ],
    };
    expect(gradeText("L’application n’en a pas conscience ; node2 ne peut pas être promu.", rubric).found).toEqual([
      "t",
      "p",
    ]);
    const r = gradeText("L’application en a conscience ; il faut le promouvoir, il sera promu.", rubric);
    expect(r.found).toEqual(["p"]);
    expect(r.contradicted.map((i) => i.id)).toEqual(["t"]);
  });
  it("binds an idea to its subject and catches the inversion of roles", () => {
    const rubric: Rubric = {
      subjects: { inv: ["=invalidate"], remote: ["=invalidate =remote"] },
      ideas: [
        { id: "inv", label: "inv", about: "inv", any: [["!pair cible"]], against: [["!pair source"]] },
        { id: "rem", label: "rem", about: "remote", any: [["!pair source"]], against: [["!pair cible"]] },
      ],
    };
    const right = gradeText(
      "invalidate : ce nœud devient la cible, le pair la source. invalidate-remote : la source.",
      rubric,
    );
    expect(right.found).toEqual(["inv", "rem"]);
    expect(right.needsReview).toBe(false);
    // Postfix naming: the subject after the role word, in the same clause.
    expect(gradeText("La cible avec invalidate, la source avec invalidate-remote.", rubric).found).toEqual([
      "inv",
      "rem",
    ]);
    const inverted = gradeText("invalidate : ce nœud devient la source. invalidate-remote : la cible.", rubric);
    expect(inverted.found).toEqual([]);
    expect(inverted.contradicted.map((i) => i.id)).toEqual(["inv", "rem"]);
    expect(inverted.fraction).toBe(0);
  });
  it("sends an idea both affirmed and contradicted to review, without credit", () => {
    const rubric: Rubric = {
      ideas: [{ id: "m", label: "résolution manuelle", any: [["manuel"]], against: [["automatiqu"]] }],
    };
    const r = gradeText("La résolution est manuelle, puis DRBD la fait automatiquement.", rubric);
    expect(r.conflicting.map((i) => i.id)).toEqual(["m"]);
    expect(r.fraction).toBe(0);
    expect(r.needsReview).toBe(true);
    expect(r.reviewReason).toMatch(/contredit/);
  });
});
