import { expect, type Page, test } from "@playwright/test";
import { signIn, student } from "./helpers";

/** The text xterm shows in a machine's tab (its rows, as rendered). */
const screen = (page: Page, machine: string) => page.getByTestId(`terminal-${machine}`).locator(".xterm-rows");

const rows = async (page: Page, machine: string) =>
  (await screen(page, machine).locator(":scope > div").allTextContents()).map((r) => r.trim()).filter(Boolean);

test("drbdsetup events2 streams in node1's tab: the exists lines at once, a change line when the resync ends, Ctrl-C stops it", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page, student(3));
  await page.goto("/cours/tp2");
  const lab = page.getByRole("region", { name: "Lab tp2" });
  await lab.getByRole("button", { name: "Ouvrir le lab" }).click();
  await expect(screen(page, "host")).toContainText("@docker-host:~$", { timeout: 60_000 });
  // from the end of TP1: r0 is up and connected on both nodes, in sync
  page.once("dialog", (d) => void d.accept());
  const reset = page.waitForResponse((r) => r.url().endsWith("/api/labs/tp2") && r.request().method() === "POST");
  await lab.getByRole("button", { name: "Repartir de la fin du TP précédent" }).click();
  expect((await reset).status()).toBe(200);
  await expect(lab.getByRole("button", { name: "Réinitialiser" })).toBeEnabled({ timeout: 30_000 });
  await page.getByRole("tab", { name: "node1" }).click();
  await expect(screen(page, "node1")).toContainText(/root@node1:\S*#/);

  // a full resync toward node2 starts, then events2 follows r0 while it runs
  await page.getByTestId("terminal-node1").click();
  await page.keyboard.type("drbdadm invalidate-remote r0; drbdsetup events2 r0");
  const exec = page.waitForResponse((r) => r.url().includes("/exec") && r.request().method() === "POST");
  const started = Date.now();
  await page.keyboard.press("Enter");
  expect((await exec).status()).toBe(200);

  // the exists lines at once, the resync running
  await expect(screen(page, "node1")).toContainText("exists -", { timeout: 15_000 });
  const text = async () => (await screen(page, "node1").textContent()) ?? "";
  expect(await text()).toMatch(/exists peer-device name:r0 .*replication:SyncSource/);
  expect(await text()).not.toContain("change peer-device");
  // the resync's end, printed while the command still runs (no prompt after it), seconds later
  await expect(screen(page, "node1")).toContainText(/change peer-device name:r0 .*replication:Established/, {
    timeout: 90_000,
  });
  expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  expect((await rows(page, "node1")).at(-1)).not.toMatch(/^root@node1:\S*#$/);

  await page.keyboard.press("Control+C");
  await expect(screen(page, "node1")).toContainText("^C", { timeout: 10_000 });
  await expect.poll(async () => (await rows(page, "node1")).at(-1), { timeout: 10_000 }).toMatch(/^root@node1:\S*#$/);
  // what it printed stays, with nothing of the machinery
  expect(await text()).toMatch(/exists -.*change peer-device.*\^C/);
  expect(await text()).not.toMatch(/__lab|aborted|exceeded/);
});
