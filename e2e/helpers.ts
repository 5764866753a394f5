import { expect, type Page } from "@playwright/test";

export const INSTRUCTOR = { email: "formateur@drbd-lab.local", password: "formateur123" };
export const student = (n: 1 | 2 | 3) => ({ email: `etudiant${n}@drbd-lab.local`, password: "etudiant123" });

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/connexion");
  await page.getByLabel("Adresse e-mail").fill(who.email);
  await page.getByLabel("Mot de passe").fill(who.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL("/");
}

/** Sign-up never signs in (it must not tell whether the address was known): sign in after it. */
export async function signUp(page: Page, who: { joinCode: string; name: string; email: string; password: string }) {
  await page.goto("/inscription");
  await page.getByLabel("Code de la classe").fill(who.joinCode);
  await page.getByLabel("Nom complet").fill(who.name);
  await page.getByLabel("Adresse e-mail").fill(who.email);
  await page.getByLabel("Mot de passe").fill(who.password);
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await expect(page).toHaveURL("/connexion?inscription=1");
  await expect(page.getByTestId("signed-up")).toContainText("connectez-vous");
  await signIn(page, who);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await expect(page).toHaveURL("/connexion");
}

/** The demo class on the instructor's page (signed in as its instructor): join code and page link. */
export async function demoClass(page: Page) {
  await page.goto("/formateur");
  const card = page.getByTestId("cohort").filter({ hasText: "Démo HA" });
  const joinCode = (await card.getByTestId("join-code").textContent())?.trim() ?? "";
  const href = (await card.getByRole("link", { name: "Démo HA" }).getAttribute("href")) ?? "";
  return { joinCode, href };
}
