import { expect, type Page, test } from "@playwright/test";
import { signIn, student } from "./helpers";

/** The text xterm shows in a machine's tab (its rows, as rendered). */
const screen = (page: Page, machine: string) => page.getByTestId(`terminal-${machine}`).locator(".xterm-rows");

/** The rows of node1's terminal that hold a number alone (`date +%s`). */
async function numbers(page: Page): Promise<string[]> {
  const rows = await screen(page, "node1").locator(":scope > div").allTextContents();
  return rows.map((r) => r.trim()).filter((r) => /^\d{9,}$/.test(r));
}

/** `date +%s` in node1's tab: the lab's virtual clock, in seconds. */
async function virtualNow(page: Page): Promise<number> {
  const seen = (await numbers(page)).length;
  await page.getByTestId("terminal-node1").click();
  await page.keyboard.type("date +%s");
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await numbers(page)).length).toBeGreaterThan(seen);
  return Number((await numbers(page)).at(-1));
}

/** The dashboard's measuring window on screen ("Read: 0.0 MB/s    (4s)"): it grows at each refresh. */
async function shownWindow(page: Page): Promise<string | undefined> {
  return /Read: [\d.]+ MB\/s\s+\((\d+)s\)/.exec((await screen(page, "node1").textContent()) ?? "")?.[1];
}

test("monitor.sh watch refreshes live in node1's tab, Ctrl-C stops it on the server, the clock moved by the watched time only", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, student(1));
  await page.goto("/cours/tp2");
  const lab = page.getByRole("region", { name: "Lab tp2" });
  await lab.getByRole("button", { name: "Ouvrir le lab" }).click();
  await expect(screen(page, "host")).toContainText("@docker-host:~$");
  // from the end of TP1: r0 is up and connected on both nodes
  page.once("dialog", (d) => void d.accept());
  const reset = page.waitForResponse((r) => r.url().endsWith("/api/labs/tp2") && r.request().method() === "POST");
  await lab.getByRole("button", { name: "Repartir de la fin du TP précédent" }).click();
  expect((await reset).status()).toBe(200);
  await expect(lab.getByRole("button", { name: "Réinitialiser" })).toBeEnabled();
  await expect(screen(page, "host")).toContainText("@docker-host:~$");
  await page.getByRole("tab", { name: "node1" }).click();
  await expect(screen(page, "node1")).toContainText(/root@node1:\S*#/);

  const before = await virtualNow(page);
  expect(before).toBeGreaterThan(0);

  await page.getByTestId("terminal-node1").click();
  await page.keyboard.type("/scripts/monitor.sh watch");
  const watch = page.waitForResponse((r) => r.url().includes("/exec") && r.request().method() === "POST");
  const started = Date.now();
  await page.keyboard.press("Enter");
  expect((await watch).status()).toBe(200);

  // a first frame, then a refreshed one a couple of real seconds later, while it still runs
  await expect(screen(page, "node1")).toContainText("Sync Progress: 100%", { timeout: 15_000 });
  await expect.poll(() => shownWindow(page), { timeout: 15_000 }).toBeDefined();
  const first = await shownWindow(page);
  await expect.poll(() => shownWindow(page), { timeout: 15_000 }).not.toBe(first);
  const second = await shownWindow(page);
  await expect.poll(() => shownWindow(page), { timeout: 15_000 }).not.toBe(second);
  expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
  await expect(screen(page, "node1")).toContainText("Ctrl-C pour quitter");

  await page.keyboard.press("Control+C");
  await expect(screen(page, "node1")).toContainText("^C", { timeout: 10_000 });
  const watched = (Date.now() - started) / 1000;
  // the prompt is back on the line after ^C
  await expect
    .poll(async () => {
      const rows = await screen(page, "node1").locator(":scope > div").allTextContents();
      const at = rows.findIndex((r) => r.includes("^C"));
      return at >= 0 ? rows[at + 1]?.trim() : undefined;
    })
    .toMatch(/^root@node1:\S*#$/);

  // virtual time advanced by about the watched time, not by the 10-minute budget of a line
  const after = await virtualNow(page);
  expect(after - before).toBeGreaterThanOrEqual(2);
  expect(after - before).toBeLessThanOrEqual(watched + 5);

  // the transcript survives a reload: the dashboard's last frame and its ^C
  await page.reload();
  await page.getByRole("tab", { name: "node1" }).click();
  await expect(screen(page, "node1")).toContainText("^C");
  await expect(screen(page, "node1")).toContainText(String(after));
});
