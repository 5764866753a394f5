/**
 * One machine's shell: a just-bash interpreter over the machine's filesystem, with our
 * commands plugged in. A terminal session's state (user, cwd, variables, functions) is kept by
 * the caller and passed in and out of every run, since just-bash forgets it between execs.
 */
import { Bash, type Command, defineCommand, decodeBytesToUtf8 } from "just-bash";
import { US_PER_MS } from "../core/clock";
import { groupById, userByName } from "../world/default-files";
import type { CommandContext, CommandSpec, ExecResult, LabNode, World } from "../world/types";
import type { LabFs } from "./lab-fs";
import { carryEnv, extractFunctions, type ShellSession, unsetFunctions } from "./session";
import { randomTransform } from "./random";

/** A request made by a command to change the terminal (docker exec -it, su -, exit). */
export type SessionRequest = { kind: "enter"; machine: string; user: string } | { kind: "exit" } | { kind: "user"; user: string };

/** Simulated cost of one command line: bash parsing, fork/exec of the first command. */
export const BASE_COST_US = 2 * US_PER_MS;
/** Simulated cost of each further command the line runs. */
export const PER_COMMAND_US = 300;

export const EXECUTION_LIMITS = {
  maxCommandCount: 20_000,
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
}

export class Machine {
  readonly bash: Bash;
  private frames: RunFrame[] = [];

  constructor(
    readonly world: World,
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
    this.bash.registerTransformPlugin(randomTransform());
  }

  /** The session the current command runs in (for su, whoami, docker exec -it...). */
  get current(): RunFrame | undefined {
    return this.frames[this.frames.length - 1];
  }

  private wrap(spec: CommandSpec): Command {
    return defineCommand(spec.name, async (args, jctx) => {
      const frame = this.current;
      if (frame) frame.commands++;
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
            const r = await jctx.exec(line, { cwd: opts?.cwd ?? jctx.cwd, env, ...(opts?.stdin !== undefined ? { stdin: opts.stdin } : {}), ...(jctx.signal ? { signal: jctx.signal } : {}) });
            return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
          }
          const r = await this.bash.exec(line, { cwd: opts?.cwd ?? jctx.cwd, env, replaceEnv: true, ...(opts?.stdin !== undefined ? { stdin: opts.stdin } : {}) });
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
    return { user, cwd: cwd ?? env.HOME ?? "/", env, functions: {} };
  }

  /** Run one command line in a session; returns the output and the session after the line. */
  async run(line: string, session: ShellSession, opts: RunOptions = {}): Promise<RunResult> {
    const frame: RunFrame = { session, commands: 0, ...(opts.signal ? { signal: opts.signal } : {}) };
    this.frames.push(frame);
    const u = userByName(session.user);
    this.fs.creator = { user: session.user, group: u ? groupById(u.gid) : session.user };
    const prelude = Object.values(session.functions).join("\n");
    const script = prelude ? `${prelude}\n${line}` : line;
    const cwd = (await this.fs.exists(session.cwd)) ? session.cwd : "/";
    try {
      const r = await this.bash.exec(script, {
        cwd,
        env: { ...session.env, USER: session.user, HOSTNAME: this.hostname },
        replaceEnv: true,
        ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      this.world.clock.advanceBy(BASE_COST_US + PER_COMMAND_US * Math.max(0, frame.commands - 1));
      const functions = { ...session.functions, ...extractFunctions(line) };
      for (const n of unsetFunctions(line)) delete functions[n];
      const env = carryEnv(r.env);
      const next: ShellSession = { user: session.user, cwd: env.PWD ?? cwd, env, functions };
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, session: next, ...(frame.request ? { request: frame.request } : {}) };
    } finally {
      this.frames.pop();
      this.fs.creator = { user: "root", group: "root" };
    }
  }
}
