import { afterAll, describe, expect, it } from "vitest";
import { DEMO_COHORT_NAME, DEMO_INSTRUCTOR, DEMO_STUDENTS, describeDemo, seedDemo } from "./demo-seed";
import { createTempDatabase, createTestAuth } from "./testing/temp-db";

const tmp = createTempDatabase();
const auth = createTestAuth(tmp.db);
afterAll(() => tmp.cleanup());

async function counts() {
  return {
    users: await tmp.db.user.count(),
    accounts: await tmp.db.account.count(),
    cohorts: await tmp.db.cohort.count(),
    enrollments: await tmp.db.enrollment.count(),
  };
}

describe("demo seed", () => {
  it("creates the class, the instructor and three enrolled students", async () => {
    const summary = await seedDemo(auth, tmp.db);
    expect(summary.created).toBe(true);
    expect(summary.joinCode).toMatch(/^DRBD-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(await counts()).toEqual({ users: 4, accounts: 4, cohorts: 1, enrollments: 3 });
    const cohort = await tmp.db.cohort.findFirstOrThrow({
      include: { instructor: true, enrollments: { include: { user: true } } },
    });
    expect(cohort.name).toBe(DEMO_COHORT_NAME);
    expect(cohort.instructor.email).toBe(DEMO_INSTRUCTOR.email);
    expect(cohort.instructor.role).toBe("instructor");
    expect(cohort.enrollments.map((e) => e.user.email).sort()).toEqual(DEMO_STUDENTS.map((s) => s.email));
    expect(cohort.enrollments.every((e) => e.user.role === "student")).toBe(true);
  });

  it("is idempotent: a second run creates nothing and keeps the join code", async () => {
    const before = await counts();
    const code = (await tmp.db.cohort.findFirstOrThrow()).joinCode;
    const again = await seedDemo(auth, tmp.db);
    expect(again).toEqual({ joinCode: code, created: false });
    expect(await counts()).toEqual(before);
  });

  it("lets the demo accounts sign in with the documented passwords", async () => {
    for (const who of [DEMO_INSTRUCTOR, ...DEMO_STUDENTS]) {
      const result = await auth.api.signInEmail({ body: { email: who.email, password: who.password } });
      expect(result.user.email).toBe(who.email);
    }
  });

  it("repairs a missing enrollment without duplicating anything", async () => {
    await tmp.db.enrollment.deleteMany({ where: { user: { email: DEMO_STUDENTS[1]?.email } } });
    await seedDemo(auth, tmp.db);
    expect(await tmp.db.enrollment.count()).toBe(3);
  });

  it("prints every credential", () => {
    const text = describeDemo({ joinCode: "DRBD-7K2Q", created: true });
    for (const line of [
      "DRBD-7K2Q",
      "formateur@drbd-lab.local / formateur123",
      "etudiant3@drbd-lab.local / etudiant123",
    ]) {
      expect(text).toContain(line);
    }
  });
});

describe("seed script", () => {
  it("refuses production mode and creates nothing", async () => {
    const { spawnSync } = await import("node:child_process");
    const prod = createTempDatabase();
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/seed.ts"], {
      env: { ...process.env, DATABASE_URL: prod.url, DRBD_LAB_MODE: "production", BETTER_AUTH_SECRET: "p".repeat(40) },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("DRBD_LAB_MODE=production");
    expect(await prod.db.user.count()).toBe(0);
    await prod.cleanup();
  });
});

describe("start script", () => {
  it("refuses production mode without BETTER_AUTH_SECRET, before building anything", async () => {
    const { spawnSync } = await import("node:child_process");
    const env: NodeJS.ProcessEnv = { ...process.env, DRBD_LAB_MODE: "production" };
    delete env.BETTER_AUTH_SECRET;
    delete env.AUTH_SECRET;
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts"], { env, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("BETTER_AUTH_SECRET is required");
    expect(run.stdout).not.toContain("next build");
  });
});

describe("user:create script", () => {
  it("creates an instructor who can sign in, and rejects an unknown role", async () => {
    const { spawnSync } = await import("node:child_process");
    const target = createTempDatabase();
    const env = { ...process.env, DATABASE_URL: target.url, BETTER_AUTH_SECRET: "c".repeat(40) };
    const run = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/create-user.ts", ...args], { env, encoding: "utf8" });
    const bad = run(["--email", "x@exemple.fr", "--name", "X", "--role", "superuser"]);
    expect(bad.status).toBe(2);
    const ok = run(["--email", "prof@exemple.fr", "--name", "Prof", "--role", "instructor"]);
    expect(ok.status, ok.stderr).toBe(0);
    const password = /Mot de passe provisoire : (\S+)/.exec(ok.stdout)?.[1] ?? "";
    const user = await target.db.user.findUniqueOrThrow({ where: { email: "prof@exemple.fr" } });
    expect(user.role).toBe("instructor");
    const auth = createTestAuth(target.db);
    await expect(auth.api.signInEmail({ body: { email: "prof@exemple.fr", password } })).resolves.toBeTruthy();
    expect(await target.db.user.count({ where: { email: "x@exemple.fr" } })).toBe(0);
    await target.cleanup();
  });
});
