/**
 * Each TP typed as its chapter says, in the terminals it names, the way the browser does it
 * (issue 11): a node's commands go to the terminal the lab's tabs give that node (after
 * `docker exec -it drbd-node1 bash` in the host tab, the host terminal that entered it), a
 * here-document is one command of several lines, and the learner reads between blocks (virtual
 * time passes). The recorded log is then graded as the app grades it: full marks expected.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createLab } from "../../engine/lab";
import { getExercise } from "../../graders/exercises/index";
import { ensureGraderScenarios } from "../../graders/lab/scenarios";
import { grade } from "../../graders/run";
import type { AnyExercise } from "../../graders/types";
import { tabsOf } from "../../lib/labs/tabs";
import { bashBlocks, CONTENT_DIR } from "./blocks";

/** Reading time between two blocks of the chapter (virtual). */
const READING_MS = 20_000;
/** A command that runs until Ctrl-C (`monitor.sh watch`) is stopped after this (virtual). */
const CTRL_C_AFTER_US = 30_000_000;

beforeAll(() => {
  ensureGraderScenarios();
});

const TPS = [
  ["04-tp1.mdx", "tp1"],
  ["05-tp2.mdx", "tp2"],
  ["06-tp3.mdx", "tp3"],
  ["07-tp4.mdx", "tp4"],
  ["08-tp5.mdx", "tp5"],
] as const;

describe.each(TPS)("%s typed as written", (file, id) => {
  it(`gets full marks for ${id}`, async () => {
    const def = getExercise(id) as AnyExercise;
    const text = readFileSync(join(CONTENT_DIR, file), "utf8").split("\n");
    const gradedAt = text.findIndex((l) => l.includes(`<Exercise id="${id}"`)) + 1;
    const blocks = bashBlocks(file).filter((b) => b.line < gradedAt);
    const seed = 11;
    const lab = await createLab({ scenario: def.startScenario as string, seed });
    for (const block of blocks) {
      for (const command of block.commands) {
        const terminal = tabsOf(lab).find((t) => t.machine === block.target)?.terminal ?? block.target;
        await lab.exec(terminal, command, { interruptAfterUs: CTRL_C_AFTER_US });
      }
      await lab.advance(READING_MS);
    }
    const r = await grade(def, { scenario: def.startScenario, seed, events: lab.events() });
    expect(r.valid, r.invalidReason).toBe(true);
    expect(r.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    expect(r.score).toBe(def.points);
  }, 240_000);
});
