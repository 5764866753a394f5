import { expect, type Page, test } from "@playwright/test";
import { signIn, student } from "./helpers";

/** The text xterm shows in a machine's tab (its rows, as rendered). */
const screen = (page: Page, machine: string) => page.getByTestId(`terminal-${machine}`).locator(".xterm-rows");

/** Types a command line in the active tab and waits for the server's reply to be shown. */
async function type(page: Page, machine: string, line: string) {
  await expect(page.getByRole("tab", { name: machine === "host" ? "hôte" : machine })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  await page.getByTestId(`terminal-${machine}`).click();
  await page.keyboard.type(line);
  const reply = page.waitForResponse((r) => r.url().includes("/exec") && r.request().method() === "POST");
  await page.keyboard.press("Enter");
  expect((await reply).status()).toBe(200);
}

test("a student runs the whole TP1 by typing, sees UpToDate/UpToDate, reloads and finds the lab intact", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signIn(page, student(2));
  await page.goto("/cours/tp1");
  const lab = page.getByRole("region", { name: "Lab tp1" });
  await lab.getByRole("button", { name: "Ouvrir le lab" }).click();
  await expect(screen(page, "host")).toContainText("@docker-host:~$");

  await type(page, "host", "cd drbd-workshop");
  await type(page, "host", "docker-compose up -d");
  await expect(screen(page, "host")).toContainText("drbd-node2");
  // docker exec in the host tab moves to the node1 tab (its shell runs in the host terminal)
  await type(page, "host", "docker exec -it drbd-node1 bash");
  await expect(screen(page, "node1")).toContainText("root@node1:/#");
  await type(page, "node1", "/scripts/drbd-init.sh create-md");
  await type(page, "node1", "/scripts/drbd-init.sh start");
  await type(page, "node1", "/scripts/drbd-init.sh primary --force");
  await page.getByRole("tab", { name: "node2" }).click();
  await type(page, "node2", "/scripts/drbd-init.sh create-md");
  await type(page, "node2", "/scripts/drbd-init.sh start");
  await type(page, "node2", "/scripts/drbd-status.sh");
  await expect(screen(page, "node2")).toContainText("Secondary");

  // Virtual time follows real time while the learner reads: the initial sync finishes
  const twin = page.getByTestId("cluster-text");
  await expect(twin).toContainText(
    /node1 : en marche, r0 Primaire, disque UpToDate ; vers node2 : Connected, Established, disque du pair UpToDate/,
    { timeout: 90_000 },
  );
  await expect(twin).toContainText(/node2 : en marche, r0 Secondaire, disque UpToDate/);

  await page.getByRole("tab", { name: "node1" }).click();
  await type(page, "node1", "mkdir -p /mnt/drbd");
  await type(page, "node1", "mount /dev/drbd0 /mnt/drbd");
  await type(page, "node1", 'echo "Donnees critiques - $(date)" > /mnt/drbd/test.txt');
  await type(page, "node1", "dd if=/dev/urandom of=/mnt/drbd/data.bin bs=1M count=10");
  await type(page, "node1", "ls -la /mnt/drbd/");
  await expect(screen(page, "node1")).toContainText("data.bin");
  await expect(twin).toContainText("monté sur /mnt/drbd");
  await expect(page.getByTestId("cluster-view").locator("svg")).toContainText("monté : /mnt/drbd");

  // history and line editing: up-arrow brings the last command back, edited with the arrows
  await page.getByTestId("terminal-node1").click();
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Home");
  for (let i = 0; i < "ls -la".length; i++) await page.keyboard.press("Delete");
  await page.keyboard.type("wc -l <");
  await page.keyboard.press("End");
  await page.keyboard.type("test.txt");
  const reply = page.waitForResponse((r) => r.url().includes("/exec"));
  await page.keyboard.press("Enter");
  expect(((await reply).request().postDataJSON() as { input: string }).input).toBe("wc -l < /mnt/drbd/test.txt");
  await expect(screen(page, "node1")).toContainText("wc -l < /mnt/drbd/test.txt1");

  await page.reload();
  await expect(screen(page, "host")).toContainText("docker-compose up -d");
  await page.getByRole("tab", { name: "node1" }).click();
  await expect(screen(page, "node1")).toContainText("data.bin");
  await expect(screen(page, "node1")).toContainText("root@node1:/#");
  await expect(twin).toContainText(/node2 : en marche, r0 Secondaire, disque UpToDate/);
  await expect(twin).toContainText("monté sur /mnt/drbd");
  await type(page, "node1", "cat /mnt/drbd/test.txt");
  await expect(screen(page, "node1")).toContainText("Donnees critiques");
});
