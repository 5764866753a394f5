import { expect, type Page, test } from "@playwright/test";
import { getExercise } from "../graders/index";
import { demoClass, INSTRUCTOR, signIn, signUp as signUpAndIn } from "./helpers";

// Graded in the page, stored on the server, seen by the instructor: ex1.2 fails then passes,
// the heatmap cell and the CSV follow. A fresh learner joins the demo class so that the
// assertions do not depend on what other tests left in the database.
const ex12 = getExercise("ex1.2");
const ex21 = getExercise("ex2.1");

async function signUp(page: Page, joinCode: string, name: string, email: string) {
  await signUpAndIn(page, { joinCode, name, email, password: "motdepasse-e2e" });
}

test("a learner fails then passes ex1.2; the instructor sees the cell and exports the CSV", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  if (!ex12) throw new Error("ex1.2 missing");
  await signIn(page, INSTRUCTOR);
  const { joinCode, href } = await demoClass(page);
  expect(href).toMatch(/^\/formateur\/classes\//);

  const learner = await (await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] })).newPage();
  const stamp = Date.now();
  const name = `Zélie Test ${stamp}`;
  const email = `zelie.${stamp}@exemple.fr`;
  await signUp(learner, joinCode, name, email);

  await learner.goto("/cours/tp1");
  const ex = learner.locator('section[data-exercise="ex1.2"]');
  const editor = ex.locator(".monaco-editor .view-lines");
  await expect(editor).toContainText("resource r0", { timeout: 60_000 });
  // replace the whole file by pasting it (typing would trigger Monaco's auto-closing braces)
  const fill = async (text: string) => {
    await learner.evaluate((t) => navigator.clipboard.writeText(t), text);
    await editor.click();
    await learner.keyboard.press("ControlOrMeta+A");
    await learner.keyboard.press("ControlOrMeta+V");
    await expect(editor).toContainText(text.split("\n")[0] ?? "");
  };

  // a syntax error: reported by line, no attempt counted
  await fill("resource r0 {\n  on node1 {\n");
  await ex.getByRole("button", { name: "Vérifier" }).click();
  await expect(ex.getByRole("alert")).toContainText("ne compte pas comme une tentative");
  await expect(ex.getByText("Pas encore de tentative.")).toBeVisible();

  const wrong = ex12.wrong[0];
  if (!wrong) throw new Error("no wrong solution");
  await fill(wrong.submission as string);
  await ex.getByRole("button", { name: "Vérifier" }).click();
  await expect(ex.getByTestId("score")).toContainText("Résultat");
  await expect(ex.getByTestId("score")).not.toContainText("9 / 9");
  for (const id of wrong.failingChecks)
    await expect(ex.locator(`[data-check="${id}"]`)).toHaveAttribute("data-passed", "false");
  await expect(ex.getByText("Indice :")).toHaveCount(1);
  await expect(ex.getByTestId("exercise-progress")).toContainText("Tentatives : 1");

  await fill(ex12.solution as string);
  await ex.getByRole("button", { name: "Vérifier" }).click();
  await expect(ex.getByTestId("score")).toContainText("9 / 9 — tout est juste !");
  await expect(ex.locator('[data-passed="false"]')).toHaveCount(0);
  await expect(ex.getByTestId("exercise-progress")).toContainText("Meilleur score : 9 / 9 · Tentatives : 2");

  // restored after a reload (survives the page: stored on the server)
  await learner.reload();
  await expect(editor).toContainText("7799", { timeout: 60_000 }); // the last answer is restored
  await expect(ex.getByTestId("score")).toContainText("Dernière vérification : 9 / 9");
  // chapter progress: 1 of 3 exercises at full marks, the same number on the home outline
  await expect(learner.getByTestId("chapter-percent")).toHaveText("33 %");
  await learner.goto("/");
  await expect(learner.getByTestId("chapter").filter({ hasText: "TP1" })).toContainText("33 %");

  // the instructor's view
  await page.goto(href);
  const row = page.getByTestId("heatmap").locator(`tr[data-student="${email}"]`);
  const cell = row.locator('td[data-exercise="ex1.2"]');
  await expect(cell).toContainText("100 %");
  await expect(cell).toContainText("2 tent.");
  await expect(page.getByTestId("exercise-stats").locator('tr[data-exercise="ex1.2"]')).toContainText(
    wrong.failingChecks[0] ?? "",
  );

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Exporter le carnet de notes (CSV)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^notes-.*\.csv$/);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  const bytes = Buffer.concat(chunks);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString("utf8").trimEnd().split("\r\n");
  const header = lines[0]?.split(";") ?? [];
  const col = header.indexOf("ex1.2 (/9)");
  expect(col).toBeGreaterThan(1);
  const mine = lines.find((l) => l.includes(email))?.split(";") ?? [];
  expect(mine[0]).toBe(name);
  expect(mine[col]).toBe("9");

  // the cell opens the attempts with each check's result
  await cell.getByRole("link").click();
  await expect(page.getByRole("heading", { name: `${name} — ex1.2` })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("Tentative 1")).toBeVisible();
  await expect(page.getByText("Tentative 2")).toBeVisible();

  // the learner cannot open the instructor's pages or APIs
  expect((await learner.goto(href))?.status()).toBe(403);
  expect((await learner.request.get(`/api/formateur/classes/${href.split("/").pop()}/csv`)).status()).toBe(403);
});

test("a question exercise (ex2.1) is graded in the page", async ({ page }) => {
  test.setTimeout(120_000);
  if (!ex21) throw new Error("ex2.1 missing");
  await signIn(page, INSTRUCTOR);
  const { joinCode } = await demoClass(page);
  await page.context().clearCookies();
  const stamp = Date.now();
  await signUp(page, joinCode, `Quiz ${stamp}`, `quiz.${stamp}@exemple.fr`);
  await page.goto("/cours/tp2");
  const ex = page.locator('section[data-exercise="ex2.1"]');
  const answers = (ex21.solution as { answers: Record<string, unknown> }).answers;
  const q = ex21.questions?.find((x) => x.kind === "matching");
  if (q?.kind !== "matching") throw new Error("no matching question");
  const pairs = answers[q.id] as Record<string, string>;
  // only the first scenario right, no justification: partial credit
  const first = q.items[0];
  if (!first) throw new Error("no item");
  await ex.getByLabel(first.text).selectOption(pairs[first.id] ?? "");
  await ex.getByRole("button", { name: "Vérifier" }).click();
  await expect(ex.getByTestId("score")).toBeVisible();
  await expect(ex.getByTestId("score")).not.toContainText(`${ex21.points} / ${ex21.points}`);

  for (const item of q.items) await ex.getByLabel(item.text).selectOption(pairs[item.id] ?? "");
  const texts = ex.getByRole("textbox");
  const textIds = ex21.questions?.filter((x) => x.kind === "text").map((x) => x.id) ?? [];
  for (const [i, id] of textIds.entries()) await texts.nth(i).fill(String(answers[id]));
  await ex.getByRole("button", { name: "Vérifier" }).click();
  await expect(ex.getByTestId("score")).toContainText(`${ex21.points} / ${ex21.points}`);
  await expect(ex.getByTestId("exercise-progress")).toContainText("Tentatives : 2");
});
