/**
 * The `toolbox` subsystem: the workshop's /scripts (a bind mount of the host's
 * ~/drbd-workshop/scripts in docker-compose.yaml), plus the two commands they need that a
 * bare container lacks here: `logger`, `sysctl` and the lab's own `labctl`.
 */
import { wallClockMs } from "../core/time";
import { WORKSHOP_DIR } from "../host/workshop-tree";
import type { LabFs } from "../shell/lab-fs";
import type { CommandSpec, LabNode, Subsystem, World } from "../world/types";
import { SCRIPT_FILES } from "./generated";
import { labctlCommand } from "./labctl";
import { loggerCommand } from "./logger";
import { SysctlTable, sysctlCommand } from "./sysctl";

export { SCRIPT_FILES } from "./generated";
export { liveInputs } from "./labctl";

/** Write the scripts into `dir` of a filesystem (executable, like the repository's files). */
function install(fs: LabFs, dir: string, atMs: number): void {
  const mtime = new Date(atMs);
  fs.root.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(SCRIPT_FILES)) {
    const path = `${dir}/${name}`;
    fs.root.writeFileSync(path, text, undefined, { mode: 0o755, mtime });
  }
}

export class ToolboxSubsystem implements Subsystem {
  readonly name = "toolbox";
  private world: World | null = null;
  /** Kernel parameters set with `sysctl` on each node (read by `labctl bench`). */
  readonly sysctl = new SysctlTable();

  attach(world: World): void {
    this.world = world;
    const at = wallClockMs(world.clock.now);
    const hostFs = (world as World & { hostFs?: LabFs }).hostFs;
    if (hostFs) install(hostFs, `${WORKSHOP_DIR}/scripts`, at);
    for (const node of world.nodes.values()) install(node.fs as LabFs, "/scripts", at);
  }

  /** A container re-created from the image (`docker-compose down` + `up`) mounts them again. */
  onBoot(node: LabNode): void {
    const w = this.world;
    if (!w) return;
    w.enqueue(node, "toolbox /scripts", async () => {
      for (const [name, text] of Object.entries(SCRIPT_FILES)) {
        const path = `/scripts/${name}`;
        if (await node.fs.exists(path)) continue;
        await node.fs.mkdir("/scripts", { recursive: true });
        await node.fs.writeFile(path, text);
        await node.fs.chmod(path, 0o755);
      }
    });
  }

  commands(): CommandSpec[] {
    return [labctlCommand, loggerCommand, sysctlCommand(this.sysctl)];
  }
}

export function toolboxSubsystem(): ToolboxSubsystem {
  return new ToolboxSubsystem();
}
