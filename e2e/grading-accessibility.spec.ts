import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { demoClass, INSTRUCTOR, signIn, student } from "./helpers";

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

test("exercises, feedback and the class view have no serious accessibility violation", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, student(1));
  await page.goto("/cours/tp2");
  const ex = page.locator('section[data-exercise="ex2.1"]');
  await ex.getByRole("button", { name: "Vérifier" }).click();
  // nothing answered: refused with a message, no attempt
  await expect(ex.getByRole("alert")).toContainText("Aucune réponse");
  expect(await seriousViolations(page), "/cours/tp2 (refused)").toEqual([]);
  await ex.getByRole("combobox").first().selectOption({ index: 1 });
  await ex.getByRole("button", { name: "Vérifier" }).click();
  await expect(ex.getByTestId("score")).toBeVisible();
  expect(await seriousViolations(page), "/cours/tp2").toEqual([]);

  await page.context().clearCookies();
  await signIn(page, INSTRUCTOR);
  const { href } = await demoClass(page);
  await page.goto(href);
  await expect(page.getByTestId("heatmap")).toBeVisible();
  expect(await seriousViolations(page), href).toEqual([]);
});
