import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { demoClass, INSTRUCTOR, signIn, student } from "./helpers";

const CHAPTERS = [
  "introduction",
  "concepts",
  "environnement",
  "tp1",
  "tp2",
  "tp3",
  "tp4",
  "tp5",
  "exercices-avances",
  "annexes",
  "quiz-final",
];

/** Every axe violation, whatever its impact: the page is clean or the test says where it is not. */
async function violations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(" "))
        .join(" | ")}`,
  );
}

test("sign-in and sign-up pages have no accessibility violation at any impact", async ({ page }) => {
  for (const path of ["/connexion", "/inscription"]) {
    await page.goto(path);
    expect(await violations(page), path).toEqual([]);
  }
});

test("every chapter, with its labs and editors open, has no accessibility violation at any impact", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, student(3));
  expect(await violations(page), "/").toEqual([]);
  for (const slug of CHAPTERS) {
    await page.goto(`/cours/${slug}`);
    // open every lab of the chapter, then its configuration editor
    for (const lab of await page.locator("section[data-lab]").all()) {
      const open = lab.getByRole("button", { name: "Ouvrir le lab" });
      if (await open.isVisible()) {
        await open.click();
        await expect(lab.locator(".xterm-rows").first()).toContainText(/[$#] /, { timeout: 60_000 });
        await lab.getByRole("button", { name: "Éditeur de configuration" }).click();
        await expect(lab.locator(".monaco-editor").first()).toBeVisible({ timeout: 30_000 });
      }
    }
    // the exercises' own editors (ex1.2, ex9.x) load lazily
    for (const editor of await page.locator("section[data-exercise] .monaco-editor").all())
      await expect(editor).toBeVisible();
    await expect(page.getByText("Chargement de l’éditeur…")).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByText("Chargement de l’exercice…")).toHaveCount(0, { timeout: 30_000 });
    expect(await violations(page), `/cours/${slug}`).toEqual([]);
  }
});

test("the instructor's pages have no accessibility violation at any impact", async ({ page, browser }) => {
  // a graded attempt, so that the class page links to the learner's page
  const learner = await (await browser.newContext()).newPage();
  await signIn(learner, student(3));
  await learner.goto("/cours/tp1");
  const check = learner.locator("section[data-exercise='tp1']").getByRole("button", { name: "Vérifier mon lab" });
  const graded = learner.waitForResponse(
    (r) => r.url().includes("/api/submissions") && r.request().method() === "POST",
  );
  await check.click();
  expect((await graded).status()).toBe(200);
  await learner.context().close();

  await signIn(page, INSTRUCTOR);
  await page.goto("/formateur");
  expect(await violations(page), "/formateur").toEqual([]);
  const { href } = await demoClass(page);
  await page.goto(href);
  expect(await violations(page), href).toEqual([]);
  const studentHref = await page.locator('a[href*="/etudiants/"]').first().getAttribute("href");
  expect(studentHref).toMatch(/\/etudiants\//);
  await page.goto(studentHref ?? "");
  expect(await violations(page), studentHref ?? "").toEqual([]);
});

test("annex D's checklist is labelled, ticks from the keyboard and is kept after a reload", async ({ page }) => {
  await signIn(page, student(3));
  await page.goto("/cours/annexes");
  const item = page.getByRole("checkbox", { name: "Monitoring en place" });
  await expect(item).toBeEnabled();
  await expect(item).not.toBeChecked();
  await item.focus();
  await page.keyboard.press("Space");
  await expect(item).toBeChecked();
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Monitoring en place" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Alertes configurées" })).not.toBeChecked();
});

/** The focused element, described by its tag, role and accessible text. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      tag: el?.tagName.toLowerCase() ?? "",
      type: el?.getAttribute("type") ?? "",
      label: el?.getAttribute("aria-label") ?? "",
      text: (el?.textContent ?? "").trim(),
      inTerminal: !!el?.closest(".xterm"),
    };
  });
}

/** Presses Tab (or Shift+Tab) until the focus matches, as a keyboard user would. */
async function tabUntil(page: Page, match: (f: Awaited<ReturnType<typeof focused>>) => boolean, back = false) {
  for (let i = 0; i < 150; i++) {
    if (match(await focused(page))) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  throw new Error(`focus never reached the target; it is on ${JSON.stringify(await focused(page))}`);
}

test("a keyboard-only learner signs in, types in TP1's terminal, leaves it with Escape then Tab and checks the lab", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const who = student(1);
  await page.goto("/connexion");
  await tabUntil(page, (f) => f.tag === "input" && f.type === "email");
  await page.keyboard.type(who.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(who.password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL("/");

  await page.goto("/cours/tp1");
  await tabUntil(page, (f) => f.tag === "button" && f.text === "Ouvrir le lab");
  await page.keyboard.press("Enter");
  // the terminal takes the focus once open, and says how to leave it
  await expect.poll(async () => (await focused(page)).label, { timeout: 60_000 }).toBe("Terminal host");
  const help = await page.evaluate(() => {
    const id = document.activeElement?.getAttribute("aria-describedby");
    return id ? document.getElementById(id)?.textContent : null;
  });
  expect(help).toContain("Échap puis Tab");
  await page.keyboard.type("echo clavier-seul");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("terminal-host").locator(".xterm-rows")).toContainText("clavier-seul");
  // the output reaches screen readers through the terminal's live log
  await expect(page.getByTestId("spoken-host")).toContainText("clavier-seul");

  // Tab alone stays in the terminal (bash completion); Escape then Tab leaves it
  await page.keyboard.press("Tab");
  expect((await focused(page)).inTerminal).toBe(true);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Shift+Tab");
  expect((await focused(page)).inTerminal).toBe(false);
  await page.keyboard.press("Tab");
  expect((await focused(page)).inTerminal).toBe(true);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  expect((await focused(page)).inTerminal).toBe(false);

  await tabUntil(page, (f) => f.tag === "button" && f.text === "Vérifier mon lab");
  const graded = page.waitForResponse((r) => r.url().includes("/api/submissions") && r.request().method() === "POST");
  await page.keyboard.press("Enter");
  expect((await graded).status()).toBe(200);
});
