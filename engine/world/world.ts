/**
 * The simulated world: virtual clock, seeded randomness, the Docker network, the lab nodes
 * (containers) and the Docker host, each with its own shell. Subsystems (storage, DRBD...)
 * plug in through the Subsystem contract and react to container life-cycle events.
 */
import type { BlockDevice } from "../block/types";
import { Clock, US_PER_S } from "../core/clock";
import { DataQuota, LAB_DATA_CAP_BYTES } from "../core/data-quota";
import { Rng } from "../core/rng";
import { wallClockMs } from "../core/time";
import { hostCommands } from "../host/commands";
import { HOST_HOME, HOST_USER, hostFiles } from "../host/workshop-tree";
import { genericCommands } from "../shell/commands";
import { randomCommandSpec } from "../shell/determinism";
import { LabFs } from "../shell/lab-fs";
import { Machine } from "../shell/machine";
import { procBaseFiles, procKernelFiles } from "../shell/proc-files";
import { type VirtualFile, VirtualFs } from "../shell/virtual-fs";
import { IMAGE_PERMS, nodeFiles } from "./default-files";
import { LabNetwork } from "./network";
import { Node } from "./node";
import { getTopology, type Topology } from "./topology";
import type { CommandSpec, ExecResult, LabNode, Subsystem, World } from "./types";

export interface CreateWorldOptions {
  topology?: string | Topology;
  seed?: number;
  subsystems?: Subsystem[];
  /**
   * Creates the backing disks declared by the topology (/dev/sda1). The storage layer
   * provides it; without one, nodes start without a backing disk.
   */
  createDisk?: (node: LabNode, path: string, sizeBytes: number) => BlockDevice;
  /** just-bash defense-in-depth (patches process globals while a script runs; off by default). */
  defenseInDepth?: boolean;
  /** Cap on the lab's literal data (files and devices), bytes; ENOSPC beyond. */
  dataCapBytes?: number;
}

interface Job {
  node: LabNode;
  label: string;
  job: () => Promise<void>;
}

export class LabWorld implements World {
  readonly clock = new Clock();
  readonly rng: Rng;
  readonly net: LabNetwork;
  readonly nodes = new Map<string, Node>();
  readonly topology: Topology;
  readonly subsystems: Subsystem[];
  readonly machines = new Map<string, Machine>();
  readonly hostFs: LabFs;
  /** How long the (shared) kernel had been up when the lab started, for dmesg and uptime. */
  readonly kernelUptimeAtStartUs: number;
  /** Seeded generators by purpose, so adding a draw in one place does not shift the others. */
  private readonly rngs = new Map<string, Rng>();
  private queue: Job[] = [];
  private draining = false;
  readonly seed: number;
  /** Has `docker-compose up` created the project network? */
  composeNetworkUp = false;
  /** The cap on the lab's literal data (core/data-quota.ts). */
  readonly dataQuota: DataQuota;

  constructor(opts: CreateWorldOptions) {
    this.seed = opts.seed ?? 1;
    this.rng = new Rng(this.seed);
    this.topology = getTopology(opts.topology);
    this.subsystems = opts.subsystems ?? [];
    this.net = new LabNetwork(this.topology, (n) => this.nodes.get(n)?.running === true);
    this.hostFs = new LabFs(this.clock);
    this.kernelUptimeAtStartUs =
      (3 * 3600 + this.stream("kernel").int(3600)) * US_PER_S + this.stream("kernel").int(US_PER_S);
    for (const spec of this.topology.nodes)
      this.nodes.set(spec.name, new Node(spec.name, spec.ip, this.clock, spec.site));
    this.dataQuota = new DataQuota(opts.dataCapBytes ?? LAB_DATA_CAP_BYTES, () => this.literalDataBytes());
    this.hostFs.quota = this.dataQuota;
    for (const n of this.nodes.values()) n.fs.quota = this.dataQuota;
  }

