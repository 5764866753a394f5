import { readFileSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import { bashBlocks } from "../tests/workshop/blocks";
import { signIn, student } from "./helpers";

/**
 * Each TP typed in the browser exactly as its chapter says (issue 11): every ```bash block up to
 * the TP's « Vérifier », in the tab it names (`target=`), here-documents line by line; node
 * commands after `docker exec -it drbd-nodeN bash` in the host tab go where the page sends them
 * (the node's tab, typing into the host terminal that entered it). Between two blocks the
 * learner reads: the page's clock runs 20 s ahead, and the lab's virtual time follows it as it
 * follows real time (the initial sync of TP1 finishes, node1's absence is noticed in TP3).
 * A command that runs until Ctrl-C (`monitor.sh watch`) gets one once it has drawn its screen.
 * Then « Vérifier mon lab » must give full marks. Chapter 9 gives no commands to copy: its
 * Pacemaker lab (ex9.3) is typed from its reference solution, node commands after docker exec.
 * The engine-level twins are tests/workshop/chapters-graded.test.ts and graders/lab/machine.test.ts.
 */
interface Step {
  machine: string;
  command: string;
  /** reading time before the next step (ms of the page's clock) */
  readMs: number;
}

const READING_MS = 20_000;
const TAB: Record<string, string> = { host: "hôte" };
/** Commands that run until Ctrl-C, and the text that shows they are running. */
const UNTIL_CTRL_C: [RegExp, string][] = [[/monitor\.sh watch/, "Ctrl-C"]];

/** The chapter's blocks before its `<Exercise id>`, in order. */
function chapterSteps(file: string, id: string): Step[] {
  const text = readFileSync(`content/${file}`, "utf8").split("\n");
  const gradedAt = text.findIndex((l) => l.includes(`<Exercise id="${id}"`)) + 1;
  return bashBlocks(file)
    .filter((b) => b.line < gradedAt)
    .flatMap((b) =>
      b.commands.map((command, i) => ({
        machine: b.target,
        command,
        readMs: i === b.commands.length - 1 ? READING_MS : 0,
      })),
    );
}

/**
 * A lab script (`node1$ …`, `host$ …`) typed as the workshop does it: everything in the host
 * tab, entering a node with `docker exec -it drbd-nodeN bash`, leaving it with `exit`.
 */
function solutionSteps(path: string): Step[] {
  const steps: Step[] = [];
  let inside: string | null = null;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^(\w+)\$ (.*)$/.exec(line);
    if (!m) continue;
    const [, target, command] = m as unknown as [string, string, string];
    const want = target === "host" ? null : target;
    if (inside !== want) {
      if (inside !== null) steps.push({ machine: inside, command: "exit", readMs: 0 });
      if (want !== null) steps.push({ machine: "host", command: `docker exec -it drbd-${want} bash`, readMs: 0 });
      inside = want;
    }
    steps.push({ machine: target, command, readMs: 0 });
  }
  return steps;
}

/** `live`: the grading is long enough (PostgreSQL replayed) to watch its progress stream in. */
const JOURNEYS: { id: string; slug: string; steps: () => Step[]; live?: true }[] = [
  { id: "tp1", slug: "tp1", steps: () => chapterSteps("04-tp1.mdx", "tp1") },
  { id: "tp2", slug: "tp2", steps: () => chapterSteps("05-tp2.mdx", "tp2") },
  { id: "tp3", slug: "tp3", steps: () => chapterSteps("06-tp3.mdx", "tp3") },
  { id: "tp4", slug: "tp4", steps: () => chapterSteps("07-tp4.mdx", "tp4"), live: true },
  { id: "tp5", slug: "tp5", steps: () => chapterSteps("08-tp5.mdx", "tp5") },
  { id: "ex9.3", slug: "exercices-avances", steps: () => solutionSteps("content/solutions/ex9.3.lab") },
];

