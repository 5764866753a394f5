/**
 * `timeout DURATION CMD` on the virtual clock: commands that spend virtual time (sleep...)
 * stop at the deadline and timeout exits 124. (`time` and `$SECONDS`: see determinism.ts.)
 */
import { US_PER_S } from "../core/clock";
import { shellQuote } from "../host/format";
import type { CommandSpec } from "../world/types";
import { parseSleep } from "./commands/time";
import { fail, labWorld } from "./commands/util";

export const timeoutCommand: CommandSpec = {
  name: "timeout",
  where: "both",
  async run(ctx) {
    const args = ctx.args.filter(
      (a) =>
        !/^-(s|k)$/.test(a) &&
        !a.startsWith("--signal") &&
        !a.startsWith("--kill-after") &&
        a !== "--preserve-status" &&
        a !== "--foreground",
    );
    const [dur, ...cmd] = args;
    if (dur === undefined) return fail("timeout: missing operand\nTry 'timeout --help' for more information.", 125);
    const s = parseSleep([dur]);
    if (typeof s === "string")
      return fail(`timeout: invalid time interval '${dur}'\nTry 'timeout --help' for more information.`, 125);
    if (cmd.length === 0)
      return fail(`timeout: missing operand after '${dur}'\nTry 'timeout --help' for more information.`, 125);
    const w = labWorld(ctx);
    const machine = w.machineOf(ctx.node);
    const deadline = s === 0 ? Number.POSITIVE_INFINITY : w.clock.now + Math.round(s * US_PER_S);
    const kill = { deadline, abort: new AbortController() };
    machine.deadlines.push(deadline);
    machine.timeoutKills.push(kill);
    try {
      const r = await ctx.exec(shellQuote(cmd), { stdin: ctx.stdin, signal: kill.abort.signal });
      if (w.clock.now >= deadline || kill.abort.signal.aborted) {
        // the killed command's own "aborted" notice is not what a terminal shows after SIGTERM
        return { stdout: r.stdout, stderr: r.stderr.replace(/^bash: execution aborted\n/m, ""), exitCode: 124 };
      }
      return r;
    } finally {
      machine.deadlines.pop();
      machine.timeoutKills.pop();
    }
  },
};
