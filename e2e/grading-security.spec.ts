import { expect, test } from "@playwright/test";
import { demoClass, INSTRUCTOR, signIn, student } from "./helpers";

// Route by route: a student never reaches instructor pages or APIs, and the learner API only
// ever answers with the caller's own data. (Another instructor's class → 404 is covered by
// lib/grading/http.test.ts, which can create a second instructor.)
test("students get 403 on every instructor page and API; anonymous callers 401", async ({ page, browser }) => {
  await signIn(page, INSTRUCTOR);
  const { href } = await demoClass(page);
  const id = href.split("/").pop() ?? "";
  const studentId = (await page.request.get(`/api/formateur/classes/${id}`).then((r) => r.json())).students[0].id;
  expect(studentId).toBeTruthy();

  const learner = await (await browser.newContext()).newPage();
  await signIn(learner, student(1));
  for (const path of [href, `${href}/etudiants/${studentId}?exercice=ex1.2`]) {
    expect((await learner.goto(path))?.status()).toBe(403);
  }
  const api = learner.request;
  const base = `/api/formateur/classes/${id}`;
  expect((await api.get(base)).status()).toBe(403);
  expect((await api.get(`${base}/csv`)).status()).toBe(403);
  expect((await api.get(`${base}/students/${studentId}?exercise=ex1.2`)).status()).toBe(403);
  expect((await api.post(`${base}/regrade`, { data: { exercise: "ex1.2" } })).status()).toBe(403);
  const override = { submissionId: "x", score: 1, comment: "non" };
  expect((await api.post(`${base}/overrides`, { data: override })).status()).toBe(403);

  const anonymous = (await browser.newContext()).request;
  expect((await anonymous.get(`${test.info().project.use.baseURL}${base}`)).status()).toBe(401);
  expect((await anonymous.get(`${test.info().project.use.baseURL}/api/submissions?exercise=ex1.2`)).status()).toBe(401);

  // an instructor's unknown class is not found
  expect((await page.request.get("/api/formateur/classes/inconnue")).status()).toBe(404);
  expect((await page.goto("/formateur/classes/inconnue"))?.status()).toBe(404);
});

test("the submissions API answers only with the caller's own attempts", async ({ browser }) => {
  const a = await (await browser.newContext()).newPage();
  await signIn(a, student(2));
  const posted = await a.request.post("/api/submissions", {
    data: { exercise: "ex2.2", answers: { nothing: "x" } },
  });
  expect(posted.status()).toBe(200);
  expect((await posted.json()).stored).toBe(false); // invalid: no attempt
  const b = await (await browser.newContext()).newPage();
  await signIn(b, student(3));
  const state = await (await b.request.get("/api/submissions?exercise=ex2.2")).json();
  expect(state.exercise.id).toBe("ex2.2");
  expect(JSON.stringify(state.exercise)).not.toMatch(/"answer"|"accepted"|"rubric"/);
  // the caller cannot name another learner: there is no user parameter to abuse
  const other = await b.request.get("/api/submissions?exercise=ex2.2&userId=anyone");
  expect((await other.json()).last).toEqual(state.last);
});
