/**
 * The library's front door: a lab is a world built from a scenario and a seed, driven by
 * command lines typed in terminals. Every action is recorded as an event, and replaying a
 * scenario + seed + events gives the same outputs and state, byte for byte.
 */

import type { BlockDevice } from "./block/types";
import { US_PER_MS } from "./core/clock";
import { hashString } from "./core/rng";
import type { StateHistory } from "./drbd/history";
import type { DrbdSubsystem } from "./drbd/index";
import { HOST_USER, WORKSHOP_DIR } from "./host/workshop-tree";
import { parseLabScript, runLabScriptSteps } from "./lab-script";
import type { LabState } from "./lab-state";
import { getScenario } from "./scenarios/registry";
import { LineControl, runningLine, setRunningLine } from "./shell/line-control";
import { BUDGET_EXIT, BUDGET_MESSAGE, type Machine, withoutStopMessages } from "./shell/machine";
import type { ShellSession } from "./shell/session";
import type { TtyChunk } from "./shell/tty";
import { xtraceFree } from "./shell/work";
import { defaultCreateDisk, defaultSubsystems } from "./subsystems";
import type { Topology } from "./world/topology";
import type { LabNode, Repl, Subsystem, World } from "./world/types";
import { createWorld, type LabWorld } from "./world/world";

export type Target = string | { machine: string; session?: string };

export interface LabExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Simulated duration of the command, milliseconds of virtual time. */
  durationMs: number;
  /** Where the terminal is after the command (it may have entered a node or switched user). */
  session: { target: string; machine: string; user: string; cwd: string; prompt: string };
  /** The output as the terminal showed it: stdout and stderr interleaved in the order printed. */
  shown: string;
  /** Virtual µs into the line at which a Ctrl-C stopped it (interruptAfterUs or a live request). */
  interruptedAtUs?: number;
  /** Work units into the line at which a Ctrl-C stopped it: where a replay stops it (interruptAtWork). */
  interruptedAtWork?: number;
  /** The line was killed by its work budget ("CPU time limit exceeded", exit 152). */
  overBudget?: boolean;
  /** Work units the line spent (see line-control.ts): what its budget counts. */
  work: number;
}

export type { TtyChunk };

/** How a caller follows a command line as it runs (all optional; none changes its outcome). */
export interface ExecOptions {
  /** Aborts the line at once (not replayable: prefer interruptRequested). */
  signal?: AbortSignal;
  /** Each piece of output as it is printed (stdout and stderr kept apart, in order). */
  onOutput?: (chunk: TtyChunk) => void;
  /**
   * Awaited at each virtual-time checkpoint (every `sleep` second) once the line has printed
   * something, before the clock moves `stepUs` on: the live caller waits real time there, so a
   * dashboard refreshes at its pace. For the eye only: nothing is stopped on real time.
   */
  pace?: (virtualUsSoFar: number, stepUs: number) => Promise<void>;
  /** Stop the line as by Ctrl-C at the checkpoint where its work count reaches this: a replay. */
  interruptAtWork?: number;
  /**
   * Stop the line as by Ctrl-C at the first `sleep`-like checkpoint this far (virtual µs) into
   * it: the replay of an event recorded without a work count (interruptAtWork wins).
   */
  interruptAfterUs?: number;
  /**
   * Polled at every work checkpoint (every command, loop iteration, sleep step: well under a
   * millisecond of CPU apart): true stops the line there, as by Ctrl-C. The point is returned
   * (interruptedAtWork, interruptedAtUs) and logged, so that a replay stops at the same one.
   */
  interruptRequested?: () => boolean;
  /**
   * Awaited at work checkpoints every few milliseconds of CPU at most (a CPU loop included), so
   * that a worker can run other labs meanwhile. It must not touch this lab.
   */
  yieldNow?: () => Promise<void>;
}

