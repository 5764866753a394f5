import { describe, expect, it } from "vitest";
import { EXERCISES } from "./exercises/index";
import { grade } from "./run";

/** A lab replay with PostgreSQL (TP4: initdb, several server starts) takes seconds of CPU. */
const T = 180_000;

/** Learn Git Branching style: every exercise proves its grader with its own solutions. */
describe.each(EXERCISES.map((e) => [e.id, e] as const))("%s", (_id, def) => {
  it("declares points equal to the sum of its checks, with unique check ids", () => {
    expect(def.checks.reduce((s, c) => s + c.points, 0)).toBe(def.points);
    expect(new Set(def.checks.map((c) => c.id)).size).toBe(def.checks.length);
    for (const c of def.checks) expect(c.id.startsWith(`${def.id}.`)).toBe(true);
  });

  it(
    "gives full marks to the reference solution",
    async () => {
      const r = await grade(def, def.solution);
      expect(r.valid, r.invalidReason).toBe(true);
      expect(r.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`)).toEqual([]);
      expect(r.score).toBe(def.points);
      expect(r.needsReview).toBeUndefined();
    },
    T,
  );

  it.each(def.wrong.map((w) => [w.name, w] as const))(
    "does not give full marks to « %s »",
    async (_name, w) => {
      const r = await grade(def, w.submission);
      expect(r.valid, r.invalidReason).toBe(true);
      expect(r.score).toBeLessThan(def.points);
      const failed = r.checks.filter((c) => !c.passed).map((c) => c.id);
      for (const id of w.failingChecks) expect(failed).toContain(id);
      for (const c of r.checks.filter((x) => !x.passed)) {
        expect(c.message.length).toBeGreaterThan(10);
        expect(c.hint).toBeTruthy();
      }
    },
    T,
  );

  it("has at least one known-wrong solution", () => {
    expect(def.wrong.length).toBeGreaterThan(0);
  });
});

it("registers every exercise of the workshop, in course order", () => {
  expect(EXERCISES.map((e) => e.id)).toEqual([
    "tp1",
    "ex1.1",
    "ex1.2",
    "tp2",
    "ex2.1",
    "ex2.2",
    "tp3",
    "ex3.1",
    "ex3.2",
    "tp4",
    "ex4.1",
    "ex4.2",
    "tp5",
    "ex5.1",
    "ex5.2",
    "ex9.1",
    "ex9.2",
    "ex9.3",
    "ex9.4",
    "quiz",
  ]);
});
