/**
 * One machine's shell: a just-bash interpreter over the machine's filesystem, with our
 * commands plugged in. A terminal session's state (user, cwd, variables, functions) is kept by
 * the caller and passed in and out of every run, since just-bash forgets it between execs.
 */
import { Bash, type Command, decodeBytesToUtf8, defineCommand } from "just-bash";
import { US_PER_MS } from "../core/clock";
import { shellQuote } from "../host/format";
import { groupById, userByName } from "../world/default-files";
import type { CommandContext, CommandSpec, ExecResult, LabNode, Repl } from "../world/types";
import type { LabWorld } from "../world/world";
import { determinismTransform } from "./determinism";
import type { LabFs } from "./lab-fs";
import { runningLine } from "./line-control";
import { notInstalledCommands } from "./not-installed";
import { carryEnv, extractFunctions, type ShellSession, unsetFunctions } from "./session";
import { TTY_MARK, TTY_OUT, TTY_SCRIPT, type TtyChunk, ttyTransform } from "./tty";
import { TICK, tickTransform, xtraceFree } from "./work";
import { shellWrappers } from "./wrappers";

/** A request made by a command to change the terminal (docker exec -it, su -, exit). */
export type SessionRequest =
  | { kind: "enter"; machine: string; user: string }
  | { kind: "subshell" }
  | { kind: "exit" }
  | { kind: "user"; user: string }
  | { kind: "repl"; repl: Repl; machine?: string };

/** Simulated cost of one command line: bash parsing, fork/exec of the first command. */
export const BASE_COST_US = 2 * US_PER_MS;
/** Simulated cost of each further command the line runs. */
export const PER_COMMAND_US = 300;
/** Exit status of a line killed by its work budget: 128 + SIGXCPU, as under `ulimit -t`. */
export const BUDGET_EXIT = 152;
/** What bash prints when its job dies of SIGXCPU. */
export const BUDGET_MESSAGE = "CPU time limit exceeded\n";

/**
 * just-bash's own limits. Commands, loop iterations and awk/sed/... work are not bounded here
 * but by the line's work budget (line-control.ts), read through getters installed on the
 * interpreter's limits (see meterLimits); these values apply only to what runs outside a
 * terminal line. No wall-clock limit: the engine never looks at real time.
 */
export const EXECUTION_LIMITS = {
  maxCommandCount: 1_000_000,
  maxLoopIterations: 1_000_000,
  maxCallDepth: 100,
  maxSubstitutionDepth: 20,
  maxStringLength: 16 * 1024 * 1024,
  maxHeredocSize: 1024 * 1024,
  maxOutputSize: 4 * 1024 * 1024,
  maxAwkIterations: 100_000,
  maxSedIterations: 100_000,
  maxArrayElements: 100_000,
  maxFileSystemBytes: 256 * 1024 * 1024,
  maxWorkUnits: 100_000_000,
  // just-bash's own wall-clock deadline, switched off: a line is bounded by its work budget only
  // (work.ts), so a replay never depends on the machine's load
  maxExecutionTimeMs: Number.POSITIVE_INFINITY,
};

/** Work units charged for one of our commands (drbdadm, mount...): they cost more than a builtin. */
export const COMMAND_UNITS = 10;

/**
 * just-bash's messages when a limit stops a line, or when it is aborted: never shown to the
 * learner (the line ends with ^C or "CPU time limit exceeded" instead).
 */
const INTERNAL_STOP_RE =
  /^[^\n]*(?:increase executionLimits|work limit exceeded|execution aborted|context revoked|exceeded its execution deadline|too many (?:commands|iterations))[^\n]*\n?/gm;

/** A line's stderr without just-bash's stop messages. */
export function withoutStopMessages(stderr: string): string {
  return stderr.replace(INTERNAL_STOP_RE, "");
}

export interface RunOptions {
  signal?: AbortSignal;
  stdin?: string;
  /** The line is typed at a terminal: its output is handed here as it is printed (tty.ts). */
  tty?: (chunk: TtyChunk) => void;
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
}

export class Machine {
  readonly bash: Bash;
  private frames: RunFrame[] = [];
  /** Deadlines of enclosing `timeout` commands (virtual µs). */
  readonly deadlines: number[] = [];
  /** How many coming parses are terminal output (the typed line, a script it runs): tty.ts. */
  private ttyParses = 0;
  /** Statements of the machine's prelude ahead of the typed line, in the next terminal parse. */
  private ttyPrelude = 0;

  /** Kill switches of enclosing `timeout` commands, aborted when their deadline passes. */
  readonly timeoutKills: { deadline: number; abort: AbortController }[] = [];

