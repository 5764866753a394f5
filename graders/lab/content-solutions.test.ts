import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Lab, listScenarios, registerScenario } from "../../engine/index";
import type { PostgresSubsystem } from "../../engine/services/postgres/index";
import { getExercise } from "../exercises/index";
import { grade } from "../run";
import type { AnyExercise } from "../types";
import { allowedStarts } from "./context";
import { ensureGraderScenarios } from "./scenarios";

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

describe("a TP started from the end of the previous one (the app's « Repartir de la fin du TP précédent »)", () => {
  it("grades TP4 played from tp3.done, and refuses that start for TP3 itself", async () => {
    // as lib/labs/catalog.ts registers it: the TP3 reference solution replayed on a fresh lab
    ensureGraderScenarios();
    if (!listScenarios().some((s) => s.id === "tp3.done"))
      registerScenario({
        id: "tp3.done",
        topology: "two-nodes",
        script: readFileSync("content/solutions/tp3.lab", "utf8"),
        description: "TP3 terminé",
      });
    expect(allowedStarts("tp1.done", "tp4")).toContain("tp3.done");
    expect(allowedStarts("tp1.done", "tp3")).not.toContain("tp3.done");
    expect(allowedStarts("tp1.done")).not.toContain("tp3.done");
    const tp4 = getExercise("tp4") as AnyExercise;
    const fromTp3 = (tp4.solution as string).replace("# scenario: tp1.done", "# scenario: tp3.done");
    const r = await grade(tp4, fromTp3);
    expect(r.valid, r.invalidReason).toBe(true);
    expect(r.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    const tp3 = await grade(getExercise("tp3") as AnyExercise, "# scenario: tp3.done\nnode1$ drbdadm status r0\n");
    expect(tp3.valid).toBe(false);
    expect(tp3.diagnostics?.[0]?.message).toMatch(/« tp3\.done » ; l’exercice part de « tp1\.done »/);
  }, 180_000);
});

it("releases the PostgreSQL instances a TP4 replay leaves running (~300 MiB each otherwise)", async () => {
  const tp4 = getExercise("tp4") as AnyExercise;
  const prepared = await tp4.prepare(tp4.solution);
  if (!prepared.valid) throw new Error(prepared.reason);
  const lab = (prepared.ctx as { lab: Lab }).lab;
  const servers = () =>
    lab.world
      .subsystem<PostgresSubsystem>("postgres")
      ?.servers.all()
      .map(([n]) => n);
  expect(servers()).toEqual(["node2"]);
  await tp4.release?.(prepared.ctx);
  expect(servers()).toEqual([]);
}, 180_000);
