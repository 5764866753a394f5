import { beforeAll, describe, expect, it } from "vitest";
import { createLab, parseLabScript, runLabScriptSteps } from "../../engine/index";
import { getExercise } from "../exercises/index";
import { grade } from "../run";
import type { AnyExercise } from "../types";
import { allowedStarts, type LabObserver, prepareLab, type ReplayStep } from "./context";
import { ensureGraderScenarios } from "./scenarios";
import { TP1_SYNC } from "./solutions";

beforeAll(() => {
  ensureGraderScenarios();
});

describe("lab submissions", () => {
  it("refuses a line that is not a command, with its line number, before running anything", async () => {
    const r = await prepareLab(
      "running",
      "# scenario: running\nnode1$ drbdadm status\ndrbdadm up r0 ??? \n\nplain text here\n",
    );
    // line 3 continues line 2's command (engine lab-script rule); line 5 starts nothing
    expect(r.valid).toBe(false);
    if (r.valid) return;
    expect(r.diagnostics).toEqual([
      {
        file: "solution.lab",
        line: 5,
        message: expect.stringMatching(/^Ligne de script invalide : expected "TARGET\$ COMMAND"/),
      },
    ]);
  });

  it("refuses a script written for another starting scenario", async () => {
    const r = await prepareLab("tp1.synced", "# scenario: three-nodes-running\nhost$ ls\n");
    expect(r.valid).toBe(false);
    if (!r.valid)
      expect(r.diagnostics[0]?.message).toMatch(/« three-nodes-running » ; l’exercice part de « tp1\.synced »/);
  });

  it("accepts a script that starts earlier and redoes the previous steps itself", () => {
    expect(allowedStarts("tp1.synced")).toEqual(["tp1.synced", "running", "fresh"]);
    expect(allowedStarts("tp1.done")).toEqual(["tp1.done", "fresh"]);
    expect(allowedStarts("three-nodes-running")).toEqual(["three-nodes-running"]);
  });

  it("refuses an unknown machine, naming the known ones", async () => {
    const r = await prepareLab("running", "node3$ drbdadm status\n");
    expect(r.valid).toBe(false);
    if (!r.valid)
      expect(r.diagnostics[0]).toMatchObject({
        line: 1,
        message: expect.stringMatching(/Machine inconnue : unknown target "node3"/),
      });
  });

  it("replays a recorded event log to the same cluster state as the script that produced it", async () => {
    const viaScript = await prepareLab("running", `# seed: 7\n${TP1_SYNC}`);
    expect(viaScript.valid).toBe(true);
    if (!viaScript.valid) return;
    const events = viaScript.ctx.lab.events();
    const viaEvents = await prepareLab("running", { scenario: "running", seed: 7, events });
    expect(viaEvents.valid).toBe(true);
    if (!viaEvents.valid) return;
    expect(viaEvents.ctx.drbd("node1")).toEqual(viaScript.ctx.drbd("node1"));
    expect(viaEvents.ctx.drbd("node1")?.role).toBe("Primary");
    expect(viaEvents.ctx.drbd("node2")?.connections[0]?.peerDevices[0]?.peerDisk).toBe("UpToDate");
  });

  it("lets an observer look after every step, the same for a script and for its event log", async () => {
    const recorder = (): LabObserver<(string | null)[]> => {
      const seen: (string | null)[] = [];
      return {
        step: (lab, st: ReplayStep | null) => {
          seen.push(st ? `${st.index} ${st.target} ${st.exitCode} ${st.stdout.trim()} @${lab.world.clock.now}` : null);
        },
        result: () => seen,
      };
    };
    const script = await prepareLab("running", "node1$ hostname\nwait 2s\nnode2$ false\n", recorder());
    expect(script.valid).toBe(true);
    if (!script.valid) return;
    const [first, ...steps] = script.ctx.observed;
    expect(first).toBeNull();
    expect(steps.map((s) => s?.replace(/ @\d+$/, ""))).toEqual(["0 node1 0 node1", "1 lab 0 ", "2 node2 1 "]);
    const events = script.ctx.lab.events();
    const replayed = await prepareLab("running", { scenario: "running", seed: 1, events }, recorder());
    expect(replayed.valid && replayed.ctx.observed).toEqual(script.ctx.observed);
  });

  it("refuses an event log from another scenario or of the wrong shape", async () => {
    expect((await prepareLab("running", { scenario: "two-sites-running", seed: 1, events: [] })).valid).toBe(false);
    expect((await prepareLab("running", { scenario: "running", events: "x" })).valid).toBe(false);
  });

  it("reads files through the node's mounts and the kernel log without running commands", async () => {
    const r = await prepareLab("running", "node1$ echo bonjour > /root/a.txt\n");
    expect(r.valid).toBe(true);
    if (!r.valid) return;
    const before = r.ctx.lab.events().length;
    expect((await r.ctx.file("node1", "/root/a.txt"))?.size).toBe(8);
    expect(await r.ctx.file("node1", "/root/none")).toBeNull();
    expect(await r.ctx.file("node1", "/root")).toBeNull();
    expect(r.ctx.lab.events().length).toBe(before);
  });

  it("resolves the node's DRBD configuration as drbdadm would", async () => {
    const r = await prepareLab("running", "node1$ sed -i 's/7788/7799/' /etc/drbd.d/r0.res\n");
    expect(r.valid).toBe(true);
    if (!r.valid) return;
    expect((await r.ctx.config("node1"))?.me.address?.port).toBe("7799");
    expect((await r.ctx.config("node2"))?.me.address?.port).toBe("7788");
  });
});

describe("ex3.1 script harness", () => {
  const ex31 = () => getExercise("ex3.1") as AnyExercise;

  it("refuses an empty script without running a lab", async () => {
    const r = await grade(ex31(), "  \n");
    expect(r.valid).toBe(false);
  });

  it("refuses a script containing the harness delimiter", async () => {
    const r = await grade(ex31(), "echo a\nEOF_LEARNER_SCRIPT\necho b\n");
    expect(r.valid).toBe(false);
  });

  it("reports a script that does nothing, check by check", async () => {
    const r = await grade(ex31(), "#!/bin/bash\nexit 0\n");
    expect(r.valid).toBe(true);
    expect(r.checks.map((c) => [c.id, c.passed])).toEqual([
      ["ex3.1.promotes", false],
      ["ex3.1.grace", false],
      ["ex3.1.notifies", false],
      ["ex3.1.no-false-alarm", true],
    ]);
    expect(r.checks[0]?.message).toMatch(/node2 est Secondary, disque UpToDate/);
    expect(r.checks[1]?.message).toMatch(/node2 n’a jamais été promu/);
  });

  it("sees a promotion that waits far too long", async () => {
    const late =
      "#!/bin/bash\nwhile drbdadm cstate r0 | grep -q '^Connected$'; do sleep 5 || break; done\nsleep 150\ndrbdadm primary r0\necho ok >> /var/log/drbd-failover.log\n";
    const r = await grade(ex31(), late);
    const g = r.checks.find((c) => c.id === "ex3.1.grace");
    expect(g?.passed).toBe(false);
    expect(g?.message).toMatch(/après le crash/);
  });
});

it("runs lab scripts through the same engine door as `npm run lab`", async () => {
  const lab = await createLab({ scenario: "running" });
  const out = await runLabScriptSteps(lab, parseLabScript("node1$ hostname\n").steps);
  expect(out).toBe("node1$ hostname\nnode1\n");
});
