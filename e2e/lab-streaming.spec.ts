import { expect, type Page, type Response, test } from "@playwright/test";
import { signIn, student } from "./helpers";

/** The text xterm shows in a machine's tab (its rows, as rendered). */
const screen = (page: Page, machine: string) => page.getByTestId(`terminal-${machine}`).locator(".xterm-rows");

/** The command's output from a streamed exec reply (NDJSON, its last line is the reply). */
async function outputOf(res: Response): Promise<string> {
  const lines = (await res.text()).trim().split("\n");
  const last = JSON.parse(lines.at(-1) as string) as { type: string; reply?: { entry: { output: string } } };
  expect(last.type).toBe("done");
  return last.reply?.entry.output ?? "";
}

/** Types a command in node1's tab and returns its output once it is over. */
async function run(page: Page, line: string): Promise<string> {
  await page.getByTestId("terminal-node1").click();
  await page.keyboard.type(line);
  const reply = page.waitForResponse((r) => r.url().includes("/exec") && r.request().method() === "POST");
  await page.keyboard.press("Enter");
  return outputOf(await reply);
}

/** The dashboard's clock on screen ("Time: 2024-01-15 14:30:19"), if a frame is shown. */
async function shownTime(page: Page): Promise<string | undefined> {
  return /Time: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/.exec((await screen(page, "node1").textContent()) ?? "")?.[1];
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
  await lab.getByRole("button", { name: "Repartir de la fin du TP précédent" }).click();
  await expect(screen(page, "host")).toContainText("@docker-host:~$");
  await page.getByRole("tab", { name: "node1" }).click();
  await expect(screen(page, "node1")).toContainText(/root@node1:\S*#/);

  const before = Number(await run(page, "date +%s"));
  expect(before).toBeGreaterThan(0);

  await page.getByTestId("terminal-node1").click();
  await page.keyboard.type("/scripts/monitor.sh watch");
  const watch = page.waitForResponse((r) => r.url().includes("/exec") && r.request().method() === "POST");
  const started = Date.now();
  await page.keyboard.press("Enter");
  expect((await watch).status()).toBe(200);

  // a first frame, then a refreshed one a couple of real seconds later, while it still runs
  await expect(screen(page, "node1")).toContainText("DRBD MONITOR - r0", { timeout: 15_000 });
  const first = await shownTime(page);
  expect(first).toBeDefined();
  await expect.poll(() => shownTime(page), { timeout: 15_000 }).not.toBe(first);
  const second = await shownTime(page);
  await expect.poll(() => shownTime(page), { timeout: 15_000 }).not.toBe(second);
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
  const after = Number(await run(page, "date +%s"));
  expect(after - before).toBeGreaterThanOrEqual(2);
  expect(after - before).toBeLessThanOrEqual(watched + 5);

  // the transcript survives a reload: the dashboard's last frame and its ^C
  await page.reload();
  await page.getByRole("tab", { name: "node1" }).click();
  await expect(screen(page, "node1")).toContainText("^C");
  await expect(screen(page, "node1")).toContainText(String(after));
});
