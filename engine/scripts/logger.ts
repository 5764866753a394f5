/**
 * `logger [-t TAG] [-p PRIORITY] [-s] MESSAGE...`: util-linux's logger. The containers have
 * no syslog daemon socket forwarding, so, like rsyslog's default rules, the line lands in
 * /var/log/syslog (`-s` also copies it to stderr).
 */
import { wallClockMs } from "../core/time";
import { fail, ok } from "../shell/commands/util";
import type { CommandSpec } from "../world/types";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** RFC 3164 timestamp as rsyslog writes it: "Jan 15 14:32:45". */
export function syslogStamp(ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

export const loggerCommand: CommandSpec = {
  name: "logger",
  where: "node",
  async run(ctx) {
    let tag = ctx.env.USER ?? "root";
    let toStderr = false;
    const words: string[] = [];
    const a = ctx.args;
    for (let i = 0; i < a.length; i++) {
      const w = a[i] as string;
      if (w === "-t" || w === "--tag") tag = a[++i] ?? "";
      else if (w === "-p" || w === "--priority") i++;
      else if (w === "-s" || w === "--stderr") toStderr = true;
      else if (w === "--") {
        words.push(...a.slice(i + 1));
        break;
      } else if (w.startsWith("-") && w.length > 1)
        return fail(`logger: invalid option -- '${w.replace(/^-+/, "")}'\nTry 'logger --help' for more information.`);
      else words.push(w);
    }
    const message = words.length > 0 ? words.join(" ") : ctx.stdin.replace(/\n$/, "");
    if (!message) return ok();
    const host = ctx.node?.name ?? "docker-host";
    const line = `${syslogStamp(wallClockMs(ctx.world.clock.now))} ${host} ${tag}: ${message}\n`;
    await ctx.fs.mkdir("/var/log", { recursive: true });
    await ctx.fs.appendFile("/var/log/syslog", line);
    return { stdout: "", stderr: toStderr ? `${tag}: ${message}\n` : "", exitCode: 0 };
  },
};
