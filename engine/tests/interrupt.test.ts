/**
 * Ctrl-C of a running line, deterministically: at a virtual offset (a replay) or at the first
 * checkpoint after a live request, whose offset is logged; the replay stops at the same point
 * and gives the same output and state. Pacing waits only once the line has printed.
 */
import { describe, expect, it } from "vitest";
import { type Lab, replayLab } from "../lab";
import { labWithR0 } from "./helpers";

const S = 1_000_000;

const setUp = (): Promise<Lab> => labWithR0(3);

describe("Ctrl-C of a running line", () => {
  it("stops a loop at the given virtual offset with ^C and exit 130, keeping what it printed", async () => {
    const lab = await setUp();
    const t0 = lab.world.clock.now;
    const r = await lab.exec("node1", "for i in 1 2 3 4 5; do echo tick $i; sleep 2; done; echo end", {
      interruptAfterUs: 3 * S,
    });
    expect(r).toMatchObject({ stdout: "tick 1\ntick 2\n", stderr: "^C\n", exitCode: 130, interruptedAtUs: 3 * S });
    expect(lab.world.clock.now - t0).toBeLessThan(3.1 * S);
    // without it the loop runs to its end
    const whole = await lab.exec("node1", "for i in 1 2 3 4 5; do echo tick $i; sleep 2; done; echo end");
    expect(whole.stdout).toBe("tick 1\ntick 2\ntick 3\ntick 4\ntick 5\nend\n");
    expect(whole.interruptedAtUs).toBeUndefined();
  });

  it("stops the whole line, not just the sleep (nothing after it runs)", async () => {
    const lab = await setUp();
    const r = await lab.exec("node1", "sleep 30 || echo failed; echo after", { interruptAfterUs: 5 * S });
    expect(r).toMatchObject({ stdout: "", stderr: "^C\n", exitCode: 130, interruptedAtUs: 5 * S });
    expect(r.durationMs).toBeLessThan(5100);
  });

  it("stops a line run on a node by docker exec from the host", async () => {
    const lab = await setUp();
    const r = await lab.exec("host", "docker exec drbd-node1 sh -c 'while :; do sleep 1; done'", {
      interruptAfterUs: 2 * S,
    });
    expect(r.exitCode).toBe(130);
    expect(r.stderr.endsWith("^C\n")).toBe(true);
    expect(r.durationMs).toBeLessThan(2100);
    // the node's shell is usable again
    expect((await lab.exec("node1", "sleep 1; echo ok")).stdout).toBe("ok\n");
  });

  it("stops a live line at the checkpoint after the request, logs the offset, and a replay matches", async () => {
    const lab = await setUp();
    await lab.exec("node1", "echo before");
    let chunks = 0;
    const paced: number[] = [];
    let asked = false;
    const live = await lab.exec("node1", "/scripts/monitor.sh watch", {
      onOutput: (c) => {
        if (c.text.startsWith("\x1b[H")) chunks++;
        if (chunks === 3) asked = true;
      },
      pace: async (us) => {
        paced.push(us);
      },
      interruptRequested: () => asked,
    });
    expect(live.exitCode).toBe(130);
    expect(live.interruptedAtUs).toBe(4 * S);
    // the request is seen at the first work checkpoint after it, before the next pacing wait
    expect(paced).toEqual([0, 1 * S, 2 * S, 3 * S]);
    expect(live.interruptedAtWork).toBeGreaterThan(0);
    expect(live.shown.split("\x1b[H\x1b[2J")).toHaveLength(4);
    expect(live.shown.endsWith("^C\n")).toBe(true);
    await lab.exec("node1", "date +%s");
    const events = lab.events();
    expect(events.at(-2)).toMatchObject({ input: "/scripts/monitor.sh watch", interruptedAtUs: 4 * S });
    const again = await replayLab({ scenario: "running", seed: 3, events });
    expect(again.events()).toEqual(events);
    expect(again.state()).toEqual(lab.state());
    // a replay that stopped it at another point would show another dashboard
    const wrong = await replayLab({
      scenario: "running",
      seed: 3,
      events: events.map((e) =>
        e.kind === "exec" && e.interruptedAtWork !== undefined
          ? { ...e, interruptedAtWork: e.interruptedAtWork + 3000 }
          : e,
      ),
    });
    expect(wrong.events().at(-2)?.outputDigest).not.toBe(events.at(-2)?.outputDigest);
  }, 60_000);

  it("paces only once the line has printed: `sleep 30` alone is not paced", async () => {
    const lab = await setUp();
    const paced: number[] = [];
    await lab.exec("node1", "sleep 30", { pace: async (us) => void paced.push(us) });
    expect(paced).toEqual([]);
    await lab.exec("node1", "echo go; sleep 2", { pace: async (us) => void paced.push(us) });
    expect(paced).toEqual([0, 1 * S]);
  });
});