  /** Literal bytes held by the machines' root filesystems and the nodes' disks (the data cap's measure). */
  literalDataBytes(): number {
    let n = this.hostFs.storedBytes();
    const disks = new Set<unknown>();
    for (const node of this.nodes.values()) {
      n += node.fs.storedBytes();
      for (const dev of node.blockDevices.values()) {
        const d = dev as Partial<{ literalBytes(): number }>;
        if (typeof d.literalBytes === "function" && !disks.has(dev)) {
          disks.add(dev);
          n += d.literalBytes();
        }
      }
    }
    return n;
  }

  /** An independent seeded stream for one purpose ("docker-ids", "ping", "shell-random"...). */
  stream(purpose: string): Rng {
    let r = this.rngs.get(purpose);
    if (!r) {
      r = new Rng(`${this.seed}:${purpose}`);
      this.rngs.set(purpose, r);
    }
    return r;
  }

  node(name: string): Node | undefined {
    return this.nodes.get(name);
  }

  resolveNode(nameOrIp: string): Node | undefined {
    for (const n of this.nodes.values())
      if (n.name === nameOrIp || n.container === nameOrIp || n.ip === nameOrIp) return n;
    return undefined;
  }

  subsystem<T extends Subsystem>(name: string): T | undefined {
    return this.subsystems.find((s) => s.name === name) as T | undefined;
  }

  machine(name: string): Machine {
    const m = this.machines.get(name);
    if (!m) throw new Error(`unknown machine: ${name}`);
    return m;
  }

  machineOf(node: LabNode | null): Machine {
    return this.machine(node ? node.name : "host");
  }

  /** Wall-clock milliseconds now (virtual). */
  wallMs(): number {
    return wallClockMs(this.clock.now);
  }

  wallMsAt(us: number): number {
    return wallClockMs(us);
  }

  /** Seconds the kernel has been up (dmesg timestamps, /proc/uptime). */
  kernelUptimeUs(atUs = this.clock.now): number {
    return this.kernelUptimeAtStartUs + atUs;
  }

  // ---- async jobs ---------------------------------------------------------------------------

  enqueue(node: LabNode, label: string, job: () => Promise<void>): void {
    this.queue.push({ node, label, job });
  }

