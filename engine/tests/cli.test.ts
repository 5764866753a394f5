/** The headless door: `npm run lab -- FILE` prints a byte-identical transcript, --json the state. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

function lab(args: string[]) {
  return spawnSync(tsx, [join(root, "engine", "cli.ts"), ...args], { encoding: "utf8", cwd: root });
}

describe("lab CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "lab-cli-"));
  const good = join(dir, "good.lab");
  writeFileSync(good, "# scenario: running\nnode1$ hostname; echo $RANDOM\nwait 5s\nnode2$ date +%T\n");

  it("prints the same transcript twice, and another one for another seed", () => {
    const a = lab([good]);
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/^node1\$ hostname; echo \$RANDOM\nnode1\n\d+\nwait 5s\nnode2\$ date \+%T\n14:30:0\d\n$/);
    expect(lab([good]).stdout).toBe(a.stdout);
    expect(lab([good, "--seed", "2"]).stdout).not.toBe(a.stdout);
  }, 60_000);

  it("--json appends lab.state()", () => {
    const r = execFileSync(tsx, [join(root, "engine", "cli.ts"), good, "--json"], { encoding: "utf8", cwd: root });
    const json = JSON.parse(r.slice(r.indexOf("\n{") + 1));
    expect(json).toMatchObject({
      scenario: "running",
      seed: 1,
      topology: "two-nodes",
      nodes: { node1: { state: "running", ip: "172.28.0.11" } },
    });
  }, 60_000);

  it("replays a lab's event log (JSON), stopping a command where a Ctrl-C stopped it", async () => {
    const { createLab } = await import("../lab");
    const l = await createLab({ scenario: "running", seed: 3 });
    const live = await l.exec("node1", "for i in 1 2 3 4 5; do echo tick $i; sleep 2; done", {
      interruptAfterUs: 3_000_000,
    });
    await l.advance(1000);
    const log = join(dir, "log.json");
    writeFileSync(log, JSON.stringify({ scenario: "running", seed: 3, events: l.events() }));
    const r = lab([log]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `node1$ for i in 1 2 3 4 5; do echo tick $i; sleep 2; done\n${live.stdout}${live.stderr}wait 1000ms\n`,
    );
    expect(live.stdout).toBe("tick 1\ntick 2\n");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ scenario: "running", seed: 3, events: [{ kind: "exec", target: "node1" }] }));
    expect(lab([bad])).toMatchObject({ status: 2, stderr: expect.stringMatching(/event 0: expected an exec/) });
  }, 60_000);

  it("exits 2 on an invalid file, naming the line", () => {
    const bad = join(dir, "bad.lab");
    writeFileSync(bad, "node7$ hostname\n\nthis is not a command line\n");
    const r = lab([bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}:line 3: expected "TARGET$ COMMAND"`);
    expect(r.stderr).toContain(`${bad}:line 1: unknown target "node7"`);
    expect(r.stdout).toBe("");
  }, 60_000);
});
