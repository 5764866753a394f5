/**
 * `timeout DURATION CMD` on the virtual clock: commands that spend virtual time (sleep...)
 * stop at the deadline and timeout exits 124 (coreutils timeout.c: EXIT_TIMEDOUT), or with
 * --preserve-status the status of the killed command (128 + SIGTERM). What the command
 * printed before the kill stays printed: when timeout's stdout is the terminal, the command
 * prints there as it runs (tty.ts). (`time` and `$SECONDS`: see determinism.ts.)
 */
import { US_PER_S } from "../core/clock";
import { shellQuote } from "../host/format";
import type { CommandSpec } from "../world/types";
import { parseSleep } from "./commands/time";
import { fail, labWorld } from "./commands/util";

/** The signal timeout sends by default. */
const SIGTERM = 15;
const SIGKILL = 9;
const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, ALRM: 14, TERM: 15 };

/** `-s KILL`, `-s SIGKILL`, `-s 9` as a signal number. */
function signalNumber(name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  return SIGNALS[name.toUpperCase().replace(/^SIG/, "")];
}

export const timeoutCommand: CommandSpec = {
  name: "timeout",
  where: "both",
  streams: true,
  async run(ctx) {
    // options come before DURATION; what follows the duration is the command's own
    let preserve = false;
    let signal = SIGTERM;
    let i = 0;
    for (; i < ctx.args.length; i++) {
      const a = ctx.args[i] as string;
      if (a === "--preserve-status") preserve = true;
      else if (a === "--foreground" || a === "-v" || a === "--verbose") continue;
      else if (a === "-s" || a === "--signal" || a === "-k" || a === "--kill-after") {
        if (a === "-s" || a === "--signal") signal = signalNumber(ctx.args[i + 1] ?? "") ?? SIGTERM;
        i++;
      } else if (/^(-[sk].|--signal=|--kill-after=)/.test(a)) {
        if (/^(-s|--signal=)/.test(a)) signal = signalNumber(a.replace(/^(-s|--signal=)/, "")) ?? SIGTERM;
      } else break;
    }
    const args = ctx.args.slice(i);
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
      const exec = () => ctx.exec(shellQuote(cmd), { stdin: ctx.stdin, signal: kill.abort.signal });
      // on the terminal, the command prints there as it runs; otherwise what it printed is
      // collected as it goes, kept when the kill stops it midway
      const r = ctx.print ? await machine.forTerminal(exec) : await machine.collect(ctx.cwd, exec);
      if (w.clock.now >= deadline || kill.abort.signal.aborted) {
        // the killed command's own "aborted" notice is not what a terminal shows after SIGTERM
        const stderr = r.stderr.replace(/^bash: execution aborted\n/m, "");
        // SIGKILL reaches timeout itself too (it signals its process group): 128 + 9
        return { stdout: r.stdout, stderr, exitCode: preserve || signal === SIGKILL ? 128 + signal : 124 };
      }
      return r;
    } finally {
      machine.deadlines.pop();
      machine.timeoutKills.pop();
    }
  },
};
