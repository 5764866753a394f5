import { expect, type Page, test } from "@playwright/test";
import { signIn, student } from "./helpers";

/** The text xterm shows in a machine's tab (its rows, as rendered). */
const screen = (page: Page, machine: string) => page.getByTestId(`terminal-${machine}`).locator(".xterm-rows");

/** The rows printed after the last row holding `command` (its output), trimmed. */
async function outputOf(page: Page, machine: string, command: string): Promise<string[]> {
  const rows = (await screen(page, machine).locator(":scope > div").allTextContents()).map((r) => r.trim());
  let at = -1;
  rows.forEach((r, i) => {
    if (r.endsWith(command)) at = i;
  });
  return at < 0 ? [] : rows.slice(at + 1);
}

async function type(page: Page, machine: string, line: string) {
  await page.getByTestId(`terminal-${machine}`).click();
  await page.keyboard.type(line);
  await page.keyboard.press("Enter");
}

test("simulate-failure.sh network 30s streams in node1's tab to its end, paced in real time, and the link is restored", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signIn(page, student(2));
  await page.goto("/cours/tp5");
  const lab = page.getByRole("region", { name: "Lab tp5" });
  await lab.getByRole("button", { name: "Ouvrir le lab" }).click();
  // the first lab of a fresh server: a lab worker starts and builds TP5's start scenario
  await expect(screen(page, "host")).toContainText("@docker-host:~$", { timeout: 60_000 });
  page.once("dialog", (d) => void d.accept());
  const reset = page.waitForResponse((r) => r.url().endsWith("/api/labs/tp5") && r.request().method() === "POST");
  await lab.getByRole("button", { name: "Réinitialiser" }).click();
  expect((await reset).status()).toBe(200);
  await expect(lab.getByRole("button", { name: "Réinitialiser" })).toBeEnabled({ timeout: 30_000 });
  await page.getByRole("tab", { name: "node1" }).click();
  await expect(screen(page, "node1")).toContainText(/root@node1:\S*#/);

  const started = Date.now();
  const exec = page.waitForResponse((r) => r.url().includes("/exec") && r.request().method() === "POST");
  await type(page, "node1", "/scripts/simulate-failure.sh network 30s");
  expect((await exec).status()).toBe(200);
  // the cut shows while the command runs, the link comes back about 30 real seconds later
  await expect(screen(page, "node1")).toContainText("== Coupure du reseau de replication pendant 30s", {
    timeout: 15_000,
  });
  await expect(screen(page, "node1")).toContainText("== Retablissement du lien", { timeout: 90_000 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(25_000);
  await expect(screen(page, "node1")).toContainText(">>> iptables -D OUTPUT -d", { timeout: 30_000 });
  // the script ends on its own (drbdadm status, then the prompt), nothing killed it half way;
  // its output is longer than the terminal, so the screen's last row is read, and the whole
  // output from the terminal's live log (what a screen reader hears)
  const rows = async () =>
    (await screen(page, "node1").locator(":scope > div").allTextContents()).map((r) => r.trim()).filter(Boolean);
  await expect.poll(async () => (await rows()).at(-1), { timeout: 90_000 }).toMatch(/^root@node1:\S*#$/);
  expect((await rows()).join("\n")).toContain("peer-disk:UpToDate");
  const spoken = (await page.getByTestId("spoken-node1").textContent()) ?? "";
  expect(spoken).toContain("== Retablissement du lien");
  expect(spoken).not.toMatch(/deadline|exceeded|__lab_tty_script|\^C/);

  // no DROP rule left, and DRBD reconnected
  await type(page, "node1", "iptables -S | grep -c DROP");
  await expect
    .poll(() => outputOf(page, "node1", "iptables -S | grep -c DROP"))
    .toEqual(["0", expect.stringMatching(/^root@node1:\S*#$/)]);
  await type(page, "node1", "drbdadm cstate r0");
  await expect.poll(async () => (await outputOf(page, "node1", "drbdadm cstate r0"))[0]).toBe("Connected");
});
