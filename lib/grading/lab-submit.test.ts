import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { parseLabScript } from "@/engine/index";
import { type GradeProgress, getExercise, type ReportProgress } from "@/graders";
import { advanceTime, execCommand, openLab } from "@/lib/labs/service";
import { labServiceDeps } from "@/lib/labs/test-harness";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { studentAttempts } from "./attempts";
import { regradeExercise } from "./regrade";
import { submit } from "./submit";

const tmp = createTempDatabase();
afterAll(() => tmp.cleanup());

// The whole chain on a real stored log: the lab service writes LabEvent rows as a learner types
// TP1's reference solution (waits included), "Vérifier mon lab" replays those rows.
describe("lab exercise graded from the stored LabEvent log", () => {
  it("TP1 typed in the lab gets full marks, and a regrade of the log agrees", async () => {
    const db = tmp.db;
    await db.user.createMany({
      data: [
        { id: "t", name: "Formatrice", email: "t@x" },
        { id: "u", name: "Élève", email: "u@x" },
      ],
    });
    await db.cohort.create({ data: { id: "c", name: "C", joinCode: "DRBD-LABS", instructorId: "t" } });
    await db.enrollment.create({ data: { userId: "u", cohortId: "c" } });
    const deps = labServiceDeps(db);
    onTestFinished(() => deps.labs.close());
    const tp1 = getExercise("tp1");
    if (!tp1) throw new Error("tp1");

    const lab = await openLab(deps, "u", "tp1");
    // "Vérifier" replays the log in a lab worker (the request thread runs no engine code)
    const inWorker = (userId: string, def: { id: string }, sub: unknown, report?: ReportProgress) =>
      deps.labs.grade(userId, def.id, sub, report);
    const early = await submit(db, "u", "tp1", {}, inWorker);
    expect(early.result.score).toBeLessThan(tp1.points); // an untouched lab is not TP1 done

    const script = readFileSync(path.join(process.cwd(), "content", "solutions", "tp1.lab"), "utf8");
    for (const step of parseLabScript(script).steps) {
      if (step.kind === "wait") await advanceTime(deps, "u", lab.session.id, step.ms);
      else await execCommand(deps, "u", lab.session.id, { terminal: step.target, input: step.command });
    }
    const heard: GradeProgress[] = [];
    const input = { text: "ignored: the browser cannot send the lab state" };
    const done = await submit(db, "u", "tp1", input, inWorker, (p) => heard.push(p));
    expect(done.result.checks.filter((c) => !c.passed)).toEqual([]);
    // the worker reported each replayed command (from the lab's newest checkpoint: the commands it
    // holds at once, then each one after it), then each check as it was decided
    const commands = await db.labEvent.count({ where: { labSessionId: lab.session.id, target: { not: "lab" } } });
    const replayed = heard.flatMap((p) => (p.kind === "replay" ? [p.done] : []));
    const from = replayed[0] ?? 0;
    expect(from).toBeGreaterThanOrEqual(1);
    expect(replayed).toEqual(Array.from({ length: commands - from + 1 }, (_, i) => from + i));
    expect(heard.filter((p) => p.kind === "replay").every((p) => p.kind === "replay" && p.total === commands)).toBe(
      true,
    );
    const checks = heard.flatMap((p) => (p.kind === "check" ? [p.check.id] : []));
    expect(checks).toEqual(done.result.checks.map((c) => c.id));
    expect(heard.findIndex((p) => p.kind === "check")).toBe(replayed.length);
    expect(done.result.score).toBe(tp1.points);
    expect(done.progress).toMatchObject({ attempts: 2, bestScore: tp1.points });

    const report = await regradeExercise(db, "c", "tp1");
    expect(report).toMatchObject({ submissions: 2, regraded: 2, changed: [], skipped: [] });

    const attempts = await studentAttempts(db, "u", "tp1");
    expect(attempts[0]?.transcript?.some((e) => e.input.includes("primary --force"))).toBe(true);
    expect(attempts[1]?.transcript).toEqual([]); // the first attempt graded an empty log
  }, 300_000);
});
