import { readFileSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import { bashBlocks } from "../tests/workshop/blocks";
import { signIn, student } from "./helpers";

/**
 * A TP typed in the browser exactly as its chapter says (issue 11): every ```bash block up to
 * the TP's « Vérifier », in the tab it names (`target=`), here-documents line by line; node
 * commands after `docker exec -it drbd-nodeN bash` in the host tab go where the page sends
 * them (the node's tab, typing into the host terminal that entered it). Then « Vérifier mon
 * lab » must give full marks. The engine-level twin of every TP is
 * tests/workshop/chapters-graded.test.ts; the browser runs the TPs whose chapter needs no
 * waiting on virtual time.
 */
const JOURNEYS = [{ file: "05-tp2.mdx", id: "tp2", points: 9 }] as const;

const TAB: Record<string, string> = { host: "hôte" };

async function typeCommand(page: Page, machine: string, command: string) {
  const tab = page.getByRole("tab", { name: TAB[machine] ?? machine, exact: true });
  if ((await tab.getAttribute("aria-selected")) !== "true") await tab.click();
  await expect(tab).toHaveAttribute("aria-selected", "true");
  await page.getByTestId(`terminal-${machine}`).click();
  const lines = command.split("\n");
  for (const line of lines.slice(0, -1)) {
    await page.keyboard.type(line);
    await page.keyboard.press("Enter");
  }
  await page.keyboard.type(lines.at(-1) ?? "");
  const reply = page.waitForResponse((r) => r.url().includes("/exec") && r.request().method() === "POST", {
    timeout: 60_000,
  });
  await page.keyboard.press("Enter");
  expect((await reply).status()).toBe(200);
}

for (const j of JOURNEYS) {
  test(`${j.id} typed as its chapter says gets full marks`, async ({ page }) => {
    test.setTimeout(240_000);
    await signIn(page, student(1));
    await page.goto(`/cours/${j.id}`);
    const lab = page.getByRole("region", { name: `Lab ${j.id}` });
    await lab.getByRole("button", { name: "Ouvrir le lab" }).click();
    await expect(page.getByTestId("terminal-host").locator(".xterm-rows")).toContainText("@docker-host:", {
      timeout: 30_000,
    });
    // a learner who already worked here starts again from the TP's start
    page.once("dialog", (d) => void d.accept());
    const reset = page.waitForResponse((r) => r.url().includes("/api/labs") && r.request().method() === "POST");
    await lab.getByRole("button", { name: "Réinitialiser" }).click();
    await reset;
    await expect(page.getByTestId("terminal-host").locator(".xterm-rows")).toContainText("@docker-host:", {
      timeout: 30_000,
    });

    const text = readFileSync(`content/${j.file}`, "utf8").split("\n");
    const gradedAt = text.findIndex((l) => l.includes(`<Exercise id="${j.id}"`)) + 1;
    for (const block of bashBlocks(j.file).filter((b) => b.line < gradedAt))
      for (const command of block.commands) await typeCommand(page, block.target, command);

    const ex = page.locator(`section[data-exercise="${j.id}"]`);
    await ex.getByRole("button", { name: "Vérifier mon lab" }).click();
    await expect(ex.getByTestId("score")).toContainText(`${j.points} / ${j.points}`, { timeout: 60_000 });
  });
}