  /** Run queued jobs in FIFO order, including jobs they queue, until none is left. */
  async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let j = this.queue.shift(); j; j = this.queue.shift()) await j.job();
    } finally {
      this.draining = false;
    }
  }

  pendingJobs(): string[] {
    return this.queue.map((j) => `${j.node.name}:${j.label}`);
  }

  async exec(
    node: LabNode | null,
    line: string,
    opts?: { env?: Record<string, string>; cwd?: string; stdin?: string },
  ): Promise<ExecResult> {
    const m = this.machineOf(node);
    const session = m.newSession(node ? "root" : HOST_USER, opts?.cwd);
    if (opts?.env) session.env = { ...session.env, ...opts.env };
    const r = await m.run(line, session, opts?.stdin !== undefined ? { stdin: opts.stdin } : {});
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  }

  // ---- container life-cycle -------------------------------------------------------------------

  /** `docker create` (part of compose up): a fresh container from the image. */
  async createContainer(node: Node): Promise<void> {
    if (node.exists) return;
    if (node.imageMissing) await this.populateNode(node);
    const ids = this.stream("docker-ids");
    let id = "";
    for (let i = 0; i < 8; i++) id += ids.nextU32().toString(16).padStart(8, "0");
    node.containerId = id;
    node.exists = true;
    node.state = "created";
    node.createdAtUs = this.clock.now;
    node.exitCode = 0;
  }

  /** `docker rm` (part of compose down): the container's writable layer is gone. */
  async removeContainer(node: Node): Promise<void> {
    if (node.state === "running") this.crash(node, 137);
    for (const entry of await node.fs.root.readdir("/"))
      await node.fs.root.rm(`/${entry}`, { recursive: true, force: true });
    node.exists = false;
    node.imageMissing = true;
    if (!this.net.isAttached(node.name)) this.net.setAttached(node.name, true);
    node.state = "created";
  }

  /** Lay the image's files on a node's root filesystem. */
  async populateNode(node: Node): Promise<void> {
    const spec = this.topology.nodes.find((n) => n.name === node.name) ?? { name: node.name, ip: node.ip, disks: [] };
    await populate(node.fs, nodeFiles(this.topology, spec));
    for (const p of IMAGE_PERMS) {
      if (p.mode !== undefined) await node.fs.chmod(p.path, p.mode);
      if (p.owner) node.fs.setOwner(p.path, p.owner);
    }
    node.imageMissing = false;
  }

  start(node: Node): void {
    if (node.state === "running") return;
    node.state = "running";
    node.bootCount++;
    node.startedAtUs = this.clock.now;
    node.lastPid = 7;
    this.logVethAttach(node);
    node.logs.push(`[entrypoint] ${node.name}: starting DRBD resources (drbdadm up all)\n`);
    this.net.notify();
    for (const s of this.subsystems) s.onBoot?.(node);
  }

  private bridge: string | undefined;
  private netIds: Record<string, string> | undefined;

  /** Docker network ids (64 hex digits), drawn once from the seed. */
  networkIds(): Record<string, string> {
    if (!this.netIds) {
      const r = this.stream("docker-network-ids");
      const id = () => Array.from({ length: 8 }, () => r.nextU32().toString(16).padStart(8, "0")).join("");
      this.netIds = { bridge: id(), host: id(), none: id(), lab: id() };
    }
    return this.netIds;
  }

  /** What the (shared) kernel logs when Docker plugs a container into the bridge. */
  private logVethAttach(node: Node): void {
    const r = this.stream("veth");
    const hex = () => r.nextU32().toString(16).padStart(8, "0").slice(0, 7);
    const host = `veth${hex()}`;
    const peer = `veth${hex()}`;
    this.bridge ??= `br-${this.stream("bridge-id").hex64().toLowerCase().slice(0, 12)}`;
    const br = this.bridge;
    const port = [...this.nodes.keys()].indexOf(node.name) + 1;
    node.dmesg.append(
      [
        `${br}: port ${port}(${host}) entered blocking state`,
        `${br}: port ${port}(${host}) entered disabled state`,
        `device ${host} entered promiscuous mode`,
        `eth0: renamed from ${peer}`,
        `IPv6: ADDRCONF(NETDEV_CHANGE): ${host}: link becomes ready`,
        `${br}: port ${port}(${host}) entered blocking state`,
        `${br}: port ${port}(${host}) entered forwarding state`,
      ].join("\n"),
    );
  }

  /** Graceful stop: SIGTERM, services stop cleanly, the entrypoint exits 0. */
  shutdown(node: Node): void {
    if (node.state !== "running") return;
    for (const s of this.subsystems) s.onShutdown?.(node);
    this.halt(node, 0);
  }

  /** Kill (SIGKILL, `docker stop --time=0`, `docker kill`): volatile state is lost. */
  crash(node: Node, exitCode = 137): void {
    if (node.state !== "running") return;
    for (const s of this.subsystems) s.onCrash?.(node);
    this.halt(node, exitCode);
  }

  private halt(node: Node, exitCode: number): void {
    // The container's mount namespace dies with it.
    for (const m of [...node.mounts].reverse()) node.unmountFs(m.mountpoint);
    node.mounts = [];
    node.state = "exited";
    node.exitCode = exitCode;
    node.finishedAtUs = this.clock.now;
    this.net.notify();
  }

  /** Every shell command known to the world, from the engine and the subsystems. */
  commandSpecs(): CommandSpec[] {
    const specs: CommandSpec[] = [
      ...genericCommands(),
      ...hostCommands(),
      randomCommandSpec(() => this.stream("shell-random")),
    ];
    for (const s of this.subsystems) specs.push(...(s.commands?.() ?? []));
    return specs;
  }

  procFiles(node: Node): Map<string, VirtualFile> {
    const files = new Map<string, VirtualFile>();
    for (const [path, read] of Object.entries(procBaseFiles(this, node))) files.set(path, { read });
    for (const s of this.subsystems) {
      for (const [path, read] of Object.entries(s.procFiles?.() ?? {})) {
        if (path.startsWith("/proc/")) files.set(path.slice("/proc".length), { read: () => read(node) });
      }
    }
    return files;
  }

  /** The Docker host's /proc: its kernel's files (uptime, version…) and the subsystems' kernel-wide ones. */
  hostProcFiles(): Map<string, VirtualFile> {
    const files = new Map<string, VirtualFile>();
    for (const [path, read] of Object.entries(procKernelFiles(this))) files.set(path, { read });
    for (const s of this.subsystems)
      for (const [path, read] of Object.entries(s.hostProcFiles?.() ?? {}))
        if (path.startsWith("/proc/")) files.set(path.slice("/proc".length), { read });
    return files;
  }

  devFiles(node: Node | null): Map<string, VirtualFile> {
    const files = new Map<string, VirtualFile>([
      ["/null", { read: () => "", sink: true, mode: 0o20666, device: "char" }],
      // dd reads these specially; cat of an endless device is not something a lab needs.
      ["/zero", { read: () => "", sink: true, mode: 0o20666, device: "char" }],
      ["/urandom", { read: () => "", mode: 0o20666, device: "char" }],
      ["/random", { read: () => "", mode: 0o20666, device: "char" }],
    ]);
    if (node) {
      for (const path of [...node.blockDevices.keys()].sort()) {
        if (path.startsWith("/dev/")) files.set(path.slice(4), { read: () => "", mode: 0o60660, device: "block" });
      }
    }
    return files;
  }
}

