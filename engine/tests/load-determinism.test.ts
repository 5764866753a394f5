/**
 * A heavy lab gives the same transcript, byte for byte, however busy the machine is: nothing in
 * the engine looks at real time (no wall-clock deadline), budgets and Ctrl-C are counted in
 * work. TP5's reference solution plus CPU-heavy loops run twice while a child process spins.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLab } from "../lab";
import { parseLabScript, runLabScriptSteps } from "../lab-script";

const TP5 = readFileSync(join(__dirname, "..", "..", "content", "solutions", "tp5.lab"), "utf8");
const HEAVY = `${TP5}
node1$ for i in $(seq 1 10000); do for j in $(seq 1 100); do :; done; done; echo never
node2$ n=0; while [ $n -lt 1000 ]; do n=$((n+1)); echo "line $n"; done | tail -2
node1$ f() { [ $1 -le 0 ] && return; f $(($1 - 1)); echo $1; }; f 50 | wc -l
`;

async function heavyRun(): Promise<{ transcript: string; state: unknown }> {
  const parsed = parseLabScript(HEAVY);
  expect(parsed.errors).toEqual([]);
  const lab = await createLab({ scenario: parsed.scenario ?? "fresh", seed: 5 });
  let transcript = await runLabScriptSteps(lab, parsed.steps);
  // a Ctrl-C in a CPU loop, at a recorded point
  const r = await lab.exec("node1", "n=0; while :; do n=$((n+1)); echo $n; done", { interruptAtWork: 5000 });
  transcript += r.shown;
  return { transcript, state: lab.state() };
}

describe("a heavy lab on a busy machine", () => {
  let burner: ChildProcess;
  beforeAll(() => {
    burner = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
  });
  afterAll(() => {
    burner.kill();
  });

  it("gives the same transcript and state twice while a CPU burner runs", async () => {
    const a = await heavyRun();
    const b = await heavyRun();
    expect(a.transcript).toContain("CPU time limit exceeded\n");
    expect(a.transcript).toContain("line 1000\n");
    expect(a.transcript.endsWith("^C\n")).toBe(true);
    expect(a.transcript).not.toMatch(/__lab|executionLimits|execution deadline/);
    expect(b.transcript).toBe(a.transcript);
    expect(b.state).toEqual(a.state);
  }, 900_000);
});
