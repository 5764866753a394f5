import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { R0_RES } from "../engine/drbd/config/index";

const TSX = join(process.cwd(), "node_modules", ".bin", "tsx");
const dir = mkdtempSync(join(tmpdir(), "grade-cli-"));

function run(...args: string[]) {
  // bounded: a process that never exits (a PostgreSQL instance left open) fails the test
  const r = spawnSync(TSX, ["graders/cli.ts", ...args], { encoding: "utf8", timeout: 170_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("grade CLI", () => {
  it("grades a config file: JSON result, exit 0 even without full marks", () => {
    const r = run("ex1.2", file("r0.res", R0_RES));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ exercise: "ex1.2", score: 1, max: 9, valid: true });
    expect(j.checks.map((c: { id: string }) => c.id)).toEqual([
      "ex1.2.port",
      "ex1.2.rate",
      "ex1.2.preserved",
      "ex1.2.applied",
    ]);
    expect(Object.keys(j.checks[0]).sort()).toEqual(["id", "message", "passed", "points"]);
  });

  it("grades JSON answers and reports needsReview", () => {
    const r = run(
      "ex1.1",
      file("a.json", JSON.stringify({ answers: { "q1.choice": "a", "q1.text": "Il est secondaire." } })),
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.score).toBe(3.5);
    expect(j.needsReview).toBe(true);
  });

  it("exits 2 on invalid input, with the diagnostics", () => {
    const r = run("ex1.2", file("bad.res", R0_RES.replace("protocol C;", "protocol C")));
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out);
    expect(j.valid).toBe(false);
    expect(j.diagnostics[0].line).toBe(3);
  });

  it("prints the expected shape with --example", () => {
    const r = run("ex2.1", "--example");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j.submission.answers.protocols)).toEqual(["finance", "logs", "virtualisation", "interdc"]);
  });

  it("grades a lab script by replaying it in the engine", () => {
    const r = run("tp1", "content/solutions/tp1.lab");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ exercise: "tp1", score: 10, max: 10, valid: true });
    const bad = run("tp1", file("bad.lab", "node9$ drbdadm up r0\n"));
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.out).diagnostics[0]).toMatchObject({ file: "solution.lab", line: 1 });
  });

  it("grades TP4 by replaying PostgreSQL on the simulated cluster, then exits", () => {
    const r = run("tp4", "content/solutions/tp4.lab");
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ exercise: "tp4", score: 10, max: 10, valid: true });
    expect(j.checks.find((c: { id: string }) => c.id === "tp4.data-intact").message).toMatch(/donne bien 1000/);
  }, 180_000);

  it("exits 1 on usage errors", () => {
    expect(run().code).toBe(1);
    expect(run("ex9.9", "x").code).toBe(1);
    expect(run("ex1.2").code).toBe(1);
    expect(run("ex1.2", join(dir, "missing.res")).code).toBe(1);
  });
});