/** Write a tree of files (paths ending in "/" are directories). */
export async function populate(fs: LabFs, files: Record<string, string>): Promise<void> {
  // InMemoryFs stamps its root with the real date; the image's root is as old as the rest.
  await fs.utimes("/", fs.now(), fs.now());
  for (const [path, content] of Object.entries(files)) {
    if (path.endsWith("/")) await fs.mkdir(path.slice(0, -1), { recursive: true });
    else {
      const dir = path.slice(0, path.lastIndexOf("/"));
      if (dir) await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path, content);
    }
  }
}

/**
 * The Docker host as a learner finds it: their home (and the workshop they cloned there) is
 * theirs, /tmp is writable by everyone (sticky, 1777).
 */
async function giveHostHome(fs: LabFs): Promise<void> {
  const owner = { user: HOST_USER, group: HOST_USER };
  const walk = async (path: string): Promise<void> => {
    fs.setOwner(path, owner);
    if (!(await fs.stat(path)).isDirectory) return;
    for (const name of (await fs.readdir(path)).sort()) await walk(`${path}/${name}`);
  };
  await walk(HOST_HOME);
  await fs.chmod("/tmp", 0o1777);
}

export async function createWorld(opts: CreateWorldOptions = {}): Promise<LabWorld> {
  const world = new LabWorld(opts);
  for (const node of world.nodes.values()) {
    const spec = world.topology.nodes.find((n) => n.name === node.name);
    for (const d of spec?.disks ?? []) {
      if (opts.createDisk) node.blockDevices.set(d.path, opts.createDisk(node, d.path, d.sizeBytes));
    }
  }
  await populate(world.hostFs, hostFiles(world.topology));
  await giveHostHome(world.hostFs);
  for (const node of world.nodes.values()) await world.populateNode(node);
  for (const s of world.subsystems) s.attach?.(world);
  const specs = world.commandSpecs();
  world.machines.set("host", new Machine(world, "host", null, world.hostFs, specs, "docker-host", opts.defenseInDepth));
  world.hostFs.mount(
    "/dev",
    new VirtualFs(
      () => world.devFiles(null),
      () => new Date(world.wallMs()),
      "/dev",
    ),
  );
  world.hostFs.mount(
    "/proc",
    new VirtualFs(
      () => world.hostProcFiles(),
      () => new Date(world.wallMs()),
      "/proc",
    ),
  );
  for (const node of world.nodes.values()) {
    node.fs.mount(
      "/proc",
      new VirtualFs(
        () => world.procFiles(node),
        () => new Date(world.wallMs()),
        "/proc",
      ),
    );
    node.fs.mount(
      "/dev",
      new VirtualFs(
        () => world.devFiles(node),
        () => new Date(world.wallMs()),
        "/dev",
      ),
    );
    world.machines.set(node.name, new Machine(world, node.name, node, node.fs, specs, node.name, opts.defenseInDepth));
  }
  return world;
}
