/**
 * Lines are bounded by work, never by real time: a CPU loop is killed by its work budget at
 * the same point every time, with what bash prints for a job over its CPU time limit; a
 * Ctrl-C reaches a pure CPU loop at once (the caller's yieldNow lets it arrive) and a replay
 * stops the loop at the same point; the workshop's long commands run to their end, however
 * much virtual time they take.
 */
import { describe, expect, it } from "vitest";
import { type Lab, replayLab } from "../lab";
import { LINE_WORK_BUDGET } from "../shell/line-control";
import { lab, labWithR0, out } from "./helpers";

const CPU_LOOP = "for i in $(seq 1 10000); do for j in $(seq 1 100); do :; done; done; echo never";
const COUNTING_LOOP = "n=0; while :; do n=$((n+1)); echo $n; done";
const INTERNAL = /__lab|executionLimits|execution deadline|too many|work limit/;
const setImmediateYield = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("work budget", () => {
  it("kills a CPU loop at the same point every time, as bash shows a job over its CPU limit", async () => {
    const a = await lab();
    await out(a, "node1", "cd /etc; X=kept");
    const first = await a.exec("node1", CPU_LOOP);
    expect(first).toMatchObject({ exitCode: 152, stdout: "", stderr: "CPU time limit exceeded\n", overBudget: true });
    expect(first.work).toBe(LINE_WORK_BUDGET + 1);
    expect(first.shown).not.toMatch(INTERNAL);
    // a loop that prints stops at the same number, with or without a caller that yields
    const printed = await a.exec("node1", COUNTING_LOOP);
    let yields = 0;
    const b = await lab();
    await out(b, "node1", "cd /etc; X=kept");
    await b.exec("node1", CPU_LOOP);
    const again = await b.exec("node1", COUNTING_LOOP, {
      yieldNow: async () => {
        yields++;
        await setImmediateYield();
      },
    });
    expect(printed.exitCode).toBe(152);
    expect(printed.stdout.length).toBeGreaterThan(100);
    expect(again.stdout).toBe(printed.stdout);
    expect(again.shown).toBe(printed.shown);
    expect(again.work).toBe(printed.work);
    expect(yields).toBeGreaterThan(LINE_WORK_BUDGET / 64 / 2);
    expect(b.events()).toEqual(a.events());
    // the terminal is usable, as it was
    expect(await out(a, "node1", "pwd; echo $X")).toBe("/etc\nkept\n");
  }, 180_000);

  it("lets virtual time pass freely: no stop after ten virtual minutes", async () => {
    const l = await lab();
    const r = await l.exec("node1", "sleep 3600; for i in 1 2 3; do sleep 300; done; echo done");
    expect(r).toMatchObject({ exitCode: 0, stdout: "done\n", stderr: "" });
    expect(r.durationMs).toBeGreaterThanOrEqual(4500_000);
    // a dashboard refreshed every 400 s
    const l2 = await labWithR0(2);
    const m = await l2.exec("node1", "/scripts/monitor.sh watch --count 2 --interval 400");
    expect(m.exitCode).toBe(0);
    expect(m.stderr).toBe("");
    expect(m.durationMs).toBeGreaterThan(400_000);
  }, 120_000);
});

describe("the work checkpoints in loops and functions", () => {
  it("leave $?, set -e, $_ and set -x traces as bash has them", async () => {
    const l = await lab();
    expect(await out(l, "node1", 'false; for i in 1 2; do echo "s=$?"; done')).toBe("s=1\ns=0\n");
    expect(await out(l, "node1", "set -e; false && true; for i in 1; do echo in; done; echo ok")).toBe("in\nok\n");
    expect(
      await out(l, "node1", 'f() { echo "$?"; }; false; f; x=2; while [ $x -gt 0 ]; do x=$((x-1)); done; echo $x'),
    ).toBe("1\n0\n");
    expect(await out(l, "node1", "echo one two; for i in 1; do echo $_; done")).toBe("one two\ntwo\n");
    const traced = await l.exec("node1", "set -x; f() { echo b; }; f; for i in 1; do :; done; set +x");
    expect(traced.shown).not.toMatch(INTERNAL);
    expect(traced.stderr).toContain("+ echo b\n");
    expect(traced.stderr).toContain("+ :\n");
  });
});

describe("Ctrl-C of a CPU loop", () => {
  it("reaches the loop at once while it runs, and a replay stops it at the same point", async () => {
    const l = await lab("running", 4);
    await out(l, "node1", "cd /tmp");
    let asked = false;
    // a Ctrl-C typed 50 ms (real time) after the loop started: only a loop that yields sees it
    const timer = setTimeout(() => {
      asked = true;
    }, 50);
    const live = await l.exec("node1", COUNTING_LOOP, {
      interruptRequested: () => asked,
      yieldNow: setImmediateYield,
    });
    clearTimeout(timer);
    expect(live.exitCode).toBe(130);
    expect(live.stderr.endsWith("^C\n")).toBe(true);
    expect(live.shown).not.toMatch(INTERNAL);
    expect(live.interruptedAtWork).toBeGreaterThan(0);
    expect(live.interruptedAtWork).toBeLessThan(LINE_WORK_BUDGET);
    await out(l, "node1", "echo after > /tmp/after");
    const events = l.events();
    expect(events.at(-2)).toMatchObject({ input: COUNTING_LOOP, interruptedAtWork: live.interruptedAtWork });

    const shown: string[] = [];
    const again = await replayLab({
      scenario: "running",
      seed: 4,
      events,
      observer: { step: (_lab, s) => void (s?.kind === "exec" && shown.push(s.shown)) },
    });
    expect(again.events()).toEqual(events);
    expect(again.state()).toEqual(l.state());
    expect(shown[1]).toBe(live.shown);
  }, 120_000);

  it("stops a loop in a node reached by docker exec from the host", async () => {
    const l = await labWithR0(5);
    let polls = 0;
    const r = await l.exec("host", "docker exec drbd-node1 sh -c 'while :; do :; done'", {
      interruptRequested: () => ++polls > 500,
    });
    expect(r.exitCode).toBe(130);
    expect(r.stderr.endsWith("^C\n")).toBe(true);
    expect(r.interruptedAtWork).toBeLessThan(1000);
    expect(await out(l, "node1", "echo ok")).toBe("ok\n");
  }, 60_000);
});

/** TP5's long commands, engine-level: they end by themselves, and leave the lab as they say. */
describe("the workshop's long commands run to their end", () => {
  let l: Lab;
  it("simulate-failure.sh network 30s restores the link (no DROP rule left)", async () => {
    l = await labWithR0(6);
    await l.advance(40_000);
    await out(l, "node1", "mkfs.ext4 -q /dev/drbd0 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd");
    const r = await l.exec("node1", "/scripts/simulate-failure.sh network 30s");
    expect(r.exitCode).toBe(0);
    expect(r.durationMs).toBeGreaterThan(30_000);
    expect(await out(l, "node1", "iptables -S")).not.toMatch(/DROP/);
  }, 120_000);

  it("benchmark.sh write under 50 ms of netem latency", async () => {
    await out(l, "node1", "/scripts/simulate-latency.sh 50ms");
    const r = await l.exec("node1", "/scripts/benchmark.sh write");
    expect(r.exitCode).toBe(0);
    expect(r.stderr).not.toMatch(/CPU time limit|\^C/);
    expect(r.stdout).toMatch(/MB\/s|MiB\/s|Mo\/s/);
  }, 120_000);
});
