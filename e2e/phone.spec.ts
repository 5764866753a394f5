import { expect, type Page, test } from "@playwright/test";
import { signIn, student } from "./helpers";

/**
 * A phone 390 px wide (issue 11 item 6): no page wider than the screen, the cluster diagram
 * scrolls inside its own box and says so, the benchmark table scrolls inside its box, the header
 * keeps « Cours » and the learner's name. Screenshots are attached to the report.
 */
test.use({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });

/** The page's own width: what a phone scrolls sideways when something overflows. */
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** What the phone's screen shows, attached to the report and kept with the test's output. */
async function shot(page: Page, name: string) {
  const body = await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
  await test.info().attach(name, { body, contentType: "image/png" });
}

test("at 390 px: header with Cours and the name, cluster diagram and benchmark table scroll in their boxes", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page, student(2));

  const nav = page.getByRole("navigation", { name: "Navigation principale" });
  await expect(nav.getByRole("link", { name: "Cours", exact: true })).toBeVisible();
  const name = page.getByTestId("nav-user");
  await expect(name).toBeVisible();
  expect((await name.textContent())?.trim().length).toBeGreaterThan(0);
  expect((await name.boundingBox())?.width).toBeGreaterThan(20);
  expect(await pageWidth(page)).toBeLessThanOrEqual(390);
  await shot(page, "phone-home");

  await page.goto("/cours/tp2");
  const lab = page.getByRole("region", { name: "Lab tp2" });
  await lab.getByRole("button", { name: /Ouvrir le lab|Reprendre/ }).click();
  const host = page.getByTestId("terminal-host");
  await expect(host.locator(".xterm-rows")).toContainText("@docker-host:", { timeout: 30_000 });

  // the diagram is wider than the phone: a cue, and the overflow stays in its own box
  const diagram = page.getByTestId("cluster-view");
  await expect(diagram).toBeVisible();
  await expect(page.getByTestId("cluster-scroll-hint")).toBeVisible();
  const scroller = diagram.locator(".overflow-x-auto").first();
  const [inner, outer] = await scroller.evaluate((el) => [el.scrollWidth, el.clientWidth]);
  expect(inner).toBeGreaterThan(outer);
  expect(await pageWidth(page)).toBeLessThanOrEqual(390);
  await diagram.scrollIntoViewIfNeeded();
  await shot(page, "phone-cluster");

  // a benchmark from the chapter's first step, typed in the host tab after docker exec
  await host.click();
  for (const line of ["docker exec -it drbd-node1 bash", "/scripts/benchmark.sh write"]) {
    await page.keyboard.type(line);
    const done = page.waitForResponse((r) => r.url().includes("/exec") && r.request().method() === "POST");
    await page.keyboard.press("Enter");
    expect((await done).status()).toBe(200);
    if (line.startsWith("docker exec"))
      await expect(page.getByTestId("terminal-node1").locator(".xterm-rows")).toContainText("root@node1:/#");
  }
  const table = page.getByTestId("benchmarks").locator("table");
  await expect(table).toBeVisible({ timeout: 30_000 });
  // French numbers: a decimal comma (latency 2,63 ms), never a point
  await expect(table.locator("tbody")).not.toContainText(/\d\.\d/);
  await expect(table.locator("tbody")).toContainText(/\d,\d/);
  const box = await page.getByTestId("benchmarks").boundingBox();
  expect((box?.x ?? 0) + (box?.width ?? 999)).toBeLessThanOrEqual(390);
  expect(await pageWidth(page)).toBeLessThanOrEqual(390);
  await page.getByTestId("benchmarks").scrollIntoViewIfNeeded();
  await shot(page, "phone-benchmarks");
});
