import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { getExercise } from "../exercises/index";
import { grade } from "../run";
import type { AnyExercise } from "../types";

/**
 * Cross-check with the course's own solution scripts (content/solutions/*.lab, written with the
 * workshop's wrapper scripts, from a fresh lab): the graders must give them full marks too,
 * not only to the graders' reference solutions written with plain drbdadm.
 */
describe.each(["tp1", "tp2", "tp3", "tp4", "tp5", "ex9.3"])("content/solutions/%s.lab", (id) => {
  it("gets full marks", async () => {
    const def = getExercise(id) as AnyExercise;
    const r = await grade(def, readFileSync(`content/solutions/${id}.lab`, "utf8"));
    expect(r.valid, r.invalidReason).toBe(true);
    expect(r.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    expect(r.score).toBe(def.points);
  }, 180_000);
});
