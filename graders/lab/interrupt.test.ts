/**
 * Grading replays what the learner's lab did: a command stopped by Ctrl-C is stopped at the
 * same point in the grading replay, from the engine's events or from the stored rows
 * (lib/grading/lab-log.ts), and a replay that ran it to its end would see another lab.
 */
import { describe, expect, it } from "vitest";
import { createLab } from "../../engine/index";
import { eventsFromRows } from "../../lib/grading/lab-log";
import { prepareLab } from "./context";

const LOOP = "for i in 1 2 3 4 5; do echo $i >> /root/ticks; sleep 2; done";
const CPU = "n=0; while :; do n=$((n+1)); echo $n >> /root/count; done";

async function learnerLab() {
  const lab = await createLab({ scenario: "running", seed: 9 });
  // stopped live, one at a virtual offset (during a sleep), one in a pure CPU loop
  const a = await lab.exec("node1", LOOP, { interruptAfterUs: 3_000_000 });
  let polls = 0;
  const b = await lab.exec("node1", CPU, { interruptRequested: () => ++polls > 3000 });
  expect(a.exitCode).toBe(130);
  expect(b.exitCode).toBe(130);
  const count = (await lab.exec("node1", "cat /root/count")).stdout;
  return { events: lab.events().slice(0, 2), ticks: "1\n2\n", count };
}

async function graded(submission: unknown) {
  const r = await prepareLab("running", submission);
  if (!r.valid) throw new Error(r.reason);
  const ticks = await (await r.ctx.file("node1", "/root/ticks"))?.text();
  const count = await (await r.ctx.file("node1", "/root/count"))?.text();
  return { ticks, count, commands: r.ctx.commands };
}

describe("grading honours a recorded Ctrl-C", () => {
  it("from the engine's events and from the stored rows, and not when the stop point is dropped", async () => {
    const learner = await learnerLab();
    expect(learner.count.split("\n").length).toBeGreaterThan(10);
    const fromEvents = await graded({ scenario: "running", seed: 9, events: learner.events });
    expect(fromEvents.ticks).toBe(learner.ticks);
    expect(fromEvents.count).toBe(learner.count);
    expect(fromEvents.commands.map((c) => c.exitCode)).toEqual([130, 130]);

    // the rows the app stores, read back as lib/grading/lab-log.ts does
    const rows = learner.events.map((e) =>
      e.kind === "exec"
        ? {
            target: e.target,
            input: e.input,
            interruptedAtUs: e.interruptedAtUs ?? null,
            interruptedAtWork: e.interruptedAtWork ?? null,
          }
        : { target: "lab", input: "wait 0" },
    );
    const fromRows = await graded({ scenario: "running", seed: 9, events: eventsFromRows(rows) });
    expect(fromRows).toEqual(fromEvents);

    // without the stop points the loop of sleeps runs to its end (and the CPU loop to its budget)
    const bare = rows.map(({ target, input }) => ({ target, input }));
    const ignoring = await graded({ scenario: "running", seed: 9, events: eventsFromRows(bare) });
    expect(ignoring.ticks).toBe("1\n2\n3\n4\n5\n");
    expect(ignoring.count).not.toBe(learner.count);
    expect(ignoring.commands.map((c) => c.exitCode)).toEqual([0, 152]);
  }, 180_000);

  it("refuses a stop point that is not a count", async () => {
    const r = await prepareLab("running", {
      scenario: "running",
      seed: 9,
      events: [{ kind: "exec", target: "node1", input: LOOP, interruptedAtWork: -3 }],
    });
    expect(r.valid).toBe(false);
  });
});
