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

describe("failed sign-ins per account", () => {
  const victim = DEMO_STUDENTS[1] as (typeof DEMO_STUDENTS)[number];

  it("locks an account after repeated failures from any number of addresses, the form and the API alike", async () => {
    const locking = createTestAuth(tmp.db, { SIGNIN_ACCOUNT_FAILURES: "4", SIGNIN_RATE_LIMIT: "1000" });
    // two failures through the form, two through the HTTP endpoint, each from a new address
    for (let i = 0; i < 2; i++) {
      const outcome = await signIn(
        locking,
        tmp.db,
        { email: victim.email, password: "devine" },
        freshHeaders(),
        generous,
      );
      expect(outcome.ok).toBe(false);
    }
    const http = (password: string) =>
      locking.handler(
        new Request(`${TEST_BASE_URL}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": `10.8.0.${++ipCounter}` },
          body: JSON.stringify({ email: victim.email.toUpperCase(), password }),
        }),
      );
    expect((await http("devine")).status).toBe(401);
    expect((await http("devine")).status).toBe(401);
    // now even the right password is refused, on both paths, with a French message
    const refused = await http(victim.password);
    expect(refused.status).toBe(429);
    const form = await signIn(
      locking,
      tmp.db,
      { email: victim.email, password: victim.password },
      freshHeaders(),
      generous,
    );
    expect(form).toEqual({
      ok: false,
      errors: { form: "Trop d’échecs de connexion pour ce compte. Réessayez dans 15 minutes." },
    });
    // other accounts are not affected
    expect(
      (await signIn(locking, tmp.db, { email: student.email, password: student.password }, freshHeaders(), generous))
        .ok,
    ).toBe(true);
  });

  it("counts unknown addresses the same way (the lock says nothing about existence)", async () => {
    const locking = createTestAuth(tmp.db, { SIGNIN_ACCOUNT_FAILURES: "2", SIGNIN_RATE_LIMIT: "1000" });
    const ghost = { email: "fantome@exemple.fr", password: "devine-devine" };
    await signIn(locking, tmp.db, ghost, freshHeaders(), generous);
    await signIn(locking, tmp.db, ghost, freshHeaders(), generous);
    const third = await signIn(locking, tmp.db, ghost, freshHeaders(), generous);
    expect(third.ok).toBe(false);
    if (!third.ok) expect(third.errors.form).toMatch(/^Trop d’échecs de connexion pour ce compte/);
  });

  it("forgets past failures after a successful sign-in", async () => {
    const locking = createTestAuth(tmp.db, { SIGNIN_ACCOUNT_FAILURES: "2", SIGNIN_RATE_LIMIT: "1000" });
    const third = DEMO_STUDENTS[2] as (typeof DEMO_STUDENTS)[number];
    const attempt = (password: string) =>
      signIn(locking, tmp.db, { email: third.email, password }, freshHeaders(), generous);
    expect((await attempt("devine-1")).ok).toBe(false);
    expect((await attempt(third.password)).ok).toBe(true);
    expect((await attempt("devine-2")).ok).toBe(false);
    expect((await attempt(third.password)).ok).toBe(true);
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
    const outcome = await signUpWithJoinCode(
      auth,
      tmp.db,
      input({ joinCode: "DRBD-ZZZZ-ZZZZ" }),
      freshHeaders(),
      generous,
    );
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
      input({ joinCode: "DRBD-ZZZZ-ZZZZ", name: "" }),
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
    for (const code of ["DRBD-ZZZZ-ZZZY", "DRBD-ZZZZ-ZZZX"]) {
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
      expect(outcome.errors.joinCode).toBe("Ce code n'a pas le bon format (exemple : DRBD-7K2Q-M4XT).");
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

  it("answers an address already used exactly like a new one, and changes nothing", async () => {
    const before = await tmp.db.user.findUniqueOrThrow({
      where: { email: student.email },
      include: { enrollments: true },
    });
    const taken = await signUpWithJoinCode(
      auth,
      tmp.db,
      input({ email: student.email, name: "Usurpateur", password: "autre-mot-de-passe" }),
      freshHeaders(),
      generous,
    );
    const fresh = await signUpWithJoinCode(auth, tmp.db, input({ email: "neuf@exemple.fr" }), freshHeaders(), generous);
    expect(taken).toEqual({ ok: true });
    expect(fresh).toEqual(taken);
    const after = await tmp.db.user.findUniqueOrThrow({
      where: { email: student.email },
      include: { enrollments: true },
    });
    expect(after.name).toBe(before.name);
    expect(after.enrollments).toEqual(before.enrollments);
    // the old password still works, the one typed at sign-up does not
    expect(
      (await signIn(auth, tmp.db, { email: student.email, password: "autre-mot-de-passe" }, freshHeaders(), generous))
        .ok,
    ).toBe(false);
    expect(
      (await signIn(auth, tmp.db, { email: student.email, password: student.password }, freshHeaders(), generous)).ok,
    ).toBe(true);
  });

  it("does not sign in on sign-up (no session either way)", async () => {
    const sessions = await tmp.db.session.count({ where: { user: { email: "neuf@exemple.fr" } } });
    expect(sessions).toBe(0);
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

  it("does not let a student rename themselves (update-user is closed)", async () => {
    const { headers } = await auth.api.signInEmail({
      body: { email: student.email, password: student.password },
      returnHeaders: true,
    });
    const cookie = (headers.get("set-cookie") ?? "").split(";")[0] as string;
    const before = await tmp.db.user.findUniqueOrThrow({ where: { email: student.email } });
    const response = await auth.handler(
      new Request(`${TEST_BASE_URL}/api/auth/update-user`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, origin: TEST_BASE_URL },
        body: JSON.stringify({ name: "Étudiant 2" }),
      }),
    );
    expect(response.status).toBe(404);
    expect((await tmp.db.user.findUniqueOrThrow({ where: { email: student.email } })).name).toBe(before.name);
  });

  it("does not let a sign-up choose its role", async () => {
    const response = await auth.api
      .signUpEmail({ body: { email: "role@exemple.fr", password: "motdepasse", name: "R", role: "admin" } as never })
      .catch((e: unknown) => e);
    expect(response).toBeInstanceOf(Error);
    expect(await tmp.db.user.count({ where: { email: "role@exemple.fr" } })).toBe(0);
  });
});
