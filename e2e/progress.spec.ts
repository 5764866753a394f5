import { expect, test } from "@playwright/test";
import { signIn, student } from "./helpers";

test("a reading chapter counts once read to its end; the course's end congratulates only when all is done", async ({
  page,
}) => {
  await signIn(page, student(2));
  const intro = page.getByTestId("chapter").filter({ hasText: "Introduction à DRBD" });
  await expect(intro).toContainText("Chapitre de lecture");
  await expect(intro).not.toContainText("Chapitre de lecture : lu");
  await expect(intro).toContainText("0 %");

  const read = page.waitForResponse((r) => r.url().includes("/api/chapters/introduction/read"));
  await page.goto("/cours/introduction");
  const marker = page.getByTestId("chapter-read");
  await marker.scrollIntoViewIfNeeded();
  expect((await read).status()).toBe(200);
  await expect(marker).toHaveAttribute("data-read", "true");
  await expect(marker).toContainText("Chapitre lu");

  await page.goto("/");
  await expect(intro).toContainText("Chapitre de lecture : lu");
  await expect(intro).toContainText("100 %");

  // the final quiz is not the end of the workshop while chapters and exercises are left
  await page.goto("/cours/quiz-final");
  const end = page.getByTestId("course-completion");
  await expect(end).toHaveAttribute("data-complete", "false");
  await expect(end).not.toContainText("Félicitations");
  await expect(end).toContainText("Pour terminer le workshop, il reste");
  await expect(end.getByRole("link", { name: "Concepts fondamentaux" })).toBeVisible();
  await expect(end.getByRole("link", { name: "Introduction à DRBD" })).toHaveCount(0);
  await end.screenshot({ path: test.info().outputPath("quiz-final-end.png") });

  // a chapter with exercises is not marked by reading
  const res = await page.request.post("/api/chapters/tp1/read", { data: {} });
  expect(res.status()).toBe(400);
  expect((await page.request.post("/api/chapters/nope/read", { data: {} })).status()).toBe(404);
});
