import { expect, test } from "@playwright/test";
import { demoClass, INSTRUCTOR, signIn, signOut, signUp, student } from "./helpers";

test("a student is refused the instructor area with a 403 page", async ({ page }) => {
  await signIn(page, student(1));
  const response = await page.goto("/formateur");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Accès refusé" })).toBeVisible();
});

test("an instructor creates a class and a learner signs up with its join code", async ({ page, browser }) => {
  await signIn(page, INSTRUCTOR);
  await page.getByRole("link", { name: "Espace formateur" }).click();
  await expect(page).toHaveURL("/formateur");
  await expect(page.getByTestId("cohort").filter({ hasText: "Démo HA" })).toBeVisible();

  const name = `Classe e2e ${Date.now()}`;
  await page.getByLabel("Nom de la classe").fill(name);
  await page.getByRole("button", { name: "Créer la classe" }).click();
  await expect(page.getByTestId("class-created")).toContainText(name);
  const card = page.getByTestId("cohort").filter({ hasText: name });
  const joinCode = (await card.getByTestId("join-code").textContent())?.trim() ?? "";
  expect(joinCode).toMatch(/^DRBD-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await expect(page.getByTestId("class-created")).toContainText(joinCode);

  const learner = await (await browser.newContext()).newPage();
  const email = `ines.${Date.now()}@exemple.fr`;
  await signUp(learner, {
    joinCode: joinCode.toLowerCase(),
    name: "Inès Nouvelle",
    email,
    password: "motdepasse-ines",
  });
  await expect(learner.getByTestId("nav-user")).toHaveText("Inès Nouvelle");

  await page.reload();
  await expect(card.getByTestId("student-row")).toContainText(email);
});

test("an unknown join code gives a French error next to the field", async ({ page }) => {
  await page.goto("/inscription");
  await page.getByLabel("Code de la classe").fill("DRBD-ZZZZ-ZZZZ");
  await page.getByLabel("Nom complet").fill("Personne");
  await page.getByLabel("Adresse e-mail").fill("personne@exemple.fr");
  await page.getByLabel("Mot de passe").fill("motdepasse");
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await expect(page.locator("#field-joinCode-error")).toHaveText(
    "Code de classe inconnu. Vérifiez-le auprès de votre formateur.",
  );
  await expect(page.getByLabel("Code de la classe")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL("/inscription");
  await expect(page.getByLabel("Nom complet")).toHaveValue("Personne");
});

test("an instructor resets a student's password; the student signs in with the new one only", async ({
  page,
  browser,
}) => {
  // A student of its own (the demo accounts are shared with other journeys).
  await signIn(page, INSTRUCTOR);
  const { joinCode } = await demoClass(page);
  const target = { email: `reset.${Date.now()}@exemple.fr`, password: "ancien-mot-de-passe" };
  const learner = await (await browser.newContext()).newPage();
  await signUp(learner, { joinCode, name: "Élève Oublieux", ...target });

  await page.reload();
  const row = page.getByTestId("student-row").filter({ hasText: target.email });
  await row.getByRole("button", { name: /Réinitialiser le mot de passe/ }).click();
  const newPassword = (await row.getByTestId("temporary-password").textContent())?.trim() ?? "";
  expect(newPassword).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  await signOut(page);

  // the student's open session was revoked
  await learner.goto("/");
  await expect(learner).toHaveURL("/connexion");

  await learner.getByLabel("Adresse e-mail").fill(target.email);
  await learner.getByLabel("Mot de passe").fill(target.password);
  await learner.getByRole("button", { name: "Se connecter" }).click();
  await expect(learner.locator("#field-password-error")).toHaveText("Adresse e-mail ou mot de passe incorrect.");

  // the temporary password opens only the page where the student replaces it
  await learner.getByLabel("Adresse e-mail").fill(target.email);
  await learner.getByLabel("Mot de passe").fill(newPassword);
  await learner.getByRole("button", { name: "Se connecter" }).click();
  await expect(learner).toHaveURL("/mot-de-passe");
  await learner.goto("/cours/tp1");
  await expect(learner).toHaveURL("/mot-de-passe");
  await learner.getByLabel("Mot de passe temporaire", { exact: true }).fill(newPassword);
  await learner.getByLabel("Nouveau mot de passe", { exact: true }).fill("mon-propre-mot-de-passe");
  await learner.getByLabel("Confirmez le nouveau mot de passe").fill("mon-propre-mot-de-passe");
  await learner.getByRole("button", { name: "Enregistrer mon mot de passe" }).click();
  await expect(learner).toHaveURL("/");
  await expect(learner.getByTestId("nav-user")).toHaveText("Élève Oublieux");
});

test("an instructor sees per-chapter progress of a class", async ({ page }) => {
  await signIn(page, INSTRUCTOR);
  await page.goto("/formateur");
  await page.getByRole("link", { name: "Démo HA" }).click();
  await expect(page).toHaveURL(/\/formateur\/classes\/.+/);
  await expect(page.getByRole("heading", { name: "Démo HA" })).toBeVisible();
  // the progress heatmap (the live view above it lists the same learners)
  await expect(page.getByTestId("heatmap").getByRole("rowheader", { name: /Étudiant 1/ })).toBeVisible();
  await expect(page.getByTestId("live-view").getByRole("rowheader", { name: /Étudiant 1/ })).toBeVisible();
});
