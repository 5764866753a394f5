/**
 * Commands wrapped around just-bash's own, per machine: the `time` keyword and `$SECONDS` on
 * the virtual clock (see determinism.ts), awk's rand() seeded, `bash`/`sh` alone opening a
 * nested shell, and file permissions for non-root users (chmod, and the readers: cat, head…).
 */
import { type Command, decodeBytesToUtf8, defineCommand } from "just-bash";
import { US_PER_S } from "../core/clock";
import { SECONDS_COMMAND, TIME_END, TIME_START } from "./determinism";
import type { Machine } from "./machine";
import { TTY_MARK } from "./tty";

/** Commands that read the files they are given, checked for read permission. */
const READERS = ["cat", "head", "tail", "md5sum", "sha1sum", "sha256sum", "wc", "tac", "nl", "od", "strings", "sort"];

export function shellWrappers(m: Machine): Command[] {
  /** Start times of `time` pipelines being measured (virtual µs), innermost last. */
  const timers: number[] = [];

  function timeKeyword(): Command[] {
    const fmt = (us: number) => {
      const s = us / US_PER_S;
      const min = Math.floor(s / 60);
      return `${min}m${(s - min * 60).toFixed(3)}s`;
    };
    return [
      defineCommand(TIME_START, async () => {
        timers.push(m.world.clock.now);
        return { stdout: "", stderr: "", exitCode: 0 };
      }),
      defineCommand(TIME_END, async (args) => {
        const posix = args[0] === "-p";
        const code = Number(args[posix ? 1 : 0] ?? 0);
        const real = m.world.clock.now - (timers.pop() ?? m.world.clock.now);
        // user/sys: the CPU the simulated processes used, a small share of the elapsed time
        const cpu = Math.floor(real / 50);
        const report = posix
          ? `real ${(real / US_PER_S).toFixed(2)}\nuser ${(cpu / US_PER_S).toFixed(2)}\nsys ${(cpu / US_PER_S).toFixed(2)}\n`
          : `\nreal\t${fmt(real)}\nuser\t${fmt(cpu)}\nsys\t${fmt(cpu)}\n`;
        return { stdout: "", stderr: report, exitCode: code };
      }),
    ];
  }

  /**
   * `bash` or `sh` typed alone at an interactive prompt starts a nested shell that lasts
   * until `exit`; with arguments or piped input it runs them as usual.
   */
  function shellCommand(name: string): Command {
    return defineCommand(name, async (argv, jctx) => {
      // its stdout is the terminal (tty.ts): the script or `-c` line prints as it runs
      const tty = argv[0] === TTY_MARK;
      const args = tty ? argv.slice(1) : argv;
      const stdin = decodeBytesToUtf8(jctx.stdin);
      if (args.length === 0 && stdin === "" && m.current) {
        m.current.request = { kind: "subshell" };
        return { stdout: "", stderr: "", exitCode: 0 };
      }
      const orig = jctx.origCommand;
      if (!orig) return { stdout: "", stderr: `${name}: unavailable\n`, exitCode: 2 };
      return tty ? m.forTerminal(() => orig(args)) : orig(args);
    });
  }

  /**
   * File readers run by a non-root user: operands it may not read get coreutils' message
   * ("cat: /root/x: Permission denied"); just-bash's own command reads the others.
   */
  function readerCommand(name: string): Command {
    return defineCommand(name, async (args, jctx) => {
      if (!jctx.origCommand) return { stdout: "", stderr: `${name}: unavailable\n`, exitCode: 2 };
      const user = m.current?.session.user ?? "root";
      if (user === "root") return jctx.origCommand(args);
      let err = "";
      const kept: string[] = [];
      for (const a of args) {
        const path = a.startsWith("-") ? undefined : m.fs.resolvePath(jctx.cwd, a);
        if (path !== undefined && (await m.fs.exists(path))) {
          try {
            await m.fs.checkRead(path);
          } catch {
            err += `${name}: ${a}: Permission denied\n`;
            continue;
          }
        }
        kept.push(a);
      }
      if (!err) return jctx.origCommand(args);
      const hasOperand = kept.some((a) => !a.startsWith("-"));
      const r = hasOperand ? await jctx.origCommand(kept) : { stdout: "", stderr: "", exitCode: 0 };
      return { stdout: r.stdout, stderr: err + r.stderr, exitCode: 1 };
    });
  }

  /** chmod as a non-owner: GNU's refusal, then just-bash's chmod for the files one owns. */
  function chmodCommand(): Command {
    return defineCommand("chmod", async (args, jctx) => {
      if (!jctx.origCommand) return { stdout: "", stderr: "chmod: unavailable\n", exitCode: 2 };
      const user = m.current?.session.user ?? "root";
      const operands = args.filter((a) => !a.startsWith("-") || /^-[rwxXst]+$/.test(a));
      if (user === "root" || operands.length < 2) return jctx.origCommand(args);
      const [mode, ...files] = operands;
      let err = "";
      const mine: string[] = [];
      for (const f of files) {
        const path = m.fs.resolvePath(jctx.cwd, f);
        if ((await m.fs.exists(path)) && m.fs.ownerOf(path).user !== user)
          err += `chmod: changing permissions of '${f}': Operation not permitted\n`;
        else mine.push(f);
      }
      const flags = args.filter((a) => a.startsWith("-") && !/^-[rwxXst]+$/.test(a));
      const r =
        mine.length > 0
          ? await jctx.origCommand([...flags, mode as string, ...mine])
          : { stdout: "", stderr: "", exitCode: 0 };
      return { stdout: r.stdout, stderr: err + r.stderr, exitCode: err ? 1 : r.exitCode };
    });
  }

  function secondsCommand(): Command {
    return defineCommand(SECONDS_COMMAND, async () => {
      const started = m.current?.session.startedUs ?? m.world.clock.now;
      return { stdout: `${Math.floor((m.world.clock.now - started) / US_PER_S)}\n`, stderr: "", exitCode: 0 };
    });
  }

  /**
   * awk with a seeded rand(): just-bash's awk always draws from the global generator (srand only
   * records the seed), so programs that use rand() get a Park–Miller generator written in
   * awk itself, seeded from the lab; `srand(x)` reseeds it like in real awk.
   */
  function awkCommand(): Command {
    return defineCommand("awk", async (args, jctx) => {
      if (!jctx.origCommand) return { stdout: "", stderr: "awk: unavailable\n", exitCode: 2 };
      const out = [...args];
      let i = 0;
      while (i < out.length) {
        const a = out[i] as string;
        if (a === "-F" || a === "-v" || a === "-f") i += 2;
        else if (a === "--") {
          i++;
          break;
        } else if (a.startsWith("-") && a !== "-") i += 1;
        else break;
      }
      const prog = out[i];
      if (!out.includes("-f") && prog !== undefined && /\b(s?rand)\s*\(/.test(prog)) {
        const seed = 1 + m.world.stream("awk").int(2147483645);
        const rewritten = prog
          .replace(/\bsrand\s*\(/g, "__lab_srand(")
          .replace(/(^|[^_\w])rand\s*\(\s*\)/g, "$1__lab_rand()");
        out[i] =
          `function __lab_rand() { __lab_s = (__lab_s * 16807) % 2147483647; return __lab_s / 2147483647 }\n` +
          `function __lab_srand(x,  p) { p = __lab_seed; __lab_seed = x; __lab_s = (x % 2147483646) + 1; return p }\n` +
          `BEGIN { __lab_seed = 0; __lab_s = ${seed} }\n${rewritten}`;
      }
      return jctx.origCommand(out);
    });
  }

  return [
    secondsCommand(),
    awkCommand(),
    ...timeKeyword(),
    shellCommand("bash"),
    shellCommand("sh"),
    chmodCommand(),
    ...READERS.map((name) => readerCommand(name)),
  ];
}