  /** The nearest `timeout` deadline, or +∞. */
  deadline(): number {
    return this.deadlines.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...this.deadlines);
  }

  /** `timeout` sends SIGTERM at its deadline: stop the commands it runs (a loop included). */
  expireTimeouts(): void {
    const now = this.world.clock.now;
    for (const t of this.timeoutKills) if (now >= t.deadline && !t.abort.signal.aborted) t.abort.abort();
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
    commands.push(...shellWrappers(this), this.ttyScriptCommand(), this.tickCommand());
    // commands that print while they run when their stdout is the terminal (tty.ts)
    const streaming = new Set(["bash", "sh"]);
    for (const spec of specs)
      if (spec.streams && (spec.where === "both" || spec.where === where)) streaming.add(spec.name);
    commands.push(...notInstalledCommands(new Set(commands.map((c) => c.name))));
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
    this.bash.registerTransformPlugin(
      ttyTransform(() => {
        if (this.ttyParses === 0) return false;
        this.ttyParses--;
        const prelude = this.ttyPrelude;
        this.ttyPrelude = 0;
        return prelude;
      }, streaming),
    );
    // last: the tick statements it adds are not terminal output
    this.bash.registerTransformPlugin(tickTransform());
    this.meterLimits();
  }

  /**
   * The interpreter reads its limits object at every command it charges, every loop iteration
   * and every unit of awk/sed/... work: getters there are the line's synchronous work
   * checkpoints (line-control.ts). Once the line must stop they answer 0, so the interpreter
   * stops at once, wherever it is (a pure CPU loop included). just-bash keeps `limits`
   * private; this is the one place that reaches into it.
   */
  private meterLimits(): void {
    const limits = (this.bash as unknown as { limits?: Record<string, number> }).limits;
    if (!limits) throw new Error("just-bash: no limits object to meter");
    for (const key of ["maxCommandCount", "maxLoopIterations", "maxWorkUnits"] as const) {
      const cap = EXECUTION_LIMITS[key];
      Object.defineProperty(limits, key, {
        configurable: true,
        enumerable: true,
        get: () => {
          const line = runningLine(this.world);
          if (!line) return cap;
          return line.spend(1) ? 0 : Number.MAX_SAFE_INTEGER;
        },
      });
    }
  }

  /**
   * TICK: a hidden command at the head of every loop iteration and function call (work.ts),
   * where the line may let other work run (a CPU loop has no other point that may wait). It
   * gives back the status it found, so `$?` reads as if it had not run.
   */
  private tickCommand(): Command {
    return defineCommand(TICK, async (_args, jctx) => {
      const status = Number(jctx.env.get("?") ?? 0);
      const line = runningLine(this.world);
      if (line && (await line.spendAndYield(0))) return { stdout: "", stderr: "", exitCode: 130 };
      return { stdout: "", stderr: "", exitCode: Number.isInteger(status) ? status : 0 };
    });
  }

  /**
   * TTY_SCRIPT PATH ARGS: a script run by its path from the terminal line. A bash script runs
   * as `bash PATH ARGS` with its text rewritten for the terminal (it prints as it goes);
   * anything else (not a script, not executable, missing) runs as typed.
   */
  private ttyScriptCommand(): Command {
    return defineCommand(TTY_SCRIPT, async (args, jctx) => {
      const [path = "", ...rest] = args;
      let script = false;
      try {
        const abs = this.fs.resolvePath(jctx.cwd, path);
        const st = await this.fs.stat(abs);
        script = st.isFile && (st.mode & 0o111) !== 0 && /^#!\s*\S*\b(ba)?sh\b/.test(await this.fs.readFile(abs));
      } catch {
        script = false;
      }
      // the command's exported variables, `VAR=value` prefixes included, reach the script
      const exported = Object.entries(jctx.exportedEnv ?? {}).map(([k, v]) => `${k}=${shellQuote([v])}`);
      const line = [...exported, shellQuote(script ? ["bash", path, ...rest] : [path, ...rest])].join(" ");
      if (!jctx.exec) return { stdout: "", stderr: `bash: ${path}: command not found\n`, exitCode: 127 };
      // the `bash PATH` line prints to the terminal; bash, marked, has the script's text rewritten
      if (script) this.ttyParses += 1;
      try {
        const r = await jctx.exec(line, {
          cwd: jctx.cwd,
          env: Object.fromEntries(jctx.env),
          stdin: decodeBytesToUtf8(jctx.stdin),
          ...(jctx.signal ? { signal: jctx.signal } : {}),
        });
        return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
      } finally {
        if (script) this.ttyParses = 0;
      }
    });
  }

  /**
   * Runs `run`, which parses one line printing to the terminal (`timeout 5 CMD`, `bash -c
   * LINE` whose stdout is the terminal): that parse is rewritten as the typed line is (tty.ts).
   */
  async forTerminal<T>(run: () => Promise<T>): Promise<T> {
    const before = this.ttyParses;
    this.ttyParses = before + 1;
    try {
      return await run();
    } finally {
      this.ttyParses = before;
    }
  }

  /**
   * Runs `run`, which parses one line, with what that line prints collected as it prints
   * instead of handed to the terminal: a line killed midway (`timeout` in a pipe or a `$(…)`)
   * still gives what it printed before the kill, as a process's pipe keeps what was written.
   */
  async collect(cwd: string, run: () => Promise<ExecResult>): Promise<ExecResult> {
    const previous = this.fs.tty;
    const previousCwd = this.fs.ttyCwd;
    let stdout = "";
    let stderr = "";
    this.fs.tty = (c) => {
      if (c.stream === "stdout") stdout += c.text;
      else stderr += c.text;
    };
    this.fs.ttyCwd = cwd;
    try {
      const r = await this.forTerminal(run);
      return { stdout: stdout + r.stdout, stderr: stderr + r.stderr, exitCode: r.exitCode };
    } finally {
      this.fs.tty = previous;
      this.fs.ttyCwd = previousCwd;
    }
  }

  /** Text a command whose stdout is the terminal prints at once (CommandContext.print). */
  private async print(text: string): Promise<void> {
    if (text !== "") await this.fs.appendFile(TTY_OUT, text);
  }

  /** The session the current command runs in (for su, whoami, docker exec -it...). */
  get current(): RunFrame | undefined {
    return this.frames[this.frames.length - 1];
  }

  private wrap(spec: CommandSpec): Command {
    return defineCommand(spec.name, async (argv, jctx) => {
      // its stdout is the terminal: it may print as it runs (tty.ts)
      const tty = argv[0] === TTY_MARK;
      const args = tty ? argv.slice(1) : argv;
      const frame = this.current;
      if (frame) frame.commands++;
      const line = runningLine(this.world);
      if (line && (await line.spendAndYield(COMMAND_UNITS))) return { stdout: "", stderr: "", exitCode: 130 };
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
              ...(combineSignals(jctx.signal, opts?.signal)
                ? { signal: combineSignals(jctx.signal, opts?.signal) }
                : {}),
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
        ...(tty ? { print: (text: string) => this.print(text) } : {}),
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
    // a terminal line prints as it runs: the parse of the line is rewritten (tty.ts)
    const previousTty = this.fs.tty;
    const previousTtyCwd = this.fs.ttyCwd;
    if (opts.tty) {
      this.fs.tty = opts.tty;
      this.fs.ttyCwd = session.cwd;
      this.ttyParses = 1;
    }
    // every command line forks: the next PID is taken
    if (this.node) (this.node as { lastPid?: number }).lastPid = ((this.node as { lastPid?: number }).lastPid ?? 7) + 1;
    this.frames.push(frame);
    const u = userByName(session.user);
    const previousCreator = this.fs.creator;
    this.fs.creator = { user: session.user, group: u ? groupById(u.gid) : session.user };
    // Interactive shells expand aliases; carried functions are defined again first.
    // `$?` is the previous line's status: a builtin `exit` in a subshell sets it (no command
    // cost); status 1, the commonest, by a false arithmetic test (a subshell costs the
    // interpreter a copy of the whole shell state; `$_`, PIPESTATUS come out the same)
    const status = session.lastExit ? [session.lastExit === 1 ? "((0))" : `(exit ${session.lastExit})`] : [];
    const preludeLines = ["shopt -s expand_aliases", ...Object.values(session.functions), ...status];
    const prelude = preludeLines.join("\n");
    // the terminal parse leaves these as they are (they print nothing): tty.ts
    if (opts.tty) this.ttyPrelude = preludeLines.length;
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
      // An interrupted line gives back no shell state (just-bash returns its initial env):
      // keep the terminal as it was rather than losing its directory and variables.
      const stopped = runningLine(this.world)?.stopReason;
      const interrupted = abort.signal.aborted || stopped !== undefined;
      const exitCode = interrupted ? (stopped === "budget" ? BUDGET_EXIT : 130) : r.exitCode;
      const next: ShellSession = interrupted
        ? { ...session, functions, lastExit: exitCode }
        : {
            user: session.user,
            cwd: env.PWD ?? cwd,
            env,
            functions,
            startedUs: session.startedUs,
            ...(exitCode ? { lastExit: exitCode } : {}),
          };
      return {
        stdout: r.stdout,
        // a stopped line ends as the terminal shows it (lab.ts adds ^C or the kill message);
        // just-bash words parse errors its own way ("Parse error at 2:9: ..."); bash says less
        stderr: interrupted
          ? withoutStopMessages(xtraceFree(r.stderr))
          : (await this.fs.directoryErrors(xtraceFree(r.stderr), cwd, next.cwd)).replace(
              /^bash: syntax error: Parse error at \d+:\d+: /gm,
              "bash: ",
            ),
        exitCode,
        session: next,
        ...(frame.request ? { request: frame.request } : {}),
      };
    } finally {
      this.frames.pop();
      this.fs.creator = previousCreator;
      if (opts.tty) {
        this.fs.tty = previousTty;
        this.fs.ttyCwd = previousTtyCwd;
        this.ttyParses = 0;
        this.ttyPrelude = 0;
      }
    }
  }
}

/** One signal that aborts when either does (undefined when neither is given). */
function combineSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}
