import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { INSTRUCTOR, signIn, student } from "./helpers";

async function seriousViolations(page: import("@playwright/test").Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`);
}

test("sign-in and sign-up pages have no serious accessibility violation", async ({ page }) => {
  for (const path of ["/connexion", "/inscription"]) {
    await page.goto(path);
    expect(await seriousViolations(page), path).toEqual([]);
  }
});

test("learner and instructor pages have no serious accessibility violation", async ({ page }) => {
  await signIn(page, student(1));
  for (const path of ["/", "/cours/introduction"]) {
    await page.goto(path);
    expect(await seriousViolations(page), path).toEqual([]);
  }
  await page.context().clearCookies();
  await signIn(page, INSTRUCTOR);
  await page.goto("/formateur");
  expect(await seriousViolations(page), "/formateur").toEqual([]);
});