const screen = (page: Page, machine: string) => page.getByTestId(`terminal-${machine}`).locator(".xterm-rows");

async function typeCommand(page: Page, { machine, command }: Step) {
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
    timeout: 90_000,
  });
  await page.keyboard.press("Enter");
  const endless = UNTIL_CTRL_C.find(([re]) => re.test(command));
  if (endless) {
    await expect(screen(page, machine)).toContainText(endless[1], { timeout: 30_000 });
    await page.keyboard.press("Control+C");
  }
  expect((await reply).status()).toBe(200);
}

/** The learner reads for `ms`: the page's clock jumps ahead and the lab's virtual time follows. */
async function read(page: Page, ms: number) {
  const advanced = page.waitForResponse((r) => r.url().includes("/advance") && r.request().method() === "POST");
  await page.clock.fastForward(ms);
  expect((await advanced).status()).toBe(200);
}

for (const j of JOURNEYS) {
  test(`${j.id} typed as the course says gets full marks`, async ({ page }) => {
    test.setTimeout(300_000);
    await page.clock.install();
    await signIn(page, student(1));
    await page.goto(`/cours/${j.slug}`);
    const lab = page.getByRole("region", { name: `Lab ${j.id}` });
    await lab.getByRole("button", { name: "Ouvrir le lab" }).click();
    await expect(screen(page, "host")).toContainText("@docker-host:", { timeout: 30_000 });
    // a learner who already worked here starts again from the TP's start
    page.once("dialog", (d) => void d.accept());
    const reset = page.waitForResponse((r) => r.url().includes("/api/labs") && r.request().method() === "POST");
    await lab.getByRole("button", { name: "Réinitialiser" }).click();
    await reset;
    await expect(screen(page, "host")).toContainText("@docker-host:", { timeout: 30_000 });

    for (const step of j.steps()) {
      await typeCommand(page, step);
      if (step.readMs > 0) await read(page, step.readMs);
    }
    await read(page, READING_MS);

    const ex = page.locator(`section[data-exercise="${j.id}"]`);
    // the replay and the checks stream as they come (one NDJSON line each), not one long
    // « Vérification… ». Read from the stream, not the page: a grading resumed from a checkpoint
    // may end before the browser paints the progress (its rendering is tested in
    // app/components/exercise/grading-progress.test.tsx). Chromium keeps no body of a streamed
    // fetch, so the test relays the reply and keeps a copy.
    let streamed = "";
    await page.route("**/api/submissions", async (route) => {
      const reply = await route.fetch({ timeout: 120_000 });
      streamed = await reply.text();
      await route.fulfill({ response: reply, body: streamed });
    });
    await ex.getByRole("button", { name: "Vérifier mon lab" }).click();
    const score = ex.getByTestId("score");
    await expect(score).toContainText("Résultat", { timeout: 120_000 });
    if (j.live) {
      const lines = streamed
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; done?: number; total?: number });
      const replay = lines.filter((m) => m.type === "replay");
      const last = replay.at(-1);
      expect(replay.length).toBeGreaterThan(0);
      expect(last?.done).toBe(last?.total);
      expect(replay.every((m, i) => i === 0 || (m.done ?? 0) >= (replay[i - 1]?.done ?? 0))).toBe(true);
      expect(lines.findIndex((m) => m.type === "check")).toBeGreaterThan(
        lines.lastIndexOf(last as (typeof lines)[number]),
      );
      expect(lines.at(-1)?.type).toBe("done");
    }
    const [, got, max] = /(\d+(?:,\d+)?) \/ (\d+(?:,\d+)?)/.exec((await score.textContent()) ?? "") ?? [];
    const failed = await ex.locator('[data-passed="false"]').allTextContents();
    expect({ got, failed }).toEqual({ got: max, failed: [] });
    await page.screenshot({ path: test.info().outputPath(`${j.id}-graded.png`), fullPage: false });
  });
}
