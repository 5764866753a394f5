/**
 * Contracts between the simulated world (nodes, network, shell) and the subsystems that plug
 * into it (storage, DRBD, PostgreSQL, Pacemaker...). The world owns time, randomness, the
 * network and the machines; a subsystem reacts to machine life-cycle events and contributes
 * shell commands. Everything is synchronous except shell execution (just-bash is async).
 */
import type { IFileSystem } from "just-bash";
import type { BlockDevice } from "../block/types";
import type { Clock } from "../core/clock";
import type { DataQuota } from "../core/data-quota";
import type { Rng } from "../core/rng";

/** Kernel ring buffer of one node (`dmesg`). Lines are stored without the time prefix. */
export interface KernelLog {
  append(text: string): void;
  entries(): readonly { timeUs: number; text: string }[];
  clear(): void;
}

export type ContainerState = "created" | "running" | "exited";

export interface MountEntry {
  device: string; // "/dev/drbd0"
  mountpoint: string; // "/mnt/drbd"
  fstype: string; // "ext4" | "xfs"
  options: string[]; // ["rw", "relatime"]
}

export interface LabNode {
  /** Compose service name, `uname -n`, and the name used in `on <host>` sections: "node1". */
  readonly name: string;
  /** Docker container name: "drbd-node1". */
  readonly container: string;
  readonly ip: string;
  /** Optional site label for multi-site topologies (exercise 9.4): "paris" | "lyon". */
  readonly site?: string;
  state: ContainerState;
  /** Increments at every container start; lets subsystems drop stale timers after a crash. */
  bootCount: number;
  /** Root filesystem of the container (survives stop/start, like a container's writable layer). */
  readonly fs: IFileSystem;
  /** Block devices by path: "/dev/sda1" always; "/dev/drbd0" while the DRBD minor exists. */
  readonly blockDevices: Map<string, BlockDevice>;
  readonly dmesg: KernelLog;
  /** Mounted filesystems, most recent last (maintained by the storage commands). */
  mounts: MountEntry[];
  /**
   * Attach a filesystem to the shell's view at `mountpoint` (the storage helper's `mount`
   * calls this after recording the MountEntry); `unmountFs` detaches it.
   */
  mountFs?(mountpoint: string, fs: IFileSystem): void;
  unmountFs?(mountpoint: string): void;
}

/** A process shown by `ps aux` (contributed by subsystems, e.g. DRBD kernel threads). */
export interface ProcessInfo {
  /** Stable PID (assigned from 20 upwards in subsystem order when absent). */
  pid?: number;
  /** When the process started, virtual µs (defaults to the container's start). */
  startUs?: number;
  user: string;
  /** Command line as ps shows it, e.g. "[drbd_w_r0]" or "/usr/lib/postgresql/14/bin/postgres -D ...". */
  command: string;
  /** Resident set size in KiB (0 for kernel threads). */
  rssKb?: number;
  vszKb?: number;
  /** Process state letter(s) as ps shows them: "S", "Ss", "I<"... */
  stat?: string;
}

/** Result of running a command line in a shell. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface PathInfo {
  up: boolean;
  /** One-way latency in microseconds (link + netem delay on the sender's eth0 egress). */
  latencyUs: number;
  /** Bottleneck bandwidth in bytes per second. */
  bandwidthBps: number;
  /** Packet loss in [0, 1]. */
  loss: number;
}

export interface Network {
  /** Can a TCP connection from `from` reach `to` on `port` now (links, partitions, iptables)? */
  canReach(from: string, to: string, port?: number): boolean;
  path(from: string, to: string): PathInfo;
  /** Called whenever reachability or link properties change (DRBD re-evaluates connections). */
  onChange(listener: () => void): void;
}

/** Context given to a shell command implemented in TypeScript. */
export interface CommandContext {
  readonly world: World;
  /** The machine the command runs on; null on the Docker host. */
  readonly node: LabNode | null;
  readonly args: string[];
  readonly stdin: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** The shell's filesystem on that machine (root fs with mounts). */
  readonly fs: IFileSystem;
  /** Run another command line on the same machine (for wrappers such as `su -c`, handlers). */
  exec(
    line: string,
    opts?: {
      env?: Record<string, string>;
      cwd?: string;
      stdin?: string /** stops the nested line (e.g. `timeout`) */;
      signal?: AbortSignal;
    },
  ): Promise<ExecResult>;
  /** True once the learner pressed Ctrl-C (long-running commands poll it). */
  readonly interrupted: () => boolean;
  /**
   * Present when the command's stdout is the terminal (a command of the typed line, not piped
   * nor redirected; CommandSpec.streams): prints text there at once, as a process writing to
   * its tty does, instead of returning it when the command ends (engine/shell/tty.ts).
   */
  readonly print?: (text: string) => Promise<void>;
  /**
   * The terminal the command runs in: its user, and a way to change the terminal after the
   * line (`docker exec -it NAME bash` enters a node, `su - postgres` switches user).
   */
  readonly session?: {
    readonly user: string;
    request(
      req:
        | { kind: "enter"; machine: string; user: string }
        | { kind: "exit" }
        | { kind: "user"; user: string }
        /** a nested interactive shell on the same machine (`bash` typed at the prompt) */
        | { kind: "subshell" }
        /** an interactive program takes the terminal (psql's prompt) until it ends; `machine`
         *  when it runs on another one than the terminal's shell (docker exec -it NODE psql) */
        | { kind: "repl"; repl: Repl; machine?: string },
    ): void;
  };
}

