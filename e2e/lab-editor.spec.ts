import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { signIn, student } from "./helpers";

test("the config editor shows the engine's diagnostic for a missing ';' and applies a file to the lab", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, student(3));
  await page.goto("/cours/tp1");
  const lab = page.getByRole("region", { name: "Lab tp1" });
  await lab.getByRole("button", { name: "Ouvrir le lab" }).click();
  // a cold lab worker (the run's first lab) may take a while on a busy machine
  await expect(page.getByTestId("terminal-host").locator(".xterm-rows")).toContainText("@docker-host:~$", {
    timeout: 30_000,
  });
  await page.getByTestId("terminal-host").click();
  await page.keyboard.type("cd drbd-workshop && docker-compose up -d");
  const up = page.waitForResponse((r) => r.url().includes("/exec"));
  await page.keyboard.press("Enter");
  expect((await up).status()).toBe(200);

  await lab.getByRole("button", { name: "Éditeur de configuration" }).click();
  // scoped to the lab: the chapter's config exercise (ex1.2) has its own Monaco editor
  const editor = lab.locator(".monaco-editor .view-lines");
  await expect(editor).toContainText("resource r0", { timeout: 60_000 });
  await expect(lab.getByText("Aucune erreur détectée par drbdadm.")).toBeVisible();
  // delete the ';' after "protocol C"
  await editor.getByText("protocol C;").first().click();
  await page.keyboard.press("End");
  await page.keyboard.press("Backspace");
  await expect(lab.getByTestId("config-diagnostics")).toContainText(/Ligne \d+ :/);
  await expect(lab.locator(".monaco-editor .squiggly-error").first()).toBeAttached();
  await page.screenshot({ path: test.info().outputPath("editor-missing-semicolon.png"), fullPage: false });

  // the draft survives a reload
  await page.reload();
  await lab.getByRole("button", { name: "Éditeur de configuration" }).click();
  await expect(lab.getByTestId("config-diagnostics")).toContainText(/Ligne \d+ :/, { timeout: 60_000 });

  // fix it, apply, and read it back in the terminal
  await lab.locator(".monaco-editor .view-lines").getByText("protocol C").first().click();
  await page.keyboard.press("End");
  await page.keyboard.type(";");
  await expect(lab.getByText("Aucune erreur détectée par drbdadm.")).toBeVisible();
  const write = page.waitForResponse((r) => r.url().includes("/files") && r.request().method() === "POST");
  await lab.getByRole("button", { name: "Appliquer au lab" }).click();
  expect((await write).status()).toBe(200);
  await expect(lab.getByText(/écrit sur node1, node2/)).toBeVisible();
});

// Monaco tokenizes in idle callbacks: a page that never idles (a render loop) leaves every token mtk1
test("the lab's config editor colours DRBD keywords with Monaco's Monarch tokenizer", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, student(1));
  await page.goto("/cours/tp1");
  const lab = page.getByRole("region", { name: "Lab tp1" });
  await lab.getByRole("button", { name: /Ouvrir le lab|Reprendre/ }).click();
  await lab.getByRole("button", { name: "Éditeur de configuration" }).click();
  const editor = lab.locator(".monaco-editor .view-lines");
  await expect(editor).toContainText("resource r0", { timeout: 60_000 });
  // theme "vs": a section as a keyword, an option as a type; a resource's own name stays plain
  // a plain word shares its span with the spaces around it (same colour, one token class)
  const colour = (word: string) =>
    editor
      .locator("span > span", { hasText: new RegExp(`^\\s*${word}\\s*$`) })
      .first()
      .evaluate((el) => getComputedStyle(el).color);
  expect(await colour("resource")).toBe("rgb(0, 0, 255)");
  expect(await colour("protocol")).toBe("rgb(0, 128, 128)");
  expect(await colour("r0")).toBe("rgb(0, 0, 0)");
  // token classes, not only colours: keywords, types, values and plain words differ
  const classes = await editor
    .locator("span > span[class^=mtk]")
    .evaluateAll((els) => [...new Set(els.map((e) => e.className.split(" ")[0]))]);
  expect(classes.length).toBeGreaterThan(2);
  await page.screenshot({ path: test.info().outputPath("editor-colours.png"), fullPage: false });
});

test("a chapter page with its lab open has no serious accessibility violation", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, student(1));
  await page.goto("/cours/tp1");
  const lab = page.getByRole("region", { name: "Lab tp1" });
  await lab.getByRole("button", { name: "Ouvrir le lab" }).click();
  await expect(page.getByTestId("cluster-view")).toBeVisible();
  await lab.getByRole("button", { name: "Éditeur de configuration" }).click();
  await expect(lab.locator(".monaco-editor .view-lines")).toContainText("resource", { timeout: 60_000 });
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(serious).toEqual([]);
});