export type LabEvent =
  | {
      seq: number;
      kind: "exec";
      target: string;
      input: string;
      atUs: number;
      durationUs: number;
      exitCode: number;
      outputDigest: string;
      /** A Ctrl-C stopped the line this far into it (virtual µs). */
      interruptedAtUs?: number;
      /** A Ctrl-C stopped the line after this many work units: a replay stops it there too. */
      interruptedAtWork?: number;
    }
  | {
      seq: number;
      kind: "wait";
      target: "lab";
      input: string;
      atUs: number;
      durationUs: number;
      exitCode: 0;
      outputDigest: "";
    };

export interface CreateLabOptions {
  scenario?: string;
  seed?: number;
  topology?: string | Topology;
  subsystems?: Subsystem[];
  createDisk?: (node: LabNode, path: string, sizeBytes: number) => BlockDevice;
  defenseInDepth?: boolean;
  /** Cap on the lab's literal data, bytes (default 256 MiB: core/data-quota.ts). */
  dataCapBytes?: number;
}

interface Frame {
  machine: string;
  session: ShellSession;
  /** How the frame was entered; decides what `exit` prints. */
  via: "base" | "docker-exec" | "su" | "su-login" | "subshell" | "repl";
  /** The node's boot count when entered: a restart ends the `docker exec` session. */
  boot: number;
  /** An interactive program (psql) reading this terminal's lines instead of bash. */
  repl?: Repl;
}

/** The prompt a terminal shows: the interactive program's, else bash's. */
function framePrompt(hostname: string, f: Frame): string {
  return f.repl ? f.repl.prompt() : promptOf(hostname, f.session);
}

/** Short stable digest of a command's output (FNV-1a, 8 hex digits). */
export function outputDigest(stdout: string, stderr: string): string {
  return hashString(`${stdout}\u0000${stderr}`).toString(16).padStart(8, "0");
}

export function targetKey(t: Target): string {
  if (typeof t === "string") return t.includes("#") ? t : `${t}#main`;
  return `${t.machine}#${t.session ?? "main"}`;
}

/** Where a Ctrl-C stopped a line (nothing when it was not stopped by one). */
function interruptPoint(c: LineControl): { interruptedAtUs?: number; interruptedAtWork?: number } {
  if (c.stopReason !== "interrupt") return {};
  return {
    ...(c.stoppedAtUs !== undefined ? { interruptedAtUs: c.stoppedAtUs } : {}),
    ...(c.stoppedAtWork !== undefined ? { interruptedAtWork: c.stoppedAtWork } : {}),
  };
}

function displayTarget(key: string): string {
  return key.endsWith("#main") ? key.slice(0, -5) : key;
}

/** Bash's default Debian prompt, `\u@\h:\w\$ `: `root@node1:/etc/drbd.d# `. */
export function promptOf(hostname: string, s: { user: string; cwd: string; env: Record<string, string> }): string {
  const home = s.env.HOME;
  const w = home && (s.cwd === home || s.cwd.startsWith(`${home}/`)) ? `~${s.cwd.slice(home.length)}` : s.cwd;
  return `${s.user}@${hostname}:${w}${s.user === "root" ? "#" : "$"} `;
}

const EXIT_RE = /^\s*(exit|logout)(\s+\d+)?\s*;?\s*$/;

