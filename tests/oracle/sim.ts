/**
 * Runs the simulator's drbdadm on the corpus: one three-node lab, the case's files written
 * into the node's /etc before its commands (dry runs, dumps and sh-* change no kernel state).
 */
import { makeKit } from "@/engine/drbd/testkit";
import type { OracleCase } from "./corpus";
import type { Run } from "./real";

export async function runSim(cases: OracleCase[], commands: string[][]): Promise<Run[][]> {
  const kit = await makeKit({ topology: "three-nodes" });
  const results: Run[][] = [];
  for (const [i, c] of cases.entries()) {
    const fs = kit.node(c.host).fs;
    await fs.rm("/etc/drbd.d", { recursive: true, force: true });
    await fs.mkdir("/etc/drbd.d", { recursive: true });
    await fs.writeFile("/etc/drbd.conf", c.files["/etc/drbd.conf"] ?? "");
    for (const [path, text] of Object.entries(c.files)) {
      if (path === "/etc/drbd.conf") continue;
      await fs.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await fs.writeFile(path, text);
    }
    const runs: Run[] = [];
    for (const cmd of commands[i] ?? []) {
      const r = await kit.sh(c.host, `drbdadm ${cmd}`);
      runs.push({ stdout: r.out, stderr: r.err, exit: r.code });
    }
    results.push(runs);
  }
  return results;
}
