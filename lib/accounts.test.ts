import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, signUpWithJoinCode } from "./accounts";
import { createCohort } from "./cohorts";
import { DEMO_STUDENTS, seedDemo } from "./demo-seed";
import { createTempDatabase, createTestAuth, TEST_BASE_URL } from "./testing/temp-db";

const tmp = createTempDatabase();
const auth = createTestAuth(tmp.db, { SIGNIN_RATE_LIMIT: "3" });
const generous = { window: 60, max: 1000 };
let joinCode = "";
let ipCounter = 0;
const freshHeaders = () => new Headers({ "x-forwarded-for": `10.1.0.${++ipCounter}` });

beforeAll(async () => {
  joinCode = (await seedDemo(auth, tmp.db)).joinCode;
});
afterAll(() => tmp.cleanup());

const student = DEMO_STUDENTS[0] as (typeof DEMO_STUDENTS)[number];

describe("sign-in", () => {
  it("signs a demo student in", async () => {
    const outcome = await signIn(
      auth,
      tmp.db,
      { email: student.email, password: student.password },
      freshHeaders(),
      generous,
    );
    expect(outcome.ok).toBe(true);
  });

  it("answers a wrong password in French, next to the password field", async () => {
    const outcome = await signIn(
      auth,
      tmp.db,
      { email: student.email, password: "wrong-password" },
      freshHeaders(),
      generous,
    );
    expect(outcome).toEqual({ ok: false, errors: { password: "Adresse e-mail ou mot de passe incorrect." } });
  });

  it("gives the same answer for an unknown address (no account enumeration)", async () => {
    const outcome = await signIn(
      auth,
      tmp.db,
      { email: "personne@drbd-lab.local", password: "whatever1" },
      freshHeaders(),
      generous,
    );
    expect(outcome).toEqual({ ok: false, errors: { password: "Adresse e-mail ou mot de passe incorrect." } });
  });

  it("validates the fields before asking better-auth", async () => {
    const outcome = await signIn(auth, tmp.db, { email: "pas-une-adresse", password: "" }, freshHeaders(), generous);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.errors.email).toBe("Saisissez une adresse e-mail valide.");
      expect(outcome.errors.password).toBe("Saisissez votre mot de passe.");
    }
  });

  it("rate-limits attempts per IP, even with the right password", async () => {
    const headers = freshHeaders();
    const rule = { window: 60, max: 2 };
    for (let i = 0; i < 2; i++)
      await signIn(auth, tmp.db, { email: student.email, password: "nope-nope" }, headers, rule);
    const blocked = await signIn(auth, tmp.db, { email: student.email, password: student.password }, headers, rule);
    expect(blocked.ok).toBe(false);
    if (!blocked.ok) expect(blocked.errors.form).toMatch(/^Trop de tentatives\. Réessayez dans \d+ secondes?\.$/);
    // another address is not affected
    expect(
      (await signIn(auth, tmp.db, { email: student.email, password: student.password }, freshHeaders(), rule)).ok,
    ).toBe(true);
  });

  it("rate-limits better-auth's HTTP sign-in endpoint too (429)", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await auth.handler(
        new Request(`${TEST_BASE_URL}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": "10.9.9.9" },
          body: JSON.stringify({ email: student.email, password: "wrong-password" }),
        }),
      );
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe("sign-up with a join code", () => {
  const input = (over: Partial<Record<"name" | "email" | "password" | "joinCode", string>> = {}) => ({
    name: "Zoé Martin",
    email: "zoe@exemple.fr",
    password: "motdepasse",
    joinCode,
    ...over,
  });

  it("refuses an unknown join code in French, next to the field, and creates nothing", async () => {
    const outcome = await signUpWithJoinCode(auth, tmp.db, input({ joinCode: "DRBD-ZZZZ" }), freshHeaders(), generous);
    expect(outcome).toEqual({
      ok: false,
      errors: { joinCode: "Code de classe inconnu. Vérifiez-le auprès de votre formateur." },
    });
    expect(await tmp.db.user.count({ where: { email: "zoe@exemple.fr" } })).toBe(0);
  });

  it("reports an unknown code together with the other fields' errors", async () => {
    const outcome = await signUpWithJoinCode(
      auth,
      tmp.db,
      input({ joinCode: "DRBD-ZZZZ", name: "" }),
      freshHeaders(),
      generous,
    );
    expect(outcome).toEqual({
      ok: false,
      errors: {
        name: "Indiquez votre nom (2 caractères au moins).",
        joinCode: "Code de classe inconnu. Vérifiez-le auprès de votre formateur.",
      },
    });
  });

  it("counts join-code lookups per IP (guessing is bounded)", async () => {
    const headers = freshHeaders();
    const rule = { window: 60, max: 2 };
    for (const code of ["DRBD-ZZZY", "DRBD-ZZZX"]) {
      const outcome = await signUpWithJoinCode(auth, tmp.db, input({ joinCode: code }), headers, rule);
      expect(outcome.ok).toBe(false);
    }
    const blocked = await signUpWithJoinCode(auth, tmp.db, input({ email: "g@exemple.fr" }), headers, rule);
    expect(blocked.ok).toBe(false);
    if (!blocked.ok) expect(blocked.errors.form).toMatch(/^Trop de tentatives/);
    expect(await tmp.db.user.count({ where: { email: "g@exemple.fr" } })).toBe(0);
  });

  it("refuses a malformed code and a short password", async () => {
    const outcome = await signUpWithJoinCode(
      auth,
      tmp.db,
      input({ joinCode: "1234", password: "court" }),
      freshHeaders(),
      generous,
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.errors.joinCode).toBe("Ce code n'a pas le bon format (exemple : DRBD-7K2Q).");
      expect(outcome.errors.password).toBe("Le mot de passe doit contenir au moins 8 caractères.");
    }
  });

  it("creates a student enrolled in the class, accepting the code in lower case", async () => {
    const outcome = await signUpWithJoinCode(
      auth,
      tmp.db,
      input({ joinCode: joinCode.toLowerCase() }),
      freshHeaders(),
      generous,
    );
    expect(outcome.ok).toBe(true);
    const user = await tmp.db.user.findUniqueOrThrow({
      where: { email: "zoe@exemple.fr" },
      include: { enrollments: { include: { cohort: true } } },
    });
    expect(user.role).toBe("student");
    expect(user.enrollments.map((e) => e.cohort.joinCode)).toEqual([joinCode]);
    const again = await signIn(
      auth,
      tmp.db,
      { email: "ZOE@exemple.fr", password: "motdepasse" },
      freshHeaders(),
      generous,
    );
    expect(again.ok).toBe(true);
  });

  it("refuses an address already used", async () => {
    const outcome = await signUpWithJoinCode(auth, tmp.db, input({ email: student.email }), freshHeaders(), generous);
    expect(outcome).toEqual({
      ok: false,
      errors: { email: "Un compte existe déjà avec cette adresse. Connectez-vous." },
    });
  });

  it("joins the class whose code was given, not another one", async () => {
    const instructor = await tmp.db.user.findUniqueOrThrow({ where: { email: "formateur@drbd-lab.local" } });
    const other = await createCohort(tmp.db, instructor.id, "Autre classe");
    const outcome = await signUpWithJoinCode(
      auth,
      tmp.db,
      input({ email: "lea@exemple.fr", joinCode: other.joinCode }),
      freshHeaders(),
      generous,
    );
    expect(outcome.ok).toBe(true);
    const enrollments = await tmp.db.enrollment.findMany({ where: { user: { email: "lea@exemple.fr" } } });
    expect(enrollments.map((e) => e.cohortId)).toEqual([other.id]);
  });

  it("closes better-auth's raw sign-up endpoint, which would bypass the join code", async () => {
    const response = await auth.handler(
      new Request(`${TEST_BASE_URL}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "intrus@exemple.fr", password: "motdepasse", name: "Intrus" }),
      }),
    );
    expect(response.status).toBe(404);
    expect(await tmp.db.user.count({ where: { email: "intrus@exemple.fr" } })).toBe(0);
  });

  it("does not let a sign-up choose its role", async () => {
    const response = await auth.api
      .signUpEmail({ body: { email: "role@exemple.fr", password: "motdepasse", name: "R", role: "admin" } as never })
      .catch((e: unknown) => e);
    expect(response).toBeInstanceOf(Error);
    expect(await tmp.db.user.count({ where: { email: "role@exemple.fr" } })).toBe(0);
  });
});
