// biome-ignore-all lint/suspicious/noExplicitAny: route handler JSON bodies are inspected loosely in tests.
// biome-ignore-all lint/style/noNonNullAssertion: the fixtures are seeded in beforeAll.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getExercise } from "@/graders";
import type { Auth } from "@/lib/auth";
import { DEMO_COHORT_NAME, DEMO_INSTRUCTOR, DEMO_STUDENTS, seedDemo } from "@/lib/demo-seed";
import { createTempDatabase, createTestAuth } from "@/lib/testing/temp-db";
import { sessionViewer } from "./authenticate";
import { CSV_BOM } from "./csv";
import { createGradingApi } from "./http";

const tmp = createTempDatabase();
const auth: Auth = createTestAuth(tmp.db);
const api = createGradingApi({ db: tmp.db, authenticate: sessionViewer(() => auth) });
const OTHER = { email: "autre@drbd-lab.local", password: "autre-formateur-1", name: "Autre Formateur" };
let cohortId = "";
let alice = "";
let bob = "";
let carol = ""; // enrolled in no class of the demo instructor
let teacher = "";
let otherTeacher = "";
let aliceId = "";

async function cookieFor(email: string, password: string) {
  const { headers } = await auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
  return (headers.get("set-cookie") ?? "").split(";")[0] as string;
}

