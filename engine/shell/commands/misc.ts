/** Small commands a learner reaches for in a container: watch, systemctl, service. */

import { shellQuote } from "../../host/format";
import type { CommandSpec } from "../../world/types";
import { parseSleep, strftime } from "./time";
import { fail, labWorld } from "./util";

/**
 * `watch [-n SECS] CMD`: a lab terminal has no live screen, so watch draws one screen (its
 * header and CMD's output) and returns as if the learner had pressed Ctrl-C after it.
 */
export const watchCommand: CommandSpec = {
  name: "watch",
  where: "both",
  async run(ctx) {
    let interval = 2;
    const args = [...ctx.args];
    let noTitle = false;
    while (args[0]?.startsWith("-")) {
      const a = args.shift() as string;
      if (a === "-n" || a === "--interval") {
        const v = parseSleep([args.shift() ?? ""]);
        if (typeof v === "string") return fail("watch: failed to parse argument: ''");
        interval = Math.max(0.1, v);
      } else if (/^-n\d/.test(a)) interval = Math.max(0.1, Number(a.slice(2)));
      else if (a === "-t" || a === "--no-title") noTitle = true;
      else if (a === "-d" || a === "--differences" || a === "-c" || a === "--color") continue;
      else
        return fail(`watch: invalid option -- '${a.replace(/^-+/, "").slice(0, 1)}'\nUsage:\n watch [options] command`);
    }
    if (args.length === 0) return fail("\nUsage:\n watch [options] command\n");
    const w = labWorld(ctx);
    const cmd = args.length === 1 ? (args[0] as string) : shellQuote(args);
    const r = await ctx.exec(cmd);
    let screen = "";
    if (!noTitle) {
      const left = `Every ${interval.toFixed(1)}s: ${cmd}`;
      const right = `${ctx.node?.name ?? w.machine("host").hostname}: ${strftime("%a %b %e %H:%M:%S %Y", w.wallMs())}`;
      screen += `${left}${" ".repeat(Math.max(1, 80 - left.length - right.length))}${right}\n\n`;
    }
    screen += r.stdout + r.stderr;
    return { stdout: screen, stderr: "", exitCode: 0 };
  },
};

const NO_SYSTEMD =
  "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down";

/** The lab's containers run `sleep infinity` as PID 1, not systemd. */
export const systemctlCommand: CommandSpec = {
  name: "systemctl",
  where: "node",
  async run() {
    return fail(NO_SYSTEMD);
  },
};

export const miscCommands = [watchCommand, systemctlCommand];
