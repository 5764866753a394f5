import { expect, test } from "@playwright/test";
import { signIn, signOut, student } from "./helpers";

test("anonymous visitors are sent to the sign-in page", async ({ page }) => {
  for (const path of ["/", "/cours/introduction", "/formateur"]) {
    await page.goto(path);
    await expect(page).toHaveURL("/connexion");
  }
  await expect(page.getByRole("heading", { name: "Connexion" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
});

test("a wrong password gives a French error next to the field", async ({ page }) => {
  await page.goto("/connexion");
  await page.getByLabel("Adresse e-mail").fill(student(1).email);
  await page.getByLabel("Mot de passe").fill("mauvais-mot-de-passe");
  await page.getByRole("button", { name: "Se connecter" }).click();
  const password = page.getByLabel("Mot de passe");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-password-error")).toHaveText("Adresse e-mail ou mot de passe incorrect.");
  await expect(page).toHaveURL("/connexion");
  await expect(page.getByLabel("Adresse e-mail")).toHaveValue(student(1).email);
});

test("a demo student signs in, sees the course outline, reads a chapter and signs out", async ({ page, context }) => {
  await signIn(page, student(1));
  const cookie = (await context.cookies()).find((c) => c.name.endsWith("session_token"));
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");

  await expect(page.getByTestId("nav-user")).toHaveText("Étudiant 1");
  await expect(page.getByTestId("nav-role")).toHaveText("Étudiant·e");
  const chapters = page.getByTestId("chapter");
  expect(await chapters.count()).toBeGreaterThanOrEqual(2);
  await expect(chapters.first()).toContainText("Introduction à DRBD");
  await expect(chapters.first()).toContainText("0 %");
  await expect(page.getByRole("link", { name: "Espace formateur" })).toHaveCount(0);

  await chapters.nth(1).getByRole("link").click();
  await expect(page).toHaveURL(/\/cours\/[a-z0-9-]+$/);
  await expect(page.getByRole("navigation", { name: "Sommaire du chapitre" })).toBeVisible();
  await expect(page.locator("pre").first()).toBeVisible();
  await expect(page.getByRole("link", { name: /Chapitre précédent/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /Chapitre suivant/ })).toBeVisible();

  await signOut(page);
  await page.goto("/");
  await expect(page).toHaveURL("/connexion");
});

test("command blocks name their terminal and copy their text", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, student(1));
  await page.goto("/cours/tp1");
  const block = page.locator("[data-codeblock][data-target]").first();
  await expect(block.getByTestId("code-target")).toHaveText(/hôte|node\d/);
  await block.getByRole("button", { name: "Copier le code" }).click();
  await expect(block.getByRole("button", { name: "Copié" })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied.trim()).toBe((await block.locator("pre").textContent())?.trim());
});

test("the sign-in form works with the keyboard alone", async ({ page }) => {
  await page.goto("/connexion");
  await page.getByLabel("Adresse e-mail").focus();
  await page.keyboard.type(student(3).email);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Mot de passe")).toBeFocused();
  await page.keyboard.type(student(3).password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL("/");
});

test("an unknown chapter is a 404 in French", async ({ page }) => {
  await signIn(page, student(1));
  const response = await page.goto("/cours/nexiste-pas");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page introuvable" })).toBeVisible();
});
