/**
 * One machine's shell: a just-bash interpreter over the machine's filesystem, with our
 * commands plugged in. A terminal session's state (user, cwd, variables, functions) is kept by
 * the caller and passed in and out of every run, since just-bash forgets it between execs.
 */
import { Bash, type Command, decodeBytesToUtf8, defineCommand } from "just-bash";
import { US_PER_MS, US_PER_S } from "../core/clock";
import { groupById, userByName } from "../world/default-files";
import type { CommandContext, CommandSpec, ExecResult, LabNode } from "../world/types";
import type { LabWorld } from "../world/world";
import { determinismTransform, SECONDS_COMMAND, TIME_END, TIME_START } from "./determinism";
import type { LabFs } from "./lab-fs";
import { carryEnv, extractFunctions, type ShellSession, unsetFunctions } from "./session";

/** A request made by a command to change the terminal (docker exec -it, su -, exit). */
export type SessionRequest =
  | { kind: "enter"; machine: string; user: string }
  | { kind: "subshell" }
  | { kind: "exit" }
  | { kind: "user"; user: string };

/** Commands that read the files they are given, checked for read permission. */
const READERS = ["cat", "head", "tail", "md5sum", "sha1sum", "sha256sum", "wc", "tac", "nl", "od", "strings", "sort"];

/** Simulated cost of one command line: bash parsing, fork/exec of the first command. */
export const BASE_COST_US = 2 * US_PER_MS;
/** Simulated cost of each further command the line runs. */
export const PER_COMMAND_US = 300;

export const EXECUTION_LIMITS = {
  maxCommandCount: 200_000,
  maxLoopIterations: 10_000,
  maxCallDepth: 100,
  maxSubstitutionDepth: 20,
  maxStringLength: 16 * 1024 * 1024,
  maxHeredocSize: 1024 * 1024,
  maxOutputSize: 4 * 1024 * 1024,
  maxAwkIterations: 100_000,
  maxSedIterations: 100_000,
  maxArrayElements: 100_000,
  maxFileSystemBytes: 256 * 1024 * 1024,
  // A safety net against pathological scripts; never reached by lab commands.
  maxExecutionTimeMs: 20_000,
};

export interface RunOptions {
  signal?: AbortSignal;
  stdin?: string;
}

export interface RunResult extends ExecResult {
  session: ShellSession;
  request?: SessionRequest;
}

/** Per-run mutable context, visible to our commands while a line runs on this machine. */
interface RunFrame {
  session: ShellSession;
  request?: SessionRequest;
  signal?: AbortSignal;
  commands: number;
  /** Virtual time when the line started. */
  startUs: number;
  /** Aborts the line (the learner's Ctrl-C). */
  abort: AbortController;
  /** The line used up its virtual-time budget: our commands now fail at once. */
  budgetHit?: boolean;
}

/**
 * Virtual time one command line may spend before it is stopped as by Ctrl-C: a lab terminal
 * shows output only when the line ends, so `while true; do …; sleep 2; done` must end.
 */
export const LINE_BUDGET_US = 10 * 60 * US_PER_S;

export class Machine {
  readonly bash: Bash;
  private frames: RunFrame[] = [];
  /** Deadlines of enclosing `timeout` commands (virtual µs). */
  readonly deadlines: number[] = [];

  /** When the outermost line running on this machine runs out of virtual time. */
  budgetEnd(): number {
    const first = this.frames[0];
    return first ? first.startUs + LINE_BUDGET_US : Number.POSITIVE_INFINITY;
  }

  /**
   * The line ran out of virtual time: stop it as Ctrl-C would. Aborting just-bash would drop
   * the output printed so far, so instead every command of ours fails at once from now on;
   * a loop then ends on its iteration limit, and the result is reported as interrupted.
   */
  interrupt(): void {
    const first = this.frames[0];
    if (!first) return;
    first.budgetHit = true;
    // The interpreter reads its limits object live: no further loop iteration may start.
    // (just-bash keeps `limits` private; this is the one place that reaches into it.)
    const limits = (this.bash as unknown as { limits?: { maxLoopIterations?: number } }).limits;
    if (limits && typeof limits.maxLoopIterations === "number") limits.maxLoopIterations = 0;
  }

