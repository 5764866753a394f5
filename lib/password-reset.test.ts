import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCohort } from "./cohorts";
import { DEMO_STUDENTS, seedDemo } from "./demo-seed";
import { decideAccess } from "./guards";
import { changeRequiredPassword, resetStudentPassword, temporaryPassword } from "./password-reset";
import { createTempDatabase, createTestAuth } from "./testing/temp-db";

const tmp = createTempDatabase();
const auth = createTestAuth(tmp.db);
const ids: Record<string, string> = {};

async function canSignIn(email: string, password: string) {
  return auth.api
    .signInEmail({ body: { email, password } })
    .then(() => true)
    .catch(() => false);
}

beforeAll(async () => {
  await seedDemo(auth, tmp.db);
  const other = await auth.api.createUser({
    body: { email: "autre@drbd-lab.local", password: "autre12345", name: "Autre", role: "instructor" },
  });
  const admin = await auth.api.createUser({
    body: { email: "admin@drbd-lab.local", password: "admin12345", name: "Admin", role: "admin" },
  });
  const outsider = await auth.api.createUser({
    body: { email: "seul@drbd-lab.local", password: "seul123456", name: "Seul", role: "student" },
  });
  await createCohort(tmp.db, other.user.id, "Classe de l'autre");
  for (const u of await tmp.db.user.findMany()) ids[u.email] = u.id;
  expect(outsider.user.id).toBeTruthy();
  expect(admin.user.id).toBeTruthy();
});
afterAll(() => tmp.cleanup());

const student = DEMO_STUDENTS[0] as (typeof DEMO_STUDENTS)[number];
const id = (email: string) => ids[email] as string;

describe("resetStudentPassword", () => {
  it("lets an instructor reset a student of their class: new password works, old one and sessions do not", async () => {
    const session = await auth.api.signInEmail({ body: { email: student.email, password: student.password } });
    expect(await tmp.db.session.count({ where: { userId: id(student.email) } })).toBeGreaterThan(0);
    const result = await resetStudentPassword(
      auth,
      tmp.db,
      { id: id("formateur@drbd-lab.local"), role: "instructor" },
      id(student.email),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(await tmp.db.session.count({ where: { userId: id(student.email) } })).toBe(0);
    expect(await tmp.db.session.findUnique({ where: { token: session.token } })).toBeNull();
    expect(await canSignIn(student.email, student.password)).toBe(false);
    expect(await canSignIn(student.email, result.password)).toBe(true);
  });

  it("refuses an instructor who does not teach that student", async () => {
    const target = DEMO_STUDENTS[1] as (typeof DEMO_STUDENTS)[number];
    const result = await resetStudentPassword(
      auth,
      tmp.db,
      { id: id("autre@drbd-lab.local"), role: "instructor" },
      id(target.email),
      "nouveau-mdp-1",
    );
    expect(result).toEqual({ ok: false, error: "Cet·te étudiant·e n'est inscrit·e dans aucune de vos classes." });
    expect(await canSignIn(target.email, target.password)).toBe(true);
  });

  it("refuses a student, and refuses to reset an instructor", async () => {
    const target = DEMO_STUDENTS[2] as (typeof DEMO_STUDENTS)[number];
    const byStudent = await resetStudentPassword(
      auth,
      tmp.db,
      { id: id(target.email), role: "student" },
      id(target.email),
      "nouveau-mdp-1",
    );
    expect(byStudent.ok).toBe(false);
    const onInstructor = await resetStudentPassword(
      auth,
      tmp.db,
      { id: id("admin@drbd-lab.local"), role: "admin" },
      id("autre@drbd-lab.local"),
      "nouveau-mdp-1",
    );
    expect(onInstructor).toEqual({ ok: false, error: "Étudiant·e introuvable." });
    expect(await canSignIn("autre@drbd-lab.local", "autre12345")).toBe(true);
  });

  it("lets an admin reset any student", async () => {
    const result = await resetStudentPassword(
      auth,
      tmp.db,
      { id: id("admin@drbd-lab.local"), role: "admin" },
      id("seul@drbd-lab.local"),
      "nouveau-mdp-2",
    );
    expect(result.ok).toBe(true);
    expect(await canSignIn("seul@drbd-lab.local", "nouveau-mdp-2")).toBe(true);
  });

  it("makes temporary passwords from the given random source", () => {
    expect(temporaryPassword(() => 0)).toBe("aaaa-aaaa-aaaa");
    expect(new Set(Array.from({ length: 50 }, () => temporaryPassword())).size).toBe(50);
  });
});

describe("after a reset, a new password at the next sign-in", () => {
  const target = DEMO_STUDENTS[2] as (typeof DEMO_STUDENTS)[number];
  const signInHeaders = async (email: string, password: string) => {
    const { headers } = await auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
    return new Headers({ cookie: (headers.get("set-cookie") ?? "").split(";")[0] as string });
  };

  it("holds the student at the password page until they choose one; then everything opens again", async () => {
    const before = await signInHeaders(target.email, target.password);
    expect(decideAccess(await auth.api.getSession({ headers: before }))).toBe("allowed");
    const reset = await resetStudentPassword(
      auth,
      tmp.db,
      { id: id("formateur@drbd-lab.local"), role: "instructor" },
      id(target.email),
    );
    if (!reset.ok) throw new Error(reset.error);
    const temp = await signInHeaders(target.email, reset.password);
    const session = await auth.api.getSession({ headers: temp });
    expect(decideAccess(session)).toBe("password");
    expect(decideAccess(session, ["student"])).toBe("password");

    const userId = id(target.email);
    const change = (input: Record<"currentPassword" | "newPassword" | "confirmPassword", string>) =>
      changeRequiredPassword(auth, tmp.db, userId, input, temp);
    expect(
      await change({ currentPassword: reset.password, newPassword: "nouveau-mdp-1", confirmPassword: "autre-chose" }),
    ).toEqual({ ok: false, errors: { confirmPassword: "Les deux saisies ne sont pas identiques." } });
    expect(
      await change({ currentPassword: reset.password, newPassword: reset.password, confirmPassword: reset.password }),
    ).toEqual({
      ok: false,
      errors: { newPassword: "Choisissez un mot de passe différent du mot de passe temporaire." },
    });
    expect(
      await change({ currentPassword: "pas-le-bon", newPassword: "nouveau-mdp-1", confirmPassword: "nouveau-mdp-1" }),
    ).toEqual({ ok: false, errors: { currentPassword: "Mot de passe temporaire incorrect." } });
    expect((await tmp.db.user.findUniqueOrThrow({ where: { id: userId } })).mustChangePassword).toBe(true);

    expect(
      await change({ currentPassword: reset.password, newPassword: "nouveau-mdp-1", confirmPassword: "nouveau-mdp-1" }),
    ).toEqual({ ok: true });
    expect((await tmp.db.user.findUniqueOrThrow({ where: { id: userId } })).mustChangePassword).toBe(false);
    expect(await canSignIn(target.email, reset.password)).toBe(false);
    const after = await signInHeaders(target.email, "nouveau-mdp-1");
    expect(decideAccess(await auth.api.getSession({ headers: after }), ["student"])).toBe("allowed");
  });
});
