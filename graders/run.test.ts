import { describe, expect, it } from "vitest";
import { grade, roundPoints } from "./run";
import type { ExerciseDefinition } from "./types";

function def(checks: ExerciseDefinition<number, number>["checks"]): ExerciseDefinition<number, number> {
  return {
    id: "t",
    chapter: "tp1",
    title: "t",
    kind: "questions",
    points: checks.reduce((s, c) => s + c.points, 0),
    graderVersion: 3,
    checks,
    solution: 1,
    wrong: [],
    prepare: (s) =>
      typeof s === "number"
        ? { valid: true, ctx: s }
        : { valid: false, reason: "pas un nombre", diagnostics: [{ file: "x", line: 1, message: "pas un nombre" }] },
    example: () => 0,
  };
}

/** A check with a bug in it. */
const THROWING: ExerciseDefinition<number, number>["checks"][number] = {
  id: "t.x",
  points: 1,
  ok: "",
  fail: "échec",
  hint: "h",
  test: () => {
    throw new Error("boom");
  },
};

describe("grade", () => {
  it("renders ok/fail messages (static or from the context) with the outcome's detail, and hints only on failure", async () => {
    const d = def([
      { id: "t.a", points: 2, ok: "bien", fail: "mal", hint: "indice a", test: (n) => n > 0 },
      {
        id: "t.b",
        points: 1,
        ok: "bien",
        fail: (n, o) => `valeur ${n} (${o.detail})`,
        hint: "indice b",
        test: (n) => ({ passed: n > 5, detail: "trop petit" }),
      },
    ]);
    const r = await grade(d, 1);
    expect(r).toMatchObject({ exercise: "t", graderVersion: 3, score: 2, max: 3, valid: true });
    expect(r.checks).toEqual([
      { id: "t.a", passed: true, points: 2, max: 2, message: "bien" },
      { id: "t.b", passed: false, points: 0, max: 1, message: "valeur 1 (trop petit) trop petit", hint: "indice b" },
    ]);
  });

  it("gives partial credit rounded to a quarter point, clamped to [0, max]", async () => {
    const d = def([
      { id: "t.p", points: 3, ok: "", fail: "partiel", hint: "h", test: () => ({ passed: false, fraction: 1 / 3 }) },
      { id: "t.q", points: 1, ok: "", fail: "x", hint: "h", test: () => ({ passed: false, fraction: 7 }) },
    ]);
    const r = await grade(d, 1);
    expect(r.checks.map((c) => c.points)).toEqual([1, 1]);
    expect(roundPoints(2 / 3)).toBe(0.75);
  });

  it("turns a check that throws into a failed check flagged for review, not a crash", async () => {
    const d = def([THROWING]);
    const r = await grade(d, 1);
    expect(r.checks[0]).toMatchObject({ passed: false, points: 0, needsReview: true });
    expect(r.checks[0]?.message).toMatch(/erreur interne du correcteur : boom/);
    expect(r.needsReview).toBe(true);
  });

  it("releases what prepare holds once the checks ran, even after a check threw; never for an invalid submission", async () => {
    const released: number[] = [];
    const d = {
      ...def([THROWING]),
      release: (n: number) => {
        released.push(n);
      },
    };
    await grade(d, 4);
    expect(released).toEqual([4]);
    await grade(d, "x");
    expect(released).toEqual([4]);
  });

  it("returns an invalid result without checks when the submission cannot be read", async () => {
    const r = await grade(def([{ id: "t.a", points: 1, ok: "", fail: "", hint: "", test: () => true }]), "x");
    expect(r).toMatchObject({ valid: false, score: 0, max: 1, checks: [], invalidReason: "pas un nombre" });
    expect(r.diagnostics).toEqual([{ file: "x", line: 1, message: "pas un nombre" }]);
  });
});
