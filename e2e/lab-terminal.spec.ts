import { expect, type Page, test } from "@playwright/test";
import { signIn, student } from "./helpers";

/**
 * The terminal as a line discipline (issue 11 item 2) and legible at scale 1 (item 3): bash's
 * continuation prompt for here-documents, open quotes and pastes, `$?` between lines, the host
 * tab where it was after `exit`, underscores drawn.
 */
const rows = (page: Page, machine: string) => page.getByTestId(`terminal-${machine}`).locator(".xterm-rows");

/** The commands the lab received, in order, while `act` runs. */
async function sent(page: Page, act: () => Promise<void>, count: number): Promise<string[]> {
  const inputs: string[] = [];
  const done = new Promise<void>((resolve) => {
    const on = (r: import("@playwright/test").Request) => {
      if (!r.url().includes("/exec") || r.method() !== "POST") return;
      inputs.push((r.postDataJSON() as { input: string }).input);
      if (inputs.length === count) {
        page.off("request", on);
        resolve();
      }
    };
    page.on("request", on);
  });
  await act();
  await done;
  return inputs;
}

/** A paste into a machine's terminal, as the browser delivers it (a paste event on xterm's textarea). */
async function paste(page: Page, machine: string, text: string) {
  await page
    .getByTestId(`terminal-${machine}`)
    .locator("textarea")
    .evaluate((el, t) => {
      const data = new DataTransfer();
      data.setData("text/plain", t);
      el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    }, text);
}

async function typeLine(page: Page, line: string) {
  await page.keyboard.type(line);
  await page.keyboard.press("Enter");
}

test.use({ deviceScaleFactor: 1 });

test("heredocs, open quotes and pastes wait for the whole command; $? and the host tab's cwd carry over", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, student(3));
  await page.goto("/cours/tp1");
  const lab = page.getByRole("region", { name: "Lab tp1" });
  await lab.getByRole("button", { name: /Ouvrir le lab|Reprendre/ }).click();
  await expect(rows(page, "host")).toContainText("@docker-host:", { timeout: 30_000 });
  await page.getByTestId("terminal-host").click();

  // a here-document typed line by line: nothing is sent before its delimiter
  const heredoc = await sent(
    page,
    async () => {
      await typeLine(page, "cat > /tmp/pg.conf << EOF");
      await typeLine(page, "listen_addresses = '*'");
      await typeLine(page, "port = 5432");
      await expect(rows(page, "host")).toContainText("> port = 5432");
      await page.getByTestId("terminal-host").screenshot({ path: test.info().outputPath("heredoc-continuation.png") });
      await typeLine(page, "EOF");
    },
    1,
  );
  expect(heredoc).toEqual(["cat > /tmp/pg.conf << EOF\nlisten_addresses = '*'\nport = 5432\nEOF"]);
  const cat = await sent(page, () => typeLine(page, "cat /tmp/pg.conf"), 1);
  expect(cat).toEqual(["cat /tmp/pg.conf"]);
  await expect(rows(page, "host")).toContainText("listen_addresses = '*'port = 5432");

  // an open quote and a trailing backslash continue too
  expect(
    await sent(
      page,
      async () => {
        await typeLine(page, 'echo "ligne1');
        await typeLine(page, 'ligne2"');
      },
      1,
    ),
  ).toEqual(['echo "ligne1\nligne2"']);
  await expect(rows(page, "host")).toContainText("ligne1ligne2");
  expect(
    await sent(
      page,
      async () => {
        await typeLine(page, "echo debut \\");
        await typeLine(page, "fin");
      },
      1,
    ),
  ).toEqual(["echo debut \\\nfin"]);
  await expect(rows(page, "host")).toContainText("debut fin");

  // a paste of several lines: each complete command runs, the here-document as one
  const pasted = await sent(page, () => paste(page, "host", 'false\ncat << FIN\nun_deux\nFIN\necho "code=$?"\n'), 3);
  expect(pasted).toEqual(["false", "cat << FIN\nun_deux\nFIN", 'echo "code=$?"']);
  await expect(rows(page, "host")).toContainText("code=0");
  await sent(page, () => typeLine(page, "false"), 1);
  await sent(page, () => typeLine(page, "echo status=$?"), 1);
  await expect(rows(page, "host")).toContainText("status=1");

  // exit from docker exec gives the host tab back where it was
  await sent(page, () => typeLine(page, "cd ~/drbd-workshop"), 1);
  await sent(page, () => typeLine(page, "docker-compose up -d"), 1);
  await sent(page, () => typeLine(page, "docker exec -it drbd-node1 bash"), 1);
  await expect(page.getByRole("tab", { name: "node1" })).toHaveAttribute("aria-selected", "true");
  await expect(rows(page, "node1")).toContainText("root@node1:/#");
  await page.getByTestId("terminal-node1").click();
  await sent(page, () => typeLine(page, "exit"), 1);
  await expect(page.getByRole("tab", { name: "hôte" })).toHaveAttribute("aria-selected", "true");
  await page.getByTestId("terminal-host").click();
  await sent(page, () => typeLine(page, "pwd"), 1);
  await expect(rows(page, "host")).toContainText("/home/student/drbd-workshop");
});

test("underscores are drawn at device scale factor 1", async ({ page }) => {
  test.setTimeout(60_000);
  await signIn(page, student(3));
  await page.goto("/cours/tp1");
  const lab = page.getByRole("region", { name: "Lab tp1" });
  await lab.getByRole("button", { name: /Ouvrir le lab|Reprendre/ }).click();
  await expect(rows(page, "host")).toContainText("@docker-host:", { timeout: 30_000 });
  await page.getByTestId("terminal-host").click();
  await page.keyboard.press("Control+l");
  await sent(page, () => typeLine(page, "echo ________________________________"), 1);
  const line = rows(page, "host")
    .locator("div")
    .filter({ hasText: /^_{32}$/ });
  await expect(line).toHaveCount(1);
  const shot = await line.screenshot();
  await test.info().attach("underscores", { body: shot, contentType: "image/png" });
  // pixels of the row (decoded by the browser): the underscores must leave light pixels on the dark background
  const light = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext("2d");
    if (!ctx) return -1;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if ((d[i] ?? 0) + (d[i + 1] ?? 0) + (d[i + 2] ?? 0) > 400) n++;
    return n;
  }, shot.toString("base64"));
  // 32 underscores at ~8 px each, at least one pixel row: well over 100 light pixels
  expect(light).toBeGreaterThan(100);

  // a full screen: the last row is drawn whole inside the terminal's box, not cut by it
  await sent(page, () => typeLine(page, "for i in $(seq 1 40); do echo ligne_$i; done"), 1);
  await expect(rows(page, "host")).toContainText("ligne_40");
  const boxBottom = await page.getByTestId("terminal-host").evaluate((el) => el.getBoundingClientRect().bottom);
  const lastRow = await rows(page, "host").evaluate((el) => {
    const r = (el.lastElementChild as HTMLElement).getBoundingClientRect();
    return { bottom: r.bottom, height: r.height };
  });
  expect(lastRow.height).toBeGreaterThanOrEqual(16);
  expect(lastRow.bottom).toBeLessThanOrEqual(boxBottom);
  await page.getByTestId("terminal-host").screenshot({ path: test.info().outputPath("terminal-scale1.png") });
});