/**
 * An interactive program holding a terminal (psql at its `testdb=#` prompt): while it runs,
 * the lines typed in that terminal are its input, and its prompt is the terminal's.
 */
export interface Repl {
  /** What it prints once it has the terminal (psql's banner; nothing when stdin is no terminal). */
  readonly banner: string;
  /** The prompt shown before the next line. */
  prompt(): string;
  /** One line (or several, separated by newlines) typed at the prompt; `done` once the program ended. */
  input(text: string, opts?: { signal?: AbortSignal }): Promise<ExecResult & { done?: boolean }>;
}

export interface CommandSpec {
  name: string;
  /** Where the command exists: on the lab nodes, on the Docker host, or both. */
  where: "node" | "host" | "both";
  /** The command prints while it runs (`drbdsetup events2`, `timeout`): it gets ctx.print. */
  streams?: boolean;
  run(ctx: CommandContext): Promise<ExecResult>;
}

/** A part of the simulation that plugs into the world (storage, DRBD, PostgreSQL...). */
export interface Subsystem {
  readonly name: string;
  /** Called once when the world is created. */
  attach?(world: World): void;
  /** Container started (`docker start`, `docker-compose up`): e.g. the DRBD service brings resources up. */
  onBoot?(node: LabNode): void;
  /** Container killed (`docker stop --time=0`, crash): volatile state is lost, in-flight I/O dropped. */
  onCrash?(node: LabNode): void;
  /** Graceful stop (`docker stop`): services stop cleanly (umount, drbdadm down). */
  onShutdown?(node: LabNode): void;
  commands?(): CommandSpec[];
  /** Plain-JSON view for lab.state() (must be deterministic and JSON-serialisable). */
  snapshot?(): unknown;
  /** Generated files under /proc (or /sys) of a node, e.g. { "/proc/drbd": (node) => "version: 9.2.8 ..." }. */
  procFiles?(): Record<string, (node: LabNode) => string>;
  /** Files under the Docker host's /proc (kernel-wide ones: the containers share its kernel). */
  hostProcFiles?(): Record<string, () => string>;
  /** Processes this subsystem runs on a node, for `ps aux` (only called for running nodes). */
  processes?(node: LabNode): ProcessInfo[];
  /** `kill -SIG PID` on a node: return true if the PID is one of this subsystem's processes. */
  signal?(node: LabNode, pid: number, signal: string): boolean;
  /** Invariant violations right now (empty when all is well); checked by property tests. */
  invariants?(): string[];
  /**
   * Paths this subsystem's processes hold open on a node (e.g. PostgreSQL's data directory):
   * `umount` of a filesystem containing one of them fails with "target is busy".
   */
  busyMounts?(node: LabNode): string[];
  /**
   * Why the lab's state cannot be checkpointed now (engine/checkpoint.ts), e.g. a PostgreSQL
   * instance open (its memory is not in the lab's objects); undefined when it can.
   */
  checkpointBlocker?(): string | undefined;
  /**
   * After the lab's `count`-th command line (its jobs drained, before it is logged): what the
   * subsystem does at fixed points of every lab's life, e.g. closing a PostgreSQL instance so
   * that a checkpoint can carry the lab (a decision of the event count only: replays agree).
   */
  afterCommand?(count: number): Promise<void>;
}

export interface World {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly net: Network;
  readonly nodes: ReadonlyMap<string, LabNode>;
  node(name: string): LabNode | undefined;
  /** Find a node by container name ("drbd-node1"), service name ("node1") or IP. */
  resolveNode(nameOrIp: string): LabNode | undefined;
  subsystem<T extends Subsystem>(name: string): T | undefined;
  /**
   * Queue an async job (e.g. a DRBD handler script) to run on a node after the current
   * synchronous step; jobs run in FIFO order before the command that triggered them returns.
   */
  enqueue(node: LabNode, label: string, job: () => Promise<void>): void;
  /** Run a command line on a node's shell (used by handlers, su -c, docker exec). */
  exec(
    node: LabNode | null,
    line: string,
    opts?: { env?: Record<string, string>; cwd?: string; stdin?: string },
  ): Promise<ExecResult>;
  /**
   * Current directories of the terminal sessions open on a node (a shell whose cwd is inside
   * a mount point keeps it busy for `umount`). Optional: provided by the lab.
   */
  sessionCwds?(node: LabNode): string[];
  /** The cap on the lab's literal data (files and devices): writes beyond fail with ENOSPC. */
  readonly dataQuota?: DataQuota;
}