export class Lab {
  private readonly terminals = new Map<string, Frame[]>();
  private readonly log: LabEvent[] = [];
  /** Command lines run so far (exec events), Subsystem.afterCommand's count. */
  private commands = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly world: LabWorld,
    readonly scenario: string,
    readonly seed: number,
  ) {
    // Every shell open on a node keeps its cwd busy (umount: "target is busy"), including
    // the shells a terminal left below `su` or `bash`; a restart ended the older ones.
    (world as World).sessionCwds = (node) =>
      [...this.terminals.values()].flatMap((frames) =>
        frames.filter((f) => f.machine === node.name && f.boot === node.bootCount).map((f) => f.session.cwd),
      );
  }

  events(): LabEvent[] {
    return this.log.map((e) => ({ ...e }));
  }

  /** How many events the log holds (what `events().length` says, without copying them). */
  get eventCount(): number {
    return this.log.length;
  }

  /** The log's exec events as they are, not copied (readers must not change them). */
  execEvents(): readonly Readonly<Extract<LabEvent, { kind: "exec" }>>[] {
    return this.log.filter((e): e is Extract<LabEvent, { kind: "exec" }> => e.kind === "exec");
  }

  /** Forget the terminals (scenario setup is over: the learner opens fresh ones). */
  resetTerminals(): void {
    this.terminals.clear();
  }

  /** The typed DRBD state history (events2's objects), null in a lab without DRBD. */
  get history(): StateHistory | null {
    return this.world.subsystem<DrbdSubsystem>("drbd")?.k.history ?? null;
  }

  /** The state changes from here on are caused by the event about to be logged. */
  private markCause(): void {
    const h = this.history;
    if (h) h.cause = this.log.length;
  }

  /** Forget the events so far (used once the scenario's own script has run). */
  resetEvents(): void {
    this.history?.endSetup();
    this.log.length = 0;
    this.commands = 0;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private machineOf(name: string): Machine {
    return this.world.machine(name);
  }

  private baseFrame(machine: string): Frame {
    const m = this.machineOf(machine);
    const user = machine === "host" ? HOST_USER : "root";
    const cwd = machine === "host" ? m.loginEnv(user).HOME : "/root";
    return { machine, session: m.newSession(user, cwd), via: "base", boot: this.world.node(machine)?.bootCount ?? 0 };
  }

  private terminal(key: string): Frame[] {
    let t = this.terminals.get(key);
    if (!t) {
      const machine = key.slice(0, key.indexOf("#"));
      if (machine !== "host" && !this.world.node(machine)) throw new Error(`unknown target: ${machine}`);
      t = [this.baseFrame(machine)];
      this.terminals.set(key, t);
    }
    return t;
  }

  /** Where a terminal stands now (for the prompt shown before the next command); changes nothing. */
  session(target: Target): LabExecResult["session"] {
    const key = targetKey(target);
    const machine = key.slice(0, key.indexOf("#"));
    const frame = this.terminals.get(key)?.at(-1) ?? this.baseFrame(machine);
    return {
      target: displayTarget(key),
      machine: frame.machine,
      user: frame.session.user,
      cwd: frame.session.cwd,
      prompt: framePrompt(this.machineOf(frame.machine).hostname, frame),
    };
  }

  /** Run one command line in a terminal. Calls are serialized: the clock is shared. */
  exec(target: Target, line: string, opts: ExecOptions = {}): Promise<LabExecResult> {
    return this.serial(() => this.execNow(targetKey(target), line, opts));
  }

  private async execNow(key: string, line: string, opts: ExecOptions): Promise<LabExecResult> {
    const t = this.terminal(key);
    this.markCause();
    const startUs = this.world.clock.now;
    // the line prints as it runs, and may be paced and stopped at its checkpoints (Ctrl-C)
    const printed: TtyChunk[] = [];
    const ctrlC = new AbortController();
    if (opts.signal?.aborted) ctrlC.abort();
    else opts.signal?.addEventListener("abort", () => ctrlC.abort(), { once: true });
    const control = new LineControl(
      this.world.clock,
      startUs,
      {
        ...(opts.interruptAtWork !== undefined ? { interruptAtWork: opts.interruptAtWork } : {}),
        ...(opts.interruptAfterUs !== undefined ? { interruptAfterUs: opts.interruptAfterUs } : {}),
        ...(opts.pace ? { pace: opts.pace } : {}),
        ...(opts.interruptRequested ? { requested: opts.interruptRequested } : {}),
        ...(opts.yieldNow ? { yieldNow: opts.yieldNow } : {}),
      },
      // the line's shell stops; lines it runs on other machines (docker exec) stop at their
      // next checkpoint, since every machine's checkpoints read this line
      () => ctrlC.abort(),
    );
    const tty = (chunk: TtyChunk) => {
      // a stopped line prints nothing more (as a killed process)
      if (control.stopped) return;
      const c = chunk.stream === "stderr" ? { ...chunk, text: xtraceFree(chunk.text) } : chunk;
      if (c.text === "") return;
      // printing is work too: a unit per KiB
      if (control.spend(c.text.length >> 10)) return;
      printed.push(c);
      control.printed = true;
      opts.onOutput?.(c);
    };
    setRunningLine(this.world, control);
    try {
      return await this.execLine(key, line, t, startUs, {
        signal: ctrlC.signal,
        tty,
        control,
        printed,
        onOutput: opts.onOutput,
        yieldNow: opts.yieldNow,
      });
    } finally {
      setRunningLine(this.world, undefined);
    }
  }

  /**
   * Run the jobs the line left queued (handlers, background I/O) under a budget of their own:
   * a Ctrl-C of the line does not reach them, and they end deterministically.
   */
  private async drainJobs(yieldNow: ExecOptions["yieldNow"]): Promise<void> {
    const previous = runningLine(this.world);
    const jobs = new LineControl(this.world.clock, this.world.clock.now, yieldNow ? { yieldNow } : {}, () => {});
    setRunningLine(this.world, jobs);
    try {
      await this.world.drain();
    } finally {
      setRunningLine(this.world, previous);
    }
  }

  private async execLine(
    key: string,
    line: string,
    t: Frame[],
    startUs: number,
    run: {
      signal: AbortSignal;
      tty: (c: TtyChunk) => void;
      control: LineControl;
      printed: TtyChunk[];
      onOutput: ExecOptions["onOutput"];
      yieldNow: ExecOptions["yieldNow"];
    },
  ): Promise<LabExecResult> {
    const opts = { signal: run.signal };
    // A `docker exec` session dies with its container.
    while (t.length > 1) {
      const top = t[t.length - 1] as Frame;
      const node = this.world.node(top.machine);
      if (!node || (node.running && node.bootCount === top.boot)) break;
      t.pop();
    }
    // A node terminal is itself a `docker exec -it … bash`: after a restart it is a new shell.
    const base = t[0] as Frame;
    const baseNode = this.world.node(base.machine);
    if (t.length === 1 && baseNode?.running && baseNode.bootCount !== base.boot) t[0] = this.baseFrame(base.machine);
    let frame = t[t.length - 1] as Frame;
    let result: { stdout: string; stderr: string; exitCode: number };
    const node = this.world.node(frame.machine);
    if (node && !node.running) {
      result = node.exists
        ? {
            stdout: "",
            stderr: `Error response from daemon: container ${node.containerId} is not running\n`,
            exitCode: 1,
          }
        : { stdout: "", stderr: `Error response from daemon: No such container: ${node.container}\n`, exitCode: 1 };
    } else if (frame.repl) {
      // psql's prompt: the line is its input; `\q` gives the terminal back to the shell below
      const r = await frame.repl.input(line, opts.signal ? { signal: opts.signal } : {});
      if (r.done) t.pop();
      result = { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
    } else if (EXIT_RE.test(line)) {
      const code = Number(EXIT_RE.exec(line)?.[2] ?? 0);
      const said = frame.via === "su-login" ? "logout\n" : "exit\n";
      if (t.length > 1) t.pop();
      else t[0] = this.baseFrame(frame.machine);
      this.world.clock.advanceBy(US_PER_MS);
      result = { stdout: "", stderr: said, exitCode: code };
    } else {
      const m = this.machineOf(frame.machine);
      const r = await m.run(line, frame.session, { signal: run.signal, tty: run.tty });
      frame.session = r.session;
      const req = r.request;
      if (req?.kind === "enter") {
        const target = this.machineOf(req.machine);
        t.push({
          machine: req.machine,
          session: target.newSession(req.user, "/"),
          via: "docker-exec",
          boot: this.world.node(req.machine)?.bootCount ?? 0,
        });
      } else if (req?.kind === "user") {
        const login = /(^|\s)(-|-l|--login)(\s|$)/.test(line);
        const s = m.newSession(req.user, login ? undefined : frame.session.cwd);
        if (!login) s.env = { ...frame.session.env, USER: req.user, LOGNAME: req.user, HOME: s.env.HOME ?? "/" };
        t.push({ machine: frame.machine, session: s, via: login ? "su-login" : "su", boot: frame.boot });
      } else if (req?.kind === "subshell") {
        t.push({
          machine: frame.machine,
          session: { ...frame.session, env: { ...frame.session.env }, functions: {} },
          via: "subshell",
          boot: frame.boot,
        });
      } else if (req?.kind === "repl") {
        // psql's prompt, here or in a node (`docker exec -it drbd-node1 psql` from the host)
        const on = req.machine ?? frame.machine;
        const session = on === frame.machine ? frame.session : this.machineOf(on).newSession("root", "/");
        t.push({ machine: on, session, via: "repl", boot: this.world.node(on)?.bootCount ?? 0, repl: req.repl });
      } else if (req?.kind === "exit" && t.length > 1) t.pop();
      result = req?.kind === "repl" ? { ...r, stdout: r.stdout + req.repl.banner } : r;
    }
    await this.drainJobs(run.yieldNow);
    // the lab's own pauses after the line (a PostgreSQL instance closed: Subsystem.afterCommand)
    this.commands++;
    for (const sub of this.world.subsystems) await sub.afterCommand?.(this.commands);
    // what was not printed as it went (a line that does not stream, ^C, exit) comes last
    const out = run.printed.filter((c) => c.stream === "stdout").map((c) => c.text);
    const err = run.printed.filter((c) => c.stream === "stderr").map((c) => c.text);
    let shown = run.printed.map((c) => c.text).join("") + result.stdout;
    if (result.stdout) run.onOutput?.({ stream: "stdout", text: result.stdout });
    // Ctrl-C: bash reports 128 + SIGINT and the terminal shows ^C; a line over its work budget
    // dies as a job over its CPU time limit (128 + SIGXCPU)
    const stop = run.control.stopReason ?? (opts.signal?.aborted ? "interrupt" : undefined);
    if (stop) {
      const tail = stop === "budget" ? BUDGET_MESSAGE : "^C\n";
      const stderr = withoutStopMessages(result.stderr);
      const stderrSoFar = err.join("") + stderr;
      result = {
        stdout: result.stdout,
        stderr: stderrSoFar.endsWith(tail) ? stderr : `${stderr}${tail}`,
        exitCode: stop === "budget" ? BUDGET_EXIT : 130,
      };
    }
    if (result.stderr) run.onOutput?.({ stream: "stderr", text: result.stderr });
    shown += result.stderr;
    result = { stdout: out.join("") + result.stdout, stderr: err.join("") + result.stderr, exitCode: result.exitCode };
    frame = t[t.length - 1] as Frame;
    const durationUs = this.world.clock.now - startUs;
    this.log.push({
      seq: this.log.length + 1,
      kind: "exec",
      target: displayTarget(key),
      input: line,
      atUs: startUs,
      durationUs,
      exitCode: result.exitCode,
      outputDigest: outputDigest(result.stdout, result.stderr),
      ...interruptPoint(run.control),
    });
    return {
      stdout: result.stdout,
      stderr: result.stderr,
      exitCode: result.exitCode,
      durationMs: durationUs / US_PER_MS,
      session: {
        target: displayTarget(key),
        machine: frame.machine,
        user: frame.session.user,
        cwd: frame.session.cwd,
        prompt: framePrompt(this.machineOf(frame.machine).hostname, frame),
      },
      shown,
      work: run.control.work,
      ...interruptPoint(run.control),
      ...(run.control.stopReason === "budget" ? { overBudget: true } : {}),
    };
  }

  /** Let virtual time pass (an explicit wait), running whatever is due. */
  advance(ms: number, opts: { yieldNow?: () => Promise<void> } = {}): Promise<void> {
    return this.serial(async () => {
      this.markCause();
      const startUs = this.world.clock.now;
      this.world.clock.advanceBy(Math.max(0, Math.round(ms * US_PER_MS)));
      await this.drainJobs(opts.yieldNow);
      this.log.push({
        seq: this.log.length + 1,
        kind: "wait",
        target: "lab",
        input: `${ms}ms`,
        atUs: startUs,
        durationUs: this.world.clock.now - startUs,
        exitCode: 0,
        outputDigest: "",
      });
    });
  }

  /** Each terminal's machine, user, directory and nesting depth (`state().terminals`, without the rest). */
  terminalStates(): Record<string, { machine: string; user: string; cwd: string; depth: number }> {
    const terminals: Record<string, { machine: string; user: string; cwd: string; depth: number }> = {};
    for (const k of [...this.terminals.keys()].sort()) {
      const frames = this.terminals.get(k) as Frame[];
      const top = frames.at(-1) as Frame;
      terminals[displayTarget(k)] = {
        machine: top.machine,
        user: top.session.user,
        cwd: top.session.cwd,
        depth: frames.length,
      };
    }
    return terminals;
  }

  /** Plain JSON of the whole cluster. */
  state(): LabState {
    const w = this.world;
    const nodes: Record<string, unknown> = {};
    for (const n of w.nodes.values()) {
      nodes[n.name] = {
        container: n.container,
        exists: n.exists,
        state: n.state,
        ip: n.ip,
        ...(n.site ? { site: n.site } : {}),
        bootCount: n.bootCount,
        containerId: n.containerId,
        exitCode: n.exitCode,
        mounts: n.mounts.map((m) => ({ ...m, options: [...m.options] })),
        blockDevices: [...n.blockDevices.keys()].sort(),
        owners: n.fs.ownersSnapshot(),
        dmesgLines: n.dmesg.entries().length,
      };
    }
    const subsystems: Record<string, unknown> = {};
    for (const s of w.subsystems) if (s.snapshot) subsystems[s.name] = s.snapshot();
    const terminals = this.terminalStates();
    return JSON.parse(
      JSON.stringify({
        scenario: this.scenario,
        seed: this.seed,
        topology: w.topology.id,
        time: { us: w.clock.now, wall: new Date(w.wallMs()).toISOString() },
        composeNetwork: w.composeNetworkUp,
        nodes,
        network: w.net.snapshot(),
        subsystems,
        terminals,
        pendingTimers: w.clock.pending().length,
      }),
    );
  }
}

/**
 * The lab's world as created, before the scenario's script ran: what a checkpoint is restored
 * into (engine/checkpoint.ts), and where createLab starts.
 */
export async function createBareLab(opts: CreateLabOptions = {}): Promise<Lab> {
  const scenarioId = opts.scenario ?? "fresh";
  const scenario = getScenario(scenarioId);
  const seed = opts.seed ?? 1;
  const topology = opts.topology ?? scenario.topology;
  const createDisk = opts.createDisk ?? defaultCreateDisk;
  const world = await createWorld({
    topology,
    seed,
    subsystems: opts.subsystems ?? defaultSubsystems(),
    ...(createDisk ? { createDisk } : {}),
    ...(opts.defenseInDepth !== undefined ? { defenseInDepth: opts.defenseInDepth } : {}),
    ...(opts.dataCapBytes !== undefined ? { dataCapBytes: opts.dataCapBytes } : {}),
  });
  return new Lab(world, scenarioId, seed);
}

export async function createLab(opts: CreateLabOptions = {}): Promise<Lab> {
  const scenarioId = opts.scenario ?? "fresh";
  const lab = await createBareLab(opts);
  for (const s of scenarioChain(scenarioId)) {
    if (s.script) await runLabScriptSteps(lab, parseLabScript(s.script).steps);
  }
  lab.resetTerminals();
  lab.resetEvents();
  return lab;
}

/** A scenario's bases first, then itself. */
function scenarioChain(id: string): { script?: string }[] {
  const chain: { script?: string }[] = [];
  const seen = new Set<string>();
  for (let cur: string | undefined = id; cur; ) {
    if (seen.has(cur)) throw new Error(`scenario cycle at ${cur}`);
    seen.add(cur);
    const s = getScenario(cur);
    chain.unshift(s);
    cur = s.base;
  }
  return chain;
}

/**
 * What a replay needs of a logged event: LabEvent itself, or a stored row read back (the
 * other fields of LabEvent are outcomes, compared or ignored by the caller).
 */
export type ReplayEvent =
  | {
      kind: "exec";
      target: string;
      input: string;
      interruptedAtUs?: number | null;
      interruptedAtWork?: number | null;
      outputDigest?: string;
    }
  | { kind: "wait"; durationUs: number };

/** One replayed event, with what the replay printed. */
export interface ReplayStep {
  /** Position in the events (0-based). */
  index: number;
  kind: "exec" | "wait";
  /** "node1", "host", "node1#t2"; "lab" for a wait. */
  target: string;
  input: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The output as the terminal showed it (stdout and stderr interleaved); "" for a wait. */
  shown: string;
  /** Where the terminal stood when the command was typed (its prompt); absent for a wait. */
  before?: LabExecResult["session"];
  /** Digest of the replayed output (outputDigest), "" for a wait. */
  outputDigest: string;
}

/**
 * Looks at the lab between the events of a replay: `step` is called once before the first
 * event (with null) and after every event. It must not change what the next events see.
 */
export interface ReplayObserver {
  step(lab: Lab, step: ReplayStep | null): void | Promise<void>;
}

/**
 * The one replay of a lab's log, for live labs, rebuilds, graders and the CLI: every event
 * runs again in order, a command stopped by Ctrl-C is stopped at the same point (its work
 * count, or its virtual offset for events logged before work counts), so outputs and state
 * are those the learner had, byte for byte.
 */
export async function replay(
  lab: Lab,
  events: readonly ReplayEvent[],
  observer?: ReplayObserver,
  opts: { yieldNow?: () => Promise<void> } = {},
): Promise<void> {
  await observer?.step(lab, null);
  for (const [index, e] of events.entries()) {
    if (e.kind === "wait") {
      const ms = e.durationUs / US_PER_MS;
      await lab.advance(ms, opts);
      const input = `${ms}ms`;
      await observer?.step(lab, {
        index,
        kind: "wait",
        target: "lab",
        input,
        exitCode: 0,
        stdout: "",
        stderr: "",
        shown: "",
        outputDigest: "",
      });
      continue;
    }
    const before = observer ? lab.session(e.target) : undefined;
    const r = await lab.exec(e.target, e.input, {
      ...(typeof e.interruptedAtWork === "number"
        ? { interruptAtWork: e.interruptedAtWork }
        : typeof e.interruptedAtUs === "number"
          ? { interruptAfterUs: e.interruptedAtUs }
          : {}),
      ...(opts.yieldNow ? { yieldNow: opts.yieldNow } : {}),
    });
    await observer?.step(lab, {
      index,
      kind: "exec",
      target: e.target,
      input: e.input,
      exitCode: r.exitCode,
      stdout: r.stdout,
      stderr: r.stderr,
      shown: r.shown,
      ...(before ? { before } : {}),
      outputDigest: outputDigest(r.stdout, r.stderr),
    });
  }
}

/** Rebuild a lab from its scenario, seed and events; outputs and state are identical. */
export async function replayLab(
  opts: CreateLabOptions & { events: readonly ReplayEvent[]; observer?: ReplayObserver },
): Promise<Lab> {
  const lab = await createLab(opts);
  await replay(lab, opts.events, opts.observer);
  return lab;
}

export { WORKSHOP_DIR };
