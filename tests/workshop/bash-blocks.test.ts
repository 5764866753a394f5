/**
 * Every ```bash block of the course, in chapter order, typed in one lab that continues from
 * chapter to chapter like the workshop does: no command may be missing (exit 127,
 * "command not found"), and in the TP chapters every command must succeed unless it is
 * listed below with the reason the workshop's own flow makes it fail.
 */
import { describe, expect, it } from "vitest";
import { createLab, type Lab } from "../../engine/lab";
import { type BashBlock, bashBlocks, chapterFiles, commandLines } from "./blocks";

/** Virtual seconds after which the harness presses Ctrl-C (`monitor.sh watch` runs until then). */
const CTRL_C_AFTER_S = 60;

/** Commands that fail in the workshop's flow, by chapter and command, with why. */
const EXPECTED_FAILURES: Record<string, string> = {
  "07-tp4.mdx|pgbench -i -s 10 testdb":
    "exercise 4.2 runs on node1, but the last step (pg-failover.sh on node2) stopped PostgreSQL: no server to connect to",
  "07-tp4.mdx|pgbench -c 10 -j 2 -T 60 testdb": "same: no PostgreSQL server running on node1",
  "08-tp5.mdx|/scripts/monitor.sh watch": "runs until Ctrl-C: the harness interrupts it (exit 130)",
  "08-tp5.mdx|/scripts/simulate-failure.sh disk-full":
    "after TP4's pg-failover.sh no node is Primary and /mnt/drbd is mounted nowhere: there is no filesystem to fill (the script says so)",
};

/** Chapters that are a reference list rather than a flow: only missing commands count. */
const REFERENCE_CHAPTERS = new Set(["10-annexes.mdx"]);

interface Outcome {
  block: BashBlock;
  command: string;
  key: string;
  exitCode: number;
  stderr: string;
}

async function runBlocks(lab: Lab, blocks: BashBlock[]): Promise<Outcome[]> {
  const seen = new Map<string, number>();
  const out: Outcome[] = [];
  for (const block of blocks) {
    for (const command of block.commands) {
      const base = `${block.chapter}|${command}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      const ctrlC = new AbortController();
      const timer = lab.world.clock.schedule(CTRL_C_AFTER_S * 1_000_000, "harness ctrl-c", () => ctrlC.abort());
      const r = await lab.exec(block.target, command, { signal: ctrlC.signal });
      lab.world.clock.cancel(timer);
      // `docker exec -it` from the host opens a node shell; the node blocks use their own terminals
      if (block.target === "host" && r.session.machine !== "host") await lab.exec("host", "exit");
      out.push({ block, command, key: n > 1 ? `${base}#${n}` : base, exitCode: r.exitCode, stderr: r.stderr });
    }
  }
  return out;
}

function problems(outcomes: Outcome[]): string[] {
  const bad: string[] = [];
  for (const o of outcomes) {
    const where = `${o.block.chapter}:${o.block.line} [${o.block.target}] ${o.command.split("\n")[0]}`;
    if (o.exitCode === 127 || /command not found/.test(o.stderr))
      bad.push(`${where}: command not found: ${o.stderr.trim()}`);
    else if (REFERENCE_CHAPTERS.has(o.block.chapter)) continue;
    else if (o.exitCode !== 0 && !(o.key in EXPECTED_FAILURES))
      bad.push(`${where}: exit ${o.exitCode}: ${o.stderr.trim()}`);
    else if (o.exitCode === 0 && o.key in EXPECTED_FAILURES) bad.push(`${where}: listed as failing but succeeded`);
  }
  return bad;
}

describe("the course's bash blocks", () => {
  it("splits blocks into typed lines, keeping here-documents with their command", () => {
    expect(
      commandLines(["# comment", "", "cat >> f << EOF", "a = 1", "# not a comment here", "EOF", "ls  # trailing"]),
    ).toEqual(["cat >> f << EOF\na = 1\n# not a comment here\nEOF", "ls  # trailing"]);
  });

  it("reports a missing command and an unexpected failure", async () => {
    const lab = await createLab({ scenario: "running" });
    const block: BashBlock = {
      chapter: "04-tp1.mdx",
      line: 1,
      target: "node1",
      commands: ["drbdadmm status", "false", "true"],
    };
    const p = problems(await runBlocks(lab, [block]));
    expect(p).toHaveLength(2);
    expect(p[0]).toContain("command not found");
    expect(p[1]).toContain("false: exit 1");
  });

  it("runs every block of every chapter without a missing command", async () => {
    const lab = await createLab({ scenario: "fresh" });
    const chapters = chapterFiles();
    const blocks = chapters.flatMap(bashBlocks);
    expect(blocks.length).toBeGreaterThan(30);
    const outcomes = await runBlocks(lab, blocks);
    expect(problems(outcomes)).toEqual([]);
    // every listed failure is one the walk met
    const keys = new Set(outcomes.map((o) => o.key));
    for (const k of Object.keys(EXPECTED_FAILURES)) expect(keys.has(k), k).toBe(true);
  }, 300_000);
});
