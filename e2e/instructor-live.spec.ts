import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { demoClass, INSTRUCTOR, signIn, signOut, student } from "./helpers";

/** The text xterm shows in a machine's tab (its rows, as rendered). */
const screen = (page: Page, machine: string) => page.getByTestId(`terminal-${machine}`).locator(".xterm-rows");

/** Types a command line in a machine's tab and waits for the server's reply. */
async function type(page: Page, machine: string, line: string) {
  const tab = page.getByRole("tab", { name: machine === "host" ? "hôte" : machine });
  if ((await tab.getAttribute("aria-selected")) !== "true") await tab.click();
  await expect(tab).toHaveAttribute("aria-selected", "true");
  await page.getByTestId(`terminal-${machine}`).click();
  await page.keyboard.type(line);
  const reply = page.waitForResponse((r) => r.url().includes("/exec") && r.request().method() === "POST");
  await page.keyboard.press("Enter");
  expect((await reply).status()).toBe(200);
}

async function violations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`,
  );
}

test("a learner provokes a split brain in TP3; the instructor sees it live and replays the lab back and forth", async ({
  page,
}) => {
  test.setTimeout(300_000);
  const learner = student(1);
  await signIn(page, learner);
  await page.goto("/cours/tp3");
  const lab = page.getByRole("region", { name: "Lab tp3" });
  await lab.getByRole("button", { name: "Ouvrir le lab" }).click();
  await expect(screen(page, "host")).toContainText("@docker-host:~$", { timeout: 60_000 });

  // TP3 step 1: planned failover to node2
  await type(page, "node1", "umount /mnt/drbd");
  await type(page, "node1", "drbdadm secondary r0");
  await type(page, "node2", "drbdadm primary r0");
  await type(page, "node2", "mkdir -p /mnt/drbd");
  await type(page, "node2", "mount /dev/drbd0 /mnt/drbd");
  // step 4: the link is cut, node1 is promoted too, both write, the link comes back
  await type(page, "node1", "iptables -A INPUT -s 172.28.0.12 -j DROP");
  await type(page, "node2", "iptables -A INPUT -s 172.28.0.11 -j DROP");
  await type(page, "node1", "sleep 15");
  await type(page, "node1", "drbdadm primary r0");
  await type(page, "node1", "mount /dev/drbd0 /mnt/drbd");
  await type(page, "node1", 'echo "version node1" > /mnt/drbd/splitbrain.txt');
  await type(page, "node2", 'echo "version node2" > /mnt/drbd/splitbrain.txt');
  await type(page, "node1", "iptables -F");
  await type(page, "node2", "iptables -F");
  await type(page, "node1", "sleep 15");
  await type(page, "node1", "drbdadm cstate r0");
  await expect(screen(page, "node1")).toContainText("StandAlone");
  // the learner replays their own lab from the lab's toolbar
  await lab.getByRole("link", { name: /Rejouer/ }).click();
  await expect(page).toHaveURL(/\/rejouer\//);
  await expect(page.getByTestId("replay-state")).toContainText("vers node2 : StandAlone");
  await signOut(page);

  // the instructor's live view: the learner on TP3, the checks that hold, the split brain named
  await signIn(page, INSTRUCTOR);
  const { href } = await demoClass(page);
  await page.goto(href);
  const row = page.getByTestId("live-view").locator(`tr[data-learner="${learner.email}"]`);
  await expect(row).toContainText("TP3 : Failover et haute disponibilité");
  await expect(row.getByTestId("checks")).toContainText("TP3 : 2/6");
  await expect(row.getByTestId("checks")).toContainText("Bascule planifiée réussie");
  await expect(row.getByTestId("checks")).toContainText("Un split-brain a bien été provoqué et détecté.");
  await expect(row.getByTestId("status")).toContainText("Split-brain non résolu sur r0 : node1 et node2 en StandAlone");
  await expect(row).toContainText("node1$ drbdadm cstate r0");
  await page.screenshot({ path: test.info().outputPath("live-view.png"), fullPage: true });
  expect(await violations(page), "class page with the live view").toEqual([]);

  // the replay, at the end: StandAlone on both sides
  await row.getByRole("link", { name: /Rejouer/ }).click();
  await expect(page).toHaveURL(/\/rejouer\//);
  const state = page.getByTestId("replay-state");
  await expect(state).toContainText("vers node2 : StandAlone");
  await expect(state).toContainText("vers node1 : StandAlone");
  await page.screenshot({ path: test.info().outputPath("replay-end.png"), fullPage: true });
  expect(await violations(page), "replay page").toEqual([]);

  // back before the split brain: both Connected and UpToDate
  const slider = page.getByTestId("replay-slider");
  await slider.focus();
  await page.keyboard.press("Home");
  await expect(page.getByTestId("replay-position")).toContainText("Avant la première commande");
  await expect(state).toContainText("node1 r0 : Primary/UpToDate — vers node2 : Connected, disque du pair UpToDate");
  await expect(state).toContainText("node2 r0 : Secondary/UpToDate — vers node1 : Connected, disque du pair UpToDate");
  // step by step to the planned failover: node2 Primary, still connected
  // (the page's own waits, virtual time following real time, are rows too)
  const position = page.getByTestId("replay-position");
  for (let i = 0; i < 10 && !(await position.textContent())?.includes("node2$ drbdadm primary r0"); i++) {
    const before = await position.textContent();
    await page.getByRole("button", { name: "Suivante" }).click();
    await expect(position).not.toHaveText(before ?? "");
  }
  await expect(position).toContainText("node2$ drbdadm primary r0");
  await expect(state).toContainText("node2 r0 : Primary/UpToDate — vers node1 : Connected");
  await expect(page.getByTestId("replay-terminal")).toContainText("drbdadm primary r0");
  // forward again: StandAlone
  await slider.focus();
  await page.keyboard.press("End");
  await expect(state).toContainText("vers node2 : StandAlone");
  await expect(state).toContainText("vers node1 : StandAlone");
});
