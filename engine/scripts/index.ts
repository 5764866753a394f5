/**
 * The `toolbox` subsystem: the workshop's /scripts (a bind mount of the host's
 * ~/drbd-workshop/scripts in docker-compose.yaml), plus the commands they need that this
 * lab's containers lack: `logger`, `sysctl` and the lab's own `labctl`.
 */
import { wallClockMs } from "../core/time";
import { WORKSHOP_DIR } from "../host/workshop-tree";
import { LabFs } from "../shell/lab-fs";
import type { CommandSpec, Subsystem, World } from "../world/types";
import { SCRIPT_FILES } from "./generated";
import { labctlCommand } from "./labctl";
import { loggerCommand } from "./logger";
import { SysctlTable, sysctlCommand } from "./sysctl";

export { SCRIPT_FILES } from "./generated";
export { liveInputs } from "./labctl";

/**
 * The host's ~/drbd-workshop/scripts, bind-mounted at /scripts in every container (compose:
 * `./scripts:/scripts`): one directory, so a script written on the host or on one node is
 * there on all of them, and it survives `docker-compose down`.
 */
function scriptsDir(world: World): LabFs {
  const fs = new LabFs(world.clock);
  const mtime = new Date(wallClockMs(world.clock.now));
  for (const [name, text] of Object.entries(SCRIPT_FILES))
    fs.root.writeFileSync(`/${name}`, text, undefined, { mode: 0o755, mtime });
  // InMemoryFs stamps its root with the real date: the directory is as old as its scripts
  void fs.root.utimes("/", mtime, mtime);
  return fs;
}

export class ToolboxSubsystem implements Subsystem {
  readonly name = "toolbox";
  /** Kernel parameters set with `sysctl` on each node (read by `labctl bench`). */
  readonly sysctl = new SysctlTable();

  attach(world: World): void {
    const shared = scriptsDir(world);
    const hostFs = (world as World & { hostFs?: LabFs }).hostFs;
    hostFs?.mount(`${WORKSHOP_DIR}/scripts`, shared);
    for (const node of world.nodes.values()) (node.fs as LabFs).mount("/scripts", shared);
  }

  commands(): CommandSpec[] {
    return [labctlCommand, loggerCommand, sysctlCommand(this.sysctl)];
  }
}

export function toolboxSubsystem(): ToolboxSubsystem {
  return new ToolboxSubsystem();
}