const url = "http://127.0.0.1:3999/api";
const post = (cookie: string | undefined, path: string, body: unknown) =>
  new Request(`${url}${path}`, {
    method: "POST",
    headers: { ...(cookie ? { cookie } : {}), "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const get = (cookie: string | undefined, path: string) =>
  new Request(`${url}${path}`, { headers: cookie ? { cookie } : {} });

/** A TP1 lab session of `userId` whose log holds one command (node1$ drbdadm create-md r0). */
async function tp1SessionWithOneCommand(userId: string) {
  const session = await tmp.db.labSession.create({
    data: { userId, exerciseId: "tp1", chapter: "tp1", scenario: "fresh", seed: 7 },
  });
  await tmp.db.labEvent.create({
    data: {
      labSessionId: session.id,
      seq: 0,
      target: "node1",
      input: "drbdadm create-md r0",
      output: "",
      outputDigest: "",
      virtualTimeMs: 0,
    },
  });
  return session;
}

async function submit(cookie: string, body: unknown) {
  const res = await api.submit(post(cookie, "/submissions", body));
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  await seedDemo(auth, tmp.db);
  await auth.api.createUser({ body: { ...OTHER, role: "instructor" } });
  await auth.api.createUser({
    body: { email: "carol@drbd-lab.local", password: "etudiant123", name: "Carol", role: "student" },
  });
  cohortId = (await tmp.db.cohort.findFirstOrThrow({ where: { name: DEMO_COHORT_NAME } })).id;
  alice = await cookieFor(DEMO_STUDENTS[0]!.email, DEMO_STUDENTS[0]!.password);
  bob = await cookieFor(DEMO_STUDENTS[1]!.email, DEMO_STUDENTS[1]!.password);
  carol = await cookieFor("carol@drbd-lab.local", "etudiant123");
  teacher = await cookieFor(DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password);
  otherTeacher = await cookieFor(OTHER.email, OTHER.password);
  aliceId = (await tmp.db.user.findUniqueOrThrow({ where: { email: DEMO_STUDENTS[0]!.email } })).id;
}, 60_000);
afterAll(() => tmp.cleanup());

describe("learner submissions", () => {
  const ex12 = getExercise("ex1.2")!;
  const wrong = ex12.wrong[0]!;

  it("refuses anonymous callers, bad bodies and unknown exercises", async () => {
    expect((await api.submit(post(undefined, "/submissions", { exercise: "ex1.2", text: "" }))).status).toBe(401);
    expect((await submit(alice, "{not json")).status).toBe(400);
    expect((await submit(alice, { exercise: "ex1.2", text: 42 })).status).toBe(400);
    expect((await submit(alice, { exercise: "ex1.2", extra: 1 })).status).toBe(400);
    expect((await submit(alice, { exercise: "ex99.9", text: "" })).status).toBe(404);
  });

  it("refuses a lone surrogate in a submission with a French 400 and stores nothing", async () => {
    const before = await tmp.db.submission.count();
    const res = await submit(alice, { exercise: "ex1.2", text: "resource r0 {\udc00\ud800}" });
    expect(res).toEqual({
      status: 400,
      body: { error: "Requête invalide : texte mal encodé (caractère Unicode incomplet)." },
    });
    expect(await tmp.db.submission.count()).toBe(before);
  });

  it("stores a failed attempt, unlocks a hint, then the best score counts", async () => {
    const first = await submit(alice, { exercise: "ex1.2", text: wrong.submission });
    expect(first.status).toBe(200);
    expect(first.body.stored).toBe(true);
    expect(first.body.result.score).toBeLessThan(ex12.points);
    const failed = first.body.result.checks.filter((c: any) => !c.passed);
    expect(failed.map((c: any) => c.id)).toEqual(expect.arrayContaining(wrong.failingChecks));
    // one failed attempt → exactly one hint unlocked
    expect(failed.filter((c: any) => c.hint).length).toBe(1);
    expect(first.body.progress.attempts).toBe(1);

    const second = await submit(alice, { exercise: "ex1.2", text: ex12.solution });
    expect(second.body.result.score).toBe(ex12.points);
    expect(second.body.progress).toMatchObject({ attempts: 2, bestScore: ex12.points, maxScore: ex12.points });

    // a worse attempt afterwards does not lower the best score
    const third = await submit(alice, { exercise: "ex1.2", text: wrong.submission });
    expect(third.body.progress).toMatchObject({ attempts: 3, bestScore: ex12.points });
  });

  it("an invalid config is reported by line, not stored, and costs no attempt", async () => {
    const res = await submit(alice, { exercise: "ex1.2", text: "resource r0 {\n  on node1 {\n" });
    expect(res.status).toBe(200);
    expect(res.body.stored).toBe(false);
    expect(res.body.result.valid).toBe(false);
    expect(res.body.result.diagnostics[0].line).toBeGreaterThan(0);
    expect(res.body.progress.attempts).toBe(3);
    expect(await tmp.db.submission.count({ where: { userId: aliceId, exerciseId: "ex1.2" } })).toBe(3);
  });

  it("restores the caller's own last answer, never another learner's", async () => {
    const mine = (await (await api.state(get(alice, "/submissions?exercise=ex1.2"))).json()) as any;
    expect(mine.last.payload.text).toBe(wrong.submission);
    expect(mine.progress.attempts).toBe(3);
    expect(JSON.stringify(mine.exercise)).not.toContain("solution");
    const theirs = (await (await api.state(get(bob, "/submissions?exercise=ex1.2"))).json()) as any;
    expect(theirs.last).toBeNull();
    expect(theirs.progress).toBeNull();
    expect((await api.state(get(undefined, "/submissions?exercise=ex1.2"))).status).toBe(401);
  });

  it("grades question exercises and hides the answers from the public definition", async () => {
    const ex21 = getExercise("ex2.1")!;
    const state = (await (await api.state(get(bob, "/submissions?exercise=ex2.1"))).json()) as any;
    const text = JSON.stringify(state.exercise);
    expect(text).not.toContain("credit");
    expect(text).not.toContain("rubric");
    expect(state.exercise.questions.length).toBe(ex21.questions!.length);
    const res = await submit(bob, { exercise: "ex2.1", ...(ex21.solution as object) });
    expect(res.body.result.score).toBe(ex21.points);
    const bad = await submit(bob, { exercise: "ex2.1", answers: { nope: "x" } });
    expect(bad.body.result.valid).toBe(false);
  });

  it("a lab exercise needs a lab session and is graded from the stored log", async () => {
    expect((await submit(bob, { exercise: "tp1" })).status).toBe(409);
    const bobId = (await tmp.db.user.findUniqueOrThrow({ where: { email: DEMO_STUDENTS[1]!.email } })).id;
    const session = await tp1SessionWithOneCommand(bobId);
    // Whatever the browser claims, the server replays the stored log.
    const res = await submit(bob, { exercise: "tp1", text: "node1 Primary UpToDate" });
    expect(res.status).toBe(200);
    expect(res.body.result.valid).toBe(true);
    expect(res.body.result.score).toBeLessThan(getExercise("tp1")!.points);
    const sub = await tmp.db.submission.findFirstOrThrow({ where: { userId: bobId, exerciseId: "tp1" } });
    expect(sub.labSessionId).toBe(session.id);
    expect(JSON.parse(sub.payload)).toEqual({ lab: "tp1", labSessionId: session.id, events: 1 });
  });

  it("streams a lab grading: the replay, each check as decided (no hint), then the stored reply", async () => {
    const lines = async (body: unknown) => {
      const res = await api.submit(post(carol, "/submissions", body));
      expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
      return (await res.text())
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
    };
    const carolLines = await api.submit(post(carol, "/submissions", { exercise: "tp1", stream: true }));
    expect((await carolLines.text()).trim()).toBe(
      JSON.stringify({
        type: "done",
        status: 409,
        body: { error: "Ouvrez le lab de ce chapitre et faites l’exercice avant de vérifier." },
      }),
    );
    // carol (in no class of the demo: the class's regrade below does not see her) types one command
    const carolId = (await tmp.db.user.findUniqueOrThrow({ where: { email: "carol@drbd-lab.local" } })).id;
    await tp1SessionWithOneCommand(carolId);
    const before = await tmp.db.submission.count();
    const got = await lines({ exercise: "tp1", stream: true });
    const done = got.at(-1);
    expect(done).toMatchObject({ type: "done", status: 200, body: { stored: true } });
    expect(got.filter((m) => m.type === "replay")).toEqual([{ type: "replay", done: 1, total: 1 }]);
    const checks = got.filter((m) => m.type === "check").map((m) => m.check);
    expect(checks.map((c) => c.id)).toEqual(done.body.result.checks.map((c: { id: string }) => c.id));
    expect(checks.some((c) => !c.passed)).toBe(true);
    expect(checks.every((c) => !("hint" in c))).toBe(true);
    expect(await tmp.db.submission.count()).toBe(before + 1);
    // the learner's one-grading-at-a-time slot is free again
    expect((await api.submit(post(carol, "/submissions", { exercise: "tp1" }))).status).toBe(200);
  });
});

describe("instructor routes", () => {
  const cls = () => `/formateur/classes/${cohortId}`;

  it("students get 403, other instructors 404, anonymous 401 on every route", async () => {
    const calls = [
      (c?: string) => api.classView(get(c, cls()), cohortId),
      (c?: string) => api.csv(get(c, `${cls()}/csv`), cohortId),
      (c?: string) => api.regrade(post(c, `${cls()}/regrade`, { exercise: "ex1.2" }), cohortId),
      (c?: string) =>
        api.override(post(c, `${cls()}/overrides`, { submissionId: "x", score: 1, comment: "ok" }), cohortId),
      (c?: string) => api.attempts(get(c, `${cls()}/students/${aliceId}?exercise=ex1.2`), cohortId, aliceId),
    ];
    for (const call of calls) {
      expect((await call(undefined)).status).toBe(401);
      expect((await call(alice)).status).toBe(403);
      expect((await call(otherTeacher)).status).toBe(404);
    }
    expect((await api.classView(get(teacher, "/formateur/classes/nope"), "nope")).status).toBe(404);
  });

  it("the class view shows the learners' best scores and the failing checks", async () => {
    const view = (await (await api.classView(get(teacher, cls()), cohortId)).json()) as any;
    const cell = view.cells[aliceId]["ex1.2"];
    expect(cell).toMatchObject({ attempts: 3, percent: 100 });
    const stats = view.stats.find((s: any) => s.id === "ex1.2");
    expect(stats).toMatchObject({ attempted: 1, passed: 1, meanPercent: 100 });
    expect(stats.failingChecks.length).toBeGreaterThan(0);
    expect(view.students.map((s: any) => s.email)).not.toContain("carol@drbd-lab.local");
  });

  it("attempts of a student of the class, 404 for a student outside it", async () => {
    const res = await api.attempts(get(teacher, `${cls()}/students/${aliceId}?exercise=ex1.2`), cohortId, aliceId);
    const attempts = (await res.json()) as any[];
    expect(attempts.length).toBe(3);
    expect(attempts[0].gradings[0].checks.length).toBe(getExercise("ex1.2")!.checks.length);
    const carolId = (await tmp.db.user.findUniqueOrThrow({ where: { email: "carol@drbd-lab.local" } })).id;
    await submit(carol, { exercise: "ex1.2", text: getExercise("ex1.2")!.solution });
    const outside = await api.attempts(get(teacher, `${cls()}/students/${carolId}?exercise=ex1.2`), cohortId, carolId);
    expect(outside.status).toBe(404);
  });

  it("an override is its own row with its author and becomes the counted score", async () => {
    const sub = await tmp.db.submission.findFirstOrThrow({
      where: { userId: aliceId, exerciseId: "ex1.2" },
      orderBy: { createdAt: "asc" },
    });
    const body = { submissionId: sub.id, score: 99, comment: "trop" };
    expect((await api.override(post(teacher, `${cls()}/overrides`, body), cohortId)).status).toBe(400);
    const carolSub = await tmp.db.submission.findFirstOrThrow({ where: { user: { email: "carol@drbd-lab.local" } } });
    const foreign = { submissionId: carolSub.id, score: 1, comment: "pas ma classe" };
    expect((await api.override(post(teacher, `${cls()}/overrides`, foreign), cohortId)).status).toBe(404);
    // lower the best attempt: the override replaces that submission's score
    const best = await tmp.db.submission.findMany({ where: { userId: aliceId, exerciseId: "ex1.2" } });
    for (const s of best) {
      const ok = { submissionId: s.id, score: 4.5, comment: "Revu à la main" };
      expect((await api.override(post(teacher, `${cls()}/overrides`, ok), cohortId)).status).toBe(201);
    }
    const rows = await tmp.db.gradeOverride.findMany({ include: { author: true } });
    expect(rows.every((r) => r.author.email === DEMO_INSTRUCTOR.email)).toBe(true);
    const p = await tmp.db.progress.findUniqueOrThrow({
      where: { userId_exerciseId: { userId: aliceId, exerciseId: "ex1.2" } },
    });
    expect(p.bestScore).toBe(4.5);
  });

  it("free text the rubric cannot judge goes to the review queue until an override", async () => {
    const dave = await cookieFor(DEMO_STUDENTS[2]!.email, DEMO_STUDENTS[2]!.password);
    const textQ = getExercise("ex1.1")!.questions!.find((q) => q.kind === "text")!;
    const long =
      "Je pense que la situation dépend beaucoup de la manière dont les serveurs ont été installés au départ, " +
      "de la configuration du réseau de la salle et des habitudes de chaque équipe qui travaille sur ces machines tous les jours.";
    const res = await submit(dave, { exercise: "ex1.1", answers: { [textQ.id]: long } });
    expect(res.body.result.needsReview).toBe(true);
    const queue = async () =>
      ((await (await api.classView(get(teacher, cls()), cohortId)).json()) as any).review as any[];
    const item = (await queue()).find((r) => r.exerciseId === "ex1.1");
    expect(item.answers[textQ.id]).toBe(long);
    expect(item.checks.every((c: any) => c.needsReview)).toBe(true);
    const body = { submissionId: item.submissionId, score: 3, comment: "Idée juste, mal formulée" };
    expect((await api.override(post(teacher, `${cls()}/overrides`, body), cohortId)).status).toBe(201);
    expect((await queue()).find((r) => r.exerciseId === "ex1.1")).toBeUndefined();
    const mine = (await (await api.state(get(dave, "/submissions?exercise=ex1.1"))).json()) as any;
    expect(mine.progress.bestScore).toBe(3);
  });

  it("regrade adds gradings and never deletes, lab ones by replay", async () => {
    const before = await tmp.db.grading.count();
    const res = await api.regrade(post(teacher, `${cls()}/regrade`, { exercise: "tp1" }), cohortId);
    const report = (await res.json()) as any;
    expect(report).toMatchObject({ exercise: "tp1", submissions: 1, regraded: 1, changed: [] });
    expect(await tmp.db.grading.count()).toBe(before + 1);
    expect((await api.regrade(post(teacher, `${cls()}/regrade`, { exercise: "zz" }), cohortId)).status).toBe(404);
  });

  it("exports the gradebook as CSV for Excel FR", async () => {
    const res = await api.csv(get(teacher, `${cls()}/csv`), cohortId);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM for Excel
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith(CSV_BOM)).toBe(true);
    const lines = text.slice(1).trimEnd().split("\r\n");
    const header = lines[0]!.split(";");
    expect(header.slice(0, 2)).toEqual(["Nom", "E-mail"]);
    const col = header.indexOf("ex1.2 (/9)");
    expect(col).toBeGreaterThan(1);
    const row = lines.find((l) => l.includes(DEMO_STUDENTS[0]!.email))!.split(";");
    expect(row[col]).toBe("4,5");
    expect(lines.length).toBe(1 + DEMO_STUDENTS.length);
  });
});