  /** The nearest `timeout` deadline, or +∞. */
  deadline(): number {
    return this.deadlines.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...this.deadlines);
  }

  constructor(
    readonly world: LabWorld,
    readonly name: string,
    readonly node: LabNode | null,
    readonly fs: LabFs,
    specs: CommandSpec[],
    readonly hostname: string,
    defenseInDepth = false,
  ) {
    const where = node ? "node" : "host";
    const commands: Command[] = [];
    for (const spec of specs) if (spec.where === "both" || spec.where === where) commands.push(this.wrap(spec));
    commands.push(
      this.secondsCommand(),
      this.awkCommand(),
      ...this.timeKeyword(),
      this.shellCommand("bash"),
      this.shellCommand("sh"),
      this.chmodCommand(),
      ...READERS.map((name) => this.readerCommand(name)),
    );
    this.bash = new Bash({
      fs,
      cwd: "/",
      env: {},
      customCommands: commands,
      executionLimits: EXECUTION_LIMITS,
      defenseInDepth,
      processInfo: { pid: 1, ppid: 0, uid: 0, gid: 0 },
      sleep: async (ms) => this.world.clock.advanceBy(ms * US_PER_MS),
    });
    this.bash.registerTransformPlugin(determinismTransform());
  }

  /** The session the current command runs in (for su, whoami, docker exec -it...). */
  get current(): RunFrame | undefined {
    return this.frames[this.frames.length - 1];
  }

  /** Start times of `time` pipelines being measured (virtual µs), innermost last. */
  private timers: number[] = [];

  private timeKeyword(): Command[] {
    const fmt = (us: number) => {
      const s = us / US_PER_S;
      const m = Math.floor(s / 60);
      return `${m}m${(s - m * 60).toFixed(3)}s`;
    };
    return [
      defineCommand(TIME_START, async () => {
        this.timers.push(this.world.clock.now);
        return { stdout: "", stderr: "", exitCode: 0 };
      }),
      defineCommand(TIME_END, async (args) => {
        const posix = args[0] === "-p";
        const code = Number(args[posix ? 1 : 0] ?? 0);
        const real = this.world.clock.now - (this.timers.pop() ?? this.world.clock.now);
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
  private shellCommand(name: string): Command {
    return defineCommand(name, async (args, jctx) => {
      const stdin = decodeBytesToUtf8(jctx.stdin);
      if (args.length === 0 && stdin === "" && this.current) {
        this.current.request = { kind: "subshell" };
        return { stdout: "", stderr: "", exitCode: 0 };
      }
      if (!jctx.origCommand) return { stdout: "", stderr: `${name}: unavailable\n`, exitCode: 2 };
      return jctx.origCommand(args);
    });
  }

  /**
   * File readers run by a non-root user: operands it may not read get coreutils' message
   * ("cat: /root/x: Permission denied"); just-bash's own command reads the others.
   */
  private readerCommand(name: string): Command {
    return defineCommand(name, async (args, jctx) => {
      if (!jctx.origCommand) return { stdout: "", stderr: `${name}: unavailable\n`, exitCode: 2 };
      const user = this.current?.session.user ?? "root";
      if (user === "root") return jctx.origCommand(args);
      let err = "";
      const kept: string[] = [];
      for (const a of args) {
        const path = a.startsWith("-") ? undefined : this.fs.resolvePath(jctx.cwd, a);
        if (path !== undefined && (await this.fs.exists(path))) {
          try {
            await this.fs.checkRead(path);
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
  private chmodCommand(): Command {
    return defineCommand("chmod", async (args, jctx) => {
      if (!jctx.origCommand) return { stdout: "", stderr: "chmod: unavailable\n", exitCode: 2 };
      const user = this.current?.session.user ?? "root";
      const operands = args.filter((a) => !a.startsWith("-") || /^-[rwxXst]+$/.test(a));
      if (user === "root" || operands.length < 2) return jctx.origCommand(args);
      const [mode, ...files] = operands;
      let err = "";
      const mine: string[] = [];
      for (const f of files) {
        const path = this.fs.resolvePath(jctx.cwd, f);
        if ((await this.fs.exists(path)) && this.fs.ownerOf(path).user !== user)
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

  private secondsCommand(): Command {
    return defineCommand(SECONDS_COMMAND, async () => {
      const started = this.current?.session.startedUs ?? this.world.clock.now;
      return { stdout: `${Math.floor((this.world.clock.now - started) / US_PER_S)}\n`, stderr: "", exitCode: 0 };
    });
  }

  /**
   * awk with a seeded rand(): just-bash's awk always draws from the global generator (srand only
   * records the seed), so programs that use rand() get a Park–Miller generator written in
   * awk itself, seeded from the lab; `srand(x)` reseeds it like in real awk.
   */
  private awkCommand(): Command {
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
        const seed = 1 + this.world.stream("awk").int(2147483645);
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

  private wrap(spec: CommandSpec): Command {
    return defineCommand(spec.name, async (args, jctx) => {
      const frame = this.current;
      if (frame) frame.commands++;
      if (this.frames[0]?.budgetHit) return { stdout: "", stderr: "", exitCode: 130 };
      const ctx: CommandContext = {
        world: this.world,
        node: this.node,
        args,
        stdin: decodeBytesToUtf8(jctx.stdin),
        cwd: jctx.cwd,
        env: Object.fromEntries(jctx.env),
        fs: this.fs,
        exec: async (line, opts) => {
          const env = { ...Object.fromEntries(jctx.env), ...opts?.env };
          if (jctx.exec) {
            const r = await jctx.exec(line, {
              cwd: opts?.cwd ?? jctx.cwd,
              env,
              ...(opts?.stdin !== undefined ? { stdin: opts.stdin } : {}),
              ...(jctx.signal ? { signal: jctx.signal } : {}),
            });
            return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
          }
          const r = await this.bash.exec(line, {
            cwd: opts?.cwd ?? jctx.cwd,
            env,
            replaceEnv: true,
            ...(opts?.stdin !== undefined ? { stdin: opts.stdin } : {}),
          });
          return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
        },
        interrupted: () => frame?.signal?.aborted === true,
        session: {
          user: frame?.session.user ?? "root",
          request: (req) => {
            if (frame) frame.request = req;
          },
        },
      };
      return spec.run(ctx);
    });
  }

  /** Environment of a login shell for `user` on this machine. */
  loginEnv(user: string): Record<string, string> {
    const u = userByName(user);
    const home = u?.home ?? (user === "root" ? "/root" : `/home/${user}`);
    return {
      HOME: home,
      USER: user,
      LOGNAME: user,
      SHELL: "/bin/bash",
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      HOSTNAME: this.hostname,
      TERM: "xterm",
      LANG: "C.UTF-8",
    };
  }

  newSession(user: string, cwd?: string): ShellSession {
    const env = this.loginEnv(user);
    return { user, cwd: cwd ?? env.HOME ?? "/", env, functions: {}, startedUs: this.world.clock.now };
  }

  /**
   * just-bash rejects the whole exec when a filesystem write behind a redirection fails
   * (`echo 1 > /proc/uptime`); answer like bash does instead of failing the lab.
   */
  private async execOrFsError(
    script: string,
    options: Parameters<Bash["exec"]>[1],
  ): Promise<{ stdout: string; stderr: string; exitCode: number; env: Record<string, string> }> {
    try {
      return await this.bash.exec(script, options);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      const m = /, \w+ '([^']+)'/.exec(String((e as Error).message));
      const text: Record<string, string> = {
        EACCES: "Permission denied",
        EROFS: "Read-only file system",
        ENOENT: "No such file or directory",
        EISDIR: "Is a directory",
        EPERM: "Operation not permitted",
        ENOTDIR: "Not a directory",
        ENOSPC: "No space left on device",
        EIO: "Input/output error",
      };
      if (typeof code !== "string" || !text[code]) throw e;
      // our permission errors and storage's FsError carry the path; Node-style messages name it
      const path = (e as { path?: unknown }).path ?? m?.[1];
      return {
        stdout: "",
        stderr: `bash: ${typeof path === "string" ? path : "?"}: ${text[code]}\n`,
        exitCode: 1,
        env: { ...(options?.env ?? {}), PWD: options?.cwd ?? "/" },
      };
    }
  }

  /** Run one command line in a session; returns the output and the session after the line. */
  async run(line: string, session: ShellSession, opts: RunOptions = {}): Promise<RunResult> {
    const abort = new AbortController();
    if (opts.signal) {
      if (opts.signal.aborted) abort.abort();
      else opts.signal.addEventListener("abort", () => abort.abort(), { once: true });
    }
    const frame: RunFrame = { session, commands: 0, startUs: this.world.clock.now, abort, signal: abort.signal };
    // every command line forks: the next PID is taken
    if (this.node) (this.node as { lastPid?: number }).lastPid = ((this.node as { lastPid?: number }).lastPid ?? 7) + 1;
    this.frames.push(frame);
    const u = userByName(session.user);
    const previousCreator = this.fs.creator;
    this.fs.creator = { user: session.user, group: u ? groupById(u.gid) : session.user };
    // Interactive shells expand aliases; carried functions are defined again first.
    const prelude = ["shopt -s expand_aliases", ...Object.values(session.functions)].join("\n");
    const script = `${prelude}\n${line}`;
    const cwd = (await this.fs.exists(session.cwd)) ? session.cwd : "/";
    try {
      const r = await this.execOrFsError(script, {
        cwd,
        env: { ...session.env, USER: session.user, HOSTNAME: this.hostname },
        replaceEnv: true,
        ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
        signal: abort.signal,
      });
      this.world.clock.advanceBy(BASE_COST_US + PER_COMMAND_US * Math.max(0, frame.commands - 1));
      const functions = { ...session.functions, ...extractFunctions(line) };
      for (const n of unsetFunctions(line)) delete functions[n];
      const env = carryEnv(r.env);
      const next: ShellSession = {
        user: session.user,
        cwd: env.PWD ?? cwd,
        env,
        functions,
        startedUs: session.startedUs,
      };
      return {
        stdout: r.stdout,
        // just-bash words parse errors its own way ("Parse error at 2:9: ..."); bash says less
        stderr: abort.signal.aborted
          ? `${r.stderr.replace(/^bash: execution aborted\n/m, "")}^C\n`
          : frame.budgetHit && this.frames.length === 1
            ? `${r.stderr.replace(/^bash: [^\n]*too many [^\n]*\n/gm, "")}^C\n`
            : r.stderr.replace(/^bash: syntax error: Parse error at \d+:\d+: /gm, "bash: "),
        exitCode: abort.signal.aborted || (frame.budgetHit && this.frames.length === 1) ? 130 : r.exitCode,
        session: next,
        ...(frame.request ? { request: frame.request } : {}),
      };
    } finally {
      this.frames.pop();
      this.fs.creator = previousCreator;
      if (this.frames.length === 0) {
        const limits = (this.bash as unknown as { limits?: { maxLoopIterations?: number } }).limits;
        if (limits) limits.maxLoopIterations = EXECUTION_LIMITS.maxLoopIterations;
      }
    }
  }
}
