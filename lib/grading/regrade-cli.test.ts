import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { getExercise } from "@/graders";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { submit } from "./submit";

const tmp = createTempDatabase();
afterAll(() => tmp.cleanup());

function run(args: string[]) {
  try {
    const out = execFileSync("npx", ["tsx", "scripts/regrade.ts", ...args], {
      env: { ...process.env, DATABASE_URL: tmp.url },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status: number; stderr: string };
    return { code: err.status, out: err.stderr };
  }
}

describe("npm run regrade", () => {
  it("regrades a class's submissions, adds gradings and refuses bad arguments", async () => {
    const db = tmp.db;
    await db.user.createMany({
      data: [
        { id: "t", name: "Formatrice", email: "t@x" },
        { id: "s", name: "Élève", email: "s@x" },
      ],
    });
    await db.cohort.create({ data: { id: "c1", name: "C", joinCode: "DRBD-TEST", instructorId: "t" } });
    await db.enrollment.create({ data: { userId: "s", cohortId: "c1" } });
    await submit(db, "s", "ex1.2", { text: getExercise("ex1.2")?.solution as string });
    const ok = run(["--class", "c1", "--exercise", "ex1.2"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ exercise: "ex1.2", submissions: 1, regraded: 1, changed: [] });
    expect(await db.grading.count()).toBe(2);
    expect(run(["--class", "nope", "--exercise", "ex1.2"]).code).toBe(1);
    expect(run(["--class", "c1", "--exercise", "zz"]).out).toContain("Exercice inconnu");
    expect(run([]).out).toContain("Usage");
  }, 120_000);
});
