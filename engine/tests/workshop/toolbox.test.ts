/**
 * The /scripts toolbox: installed, readable and executable on every node, kept in sync with
 * engine/scripts/files, and strict about its arguments.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLab } from "../../lab";
import { FILES_DIR } from "../../scripts/build";
import { SCRIPT_FILES } from "../../scripts/generated";

const WORKSHOP_SCRIPTS = [
  "setup-drbd.sh",
  "drbd-init.sh",
  "drbd-status.sh",
  "drbd-role.sh",
  "change-protocol.sh",
  "benchmark.sh",
  "monitor.sh",
  "drbd-stats.sh",
  "simulate-latency.sh",
  "simulate-failure.sh",
  "simulate-splitbrain.sh",
  "resolve-splitbrain.sh",
  "failover.sh",
  "pg-failover.sh",
  "alert.sh",
  "notify-splitbrain.sh",
];

/** A wrong invocation of each script. */
const WRONG_ARGS: Record<string, string> = {
  "setup-drbd.sh": "--nope",
  "drbd-init.sh": "primary --forse",
  "drbd-status.sh": "r0",
  "drbd-role.sh": "master",
  "change-protocol.sh": "D",
  "benchmark.sh": "random",
  "monitor.sh": "watch --count x",
  "drbd-stats.sh": "all",
  "simulate-latency.sh": "fast",
  "simulate-failure.sh": "meteor",
  "simulate-splitbrain.sh": "now",
  "resolve-splitbrain.sh": "keep-both",
  "failover.sh": "--now",
  "pg-failover.sh": "node2",
  "alert.sh": "",
  "notify-splitbrain.sh": "",
};

describe("toolbox", () => {
  it("the generated module matches engine/scripts/files (run `npx tsx engine/scripts/build.ts`)", () => {
    const files = Object.fromEntries(
      readdirSync(FILES_DIR)
        .filter((n) => n.endsWith(".sh"))
        .map((n) => [n, readFileSync(join(FILES_DIR, n), "utf8")]),
    );
    expect(SCRIPT_FILES).toEqual(files);
  });

  it("ships exactly the sixteen scripts the workshop names", () => {
    expect(Object.keys(SCRIPT_FILES).sort()).toEqual([...WORKSHOP_SCRIPTS].sort());
    for (const [name, text] of Object.entries(SCRIPT_FILES)) {
      expect(text.startsWith("#!/bin/bash\n"), name).toBe(true);
      expect(text, name).toMatch(/Usage: /);
    }
  });

  it("installs them on every node and on the host, executable and readable", async () => {
    const lab = await createLab({ scenario: "running" });
    for (const node of ["node1", "node2"]) {
      const ls = await lab.exec(node, "ls -l /scripts");
      for (const s of WORKSHOP_SCRIPTS)
        expect(ls.stdout).toMatch(new RegExp(`-rwxr-xr-x 1 root root +\\d+ .* ${s.replace(".", "\\.")}\\n`));
      expect((await lab.exec(node, "cat /scripts/failover.sh")).stdout).toBe(SCRIPT_FILES["failover.sh"]);
    }
    expect((await lab.exec("host", "ls ~/drbd-workshop/scripts | wc -l")).stdout.trim()).toBe("16");
  });

  it("comes back when a container is re-created from the image", async () => {
    const lab = await createLab({ scenario: "running" });
    await lab.exec("host", "cd ~/drbd-workshop && docker-compose down && docker-compose up -d");
    expect((await lab.exec("node1", "ls /scripts | wc -l")).stdout.trim()).toBe("16");
    expect((await lab.exec("node1", "/scripts/drbd-init.sh create-md")).exitCode).toBe(0);
  });

  it("rejects wrong arguments with a usage line and a non-zero exit", async () => {
    const lab = await createLab({ scenario: "running" });
    for (const s of WORKSHOP_SCRIPTS) {
      const r = await lab.exec("node1", `/scripts/${s} ${WRONG_ARGS[s]}`);
      expect(r.exitCode, s).not.toBe(0);
      expect(r.stderr, s).toMatch(/^Usage: /m);
    }
  });

  it("drbd-init.sh echoes and runs the real drbdadm commands", async () => {
    const lab = await createLab({ scenario: "running" });
    const r = await lab.exec("node1", "/scripts/drbd-init.sh create-md && /scripts/drbd-init.sh start");
    expect(r.stdout).toMatch(/^>>> drbdadm create-md r0\n[\s\S]*>>> drbdadm up r0\n/);
    expect((await lab.exec("node1", "drbdadm status r0")).stdout).toContain("node2 connection:Connecting");
  });

  it("drbd-status.sh says what drbdadm says when the resource is down", async () => {
    const lab = await createLab({ scenario: "running" });
    const r = await lab.exec("node1", "/scripts/drbd-status.sh");
    expect(r.exitCode).toBe(10);
    expect(r.stderr).toContain("r0: No such resource");
  });
});
