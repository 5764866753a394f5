/**
 * `drbdadm help` against the real one: the general options and the command list come from
 * drbdadm_main.c's tables (general_admopt, the adm_cmd list with show_in_usage = 1), which the
 * simulator's command table (engine/drbd/commands/adm-cmds.ts) follows. Only the version lines
 * differ (the lab's drbdadm is 9.28, the oracle Debian's 9.22). Skipped without drbdadm.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createLab } from "../../engine/lab";
import { findDrbdadm } from "./real";

const bin = findDrbdadm();
const withoutVersion = (s: string) => s.replace(/\nVersion: .*\nGIT-hash: .*\n/, "\n");

describe.skipIf(!bin)("drbdadm help: simulator vs real drbdadm", () => {
  it("prints the same usage, options and commands, and exits 1", async () => {
    const real = spawnSync(bin as string, ["help"], { encoding: "utf8" });
    const lab = await createLab({ scenario: "running", seed: 1 });
    const sim = await lab.exec("node1", "drbdadm help");
    expect(sim.exitCode).toBe(real.status);
    expect(withoutVersion(sim.stdout)).toBe(withoutVersion(real.stdout));
    expect(sim.stdout).toMatch(/\nVersion: 9\.28\.0 \(api:2\)\nGIT-hash: \S+ reproducible build, /);
  });
});
