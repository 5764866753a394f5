/**
 * One machine's shell: a just-bash interpreter over the machine's filesystem, with our
 * commands plugged in. A terminal session's state (user, cwd, variables, functions) is kept by
 * the caller and passed in and out of every run, since just-bash forgets it between execs.
 */
import { Bash, type Command, decodeBytesToUtf8, defineCommand } from "just-bash";
import { US_PER_MS, US_PER_S } from "../core/clock";
import { shellQuote } from "../host/format";
import { groupById, userByName } from "../world/default-files";
import type { CommandContext, CommandSpec, ExecResult, LabNode, Repl } from "../world/types";
import type { LabWorld } from "../world/world";
import { determinismTransform } from "./determinism";
import type { LabFs } from "./lab-fs";
import { carryEnv, extractFunctions, type ShellSession, unsetFunctions } from "./session";
import { TTY_SCRIPT, type TtyChunk, ttyTransform } from "./tty";
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
  /** The line used up its virtual-time budget: our commands now fail at once. */
  budgetHit?: boolean;
}

/**
 * Virtual time one command line may spend before it is stopped as by Ctrl-C: a line the
 * learner does not interrupt (`while true; do …; sleep 2; done` run without a live terminal,
 * or left running) must end.
 */
export const LINE_BUDGET_US = 10 * 60 * US_PER_S;

export class Machine {
  readonly bash: Bash;
  private frames: RunFrame[] = [];
  /** Deadlines of enclosing `timeout` commands (virtual µs). */
  readonly deadlines: number[] = [];
  /** How many coming parses are terminal output (the typed line, a script it runs): tty.ts. */
  private ttyParses = 0;

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
    commands.push(...shellWrappers(this), this.ttyScriptCommand());
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
        return true;
      }),
    );
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
      // the `bash PATH` line and the script's text: both print to the terminal
      if (script) this.ttyParses += 2;
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

  /** The session the current command runs in (for su, whoami, docker exec -it...). */
  get current(): RunFrame | undefined {
    return this.frames[this.frames.length - 1];
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
    if (opts.tty) {
      this.fs.tty = opts.tty;
      this.ttyParses = 1;
    }
    // every command line forks: the next PID is taken
    if (this.node) (this.node as { lastPid?: number }).lastPid = ((this.node as { lastPid?: number }).lastPid ?? 7) + 1;
    this.frames.push(frame);
    const u = userByName(session.user);
    const previousCreator = this.fs.creator;
    this.fs.creator = { user: session.user, group: u ? groupById(u.gid) : session.user };
    // Interactive shells expand aliases; carried functions are defined again first.
    // `$?` is the previous line's status: a builtin `exit` in a subshell sets it (no command cost)
    const status = session.lastExit ? [`(exit ${session.lastExit})`] : [];
    const prelude = ["shopt -s expand_aliases", ...Object.values(session.functions), ...status].join("\n");
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
      const interrupted = abort.signal.aborted || frame.budgetHit === true;
      const exitCode = abort.signal.aborted || (frame.budgetHit && this.frames.length === 1) ? 130 : r.exitCode;
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
        // just-bash words parse errors its own way ("Parse error at 2:9: ..."); bash says less
        stderr: abort.signal.aborted
          ? `${r.stderr.replace(/^bash: execution aborted\n/m, "")}^C\n`
          : frame.budgetHit && this.frames.length === 1
            ? `${r.stderr.replace(/^bash: [^\n]*too many [^\n]*\n/gm, "")}^C\n`
            : r.stderr.replace(/^bash: syntax error: Parse error at \d+:\d+: /gm, "bash: "),
        exitCode,
        session: next,
        ...(frame.request ? { request: frame.request } : {}),
      };
    } finally {
      this.frames.pop();
      this.fs.creator = previousCreator;
      if (opts.tty) {
        this.fs.tty = previousTty;
        this.ttyParses = 0;
      }
      if (this.frames.length === 0) {
        const limits = (this.bash as unknown as { limits?: { maxLoopIterations?: number } }).limits;
        if (limits) limits.maxLoopIterations = EXECUTION_LIMITS.maxLoopIterations;
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
