/**
 * `labctl`: the few things the workshop's /scripts need that no real tool inside a container
 * can do, because they are the simulation itself. Kept small and named honestly:
 *
 *   labctl bench write|read|latency [RES]   run the performance model with the live cluster
 *   labctl ioping [COUNT] [RES]             write-latency probes (monitor.sh latency)
 *   labctl disk-fault DEV slow|eio|none     make this node's backing disk slow or failing
 *   labctl on NODE COMMAND...               run a command on another lab node (stands in for ssh)
 *
 * Everything else in the scripts uses the real tools (drbdadm, tc, iptables, mount, dd...).
 */

import type { SparseDisk } from "../block/sparse-disk";
import type { BlockDevice } from "../block/types";
import { US_PER_MS } from "../core/clock";
import type { DrbdSubsystem } from "../drbd";
import { loadConfig, resolveFor } from "../drbd/commands/config-load";
import { getOption } from "../drbd/config";
import { BENCHMARK_USAGE, DEFAULT_CONTEXT, monitorLatency, parseBenchmarkMode, runBenchmark } from "../perf/benchmark";
import { buildPerfInputs, LAB_DISK, type PerfSource, slowDisk } from "../perf/inputs";
import type { DiskParams, DrbdTuning, PerfInputs } from "../perf/types";
import { fail, labWorld, ok } from "../shell/commands/util";
import { lineCheckpoint } from "../shell/line-control";
import type { CommandContext, CommandSpec, ExecResult, LabNode, Subsystem } from "../world/types";
import type { SysctlTable } from "./sysctl";

type ToolboxLike = Subsystem & { sysctl: SysctlTable };

const USAGE = `usage: labctl bench write|read|latency [RES]
       labctl ioping [COUNT] [RES]
       labctl disk-fault DEV slow|eio|none
       labctl on NODE COMMAND...`;

function faultOf(dev: BlockDevice | undefined): ReturnType<SparseDisk["currentFault"]> {
  const d = dev as Partial<SparseDisk> | undefined;
  return typeof d?.currentFault === "function" ? d.currentFault() : null;
}

/** A disk's performance as the model sees it: the lab's SSD, or a failing one. */
function diskParams(node: LabNode | undefined, path: string): DiskParams {
  const f = faultOf(node?.blockDevices.get(path));
  return f?.kind === "slow" ? slowDisk(LAB_DISK) : LAB_DISK;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** The live cluster as the model's inputs: running protocol, paths (netem), disks, options. */
export async function liveInputs(ctx: CommandContext, resName: string): Promise<PerfInputs | string> {
  const node = ctx.node as LabNode;
  const drbd = ctx.world.subsystem<DrbdSubsystem>("drbd");
  const res = drbd?.k.resource(node, resName);
  if (!res) return `labctl: resource ${resName} is not up on ${node.name} (drbdadm up ${resName})`;
  const options: Partial<DrbdTuning> = {};
  const loaded = await loadConfig(node.fs, node);
  const rr = resolveFor(loaded.config, resName, node);
  if (!("error" in rr)) {
    const r = rr.resolved;
    const set = <K extends keyof DrbdTuning>(k: K, v: DrbdTuning[K] | undefined) => {
      if (v !== undefined) options[k] = v;
    };
    set("maxEpochSize", num(getOption(r, "net", "max-epoch-size")));
    set("sndbufSize", num(getOption(r, "net", "sndbuf-size")));
    set("rcvbufSize", num(getOption(r, "net", "rcvbuf-size")));
    const df = getOption(r, "disk", "disk-flushes");
    if (typeof df === "boolean") options.diskFlushes = df;
    const mf = getOption(r, "disk", "md-flushes");
    if (typeof mf === "boolean") options.mdFlushes = mf;
    const oc = getOption(r, "net", "on-congestion");
    if (oc === "block" || oc === "pull-ahead" || oc === "disconnect") options.onCongestion = oc;
    set("cMinRateKiBps", num(getOption(r, "disk", "c-min-rate")));
  }
  // what the kernel runs now wins over the files (a changed file needs `drbdadm adjust`)
  options.alExtents = res.conf.disk.alExtents;
  options.cMaxRateKiBps = res.conf.disk.cMaxRate;
  const dev = [...res.devices.values()][0];
  const peers: PerfSource["peers"] = [];
  let resyncActive = false;
  for (const c of res.connections.values()) {
    if (c.cstate !== "Connected") continue;
    const pd = dev ? c.peerDevices.get(dev.vnr) : undefined;
    if (pd?.resync) resyncActive = true;
    options.maxBuffers = c.net.maxBuffers;
    const there = ctx.world.net.path(node.name, c.peerName);
    const back = ctx.world.net.path(c.peerName, node.name);
    const peerNode = ctx.world.node(c.peerName);
    peers.push({
      name: c.peerName,
      protocol: c.net.protocol,
      oneWayMs: (there.latencyUs + back.latencyUs) / 2 / 1000,
      bandwidthMBps: Math.min(there.bandwidthBps, back.bandwidthBps) / 1e6,
      loss: Math.max(there.loss, back.loss),
      disk: diskParams(peerNode, dev?.backingPath ?? "/dev/sda1"),
    });
  }
  const toolbox = ctx.world.subsystem<ToolboxLike>("toolbox");
  const wmem = toolbox?.sysctl.tcpMax(node.name, "wmem");
  // the receive window is the peer's: its tcp_rmem ceiling bounds what can be in flight
  const rmem = toolbox?.sysctl.tcpMax(peers[0]?.name ?? node.name, "rmem");
  return buildPerfInputs({
    options,
    host: {
      ...(wmem && Number.isFinite(wmem) ? { tcpWmemMaxBytes: wmem } : {}),
      ...(rmem && Number.isFinite(rmem) ? { tcpRmemMaxBytes: rmem } : {}),
    },
    local: diskParams(node, dev?.backingPath ?? "/dev/sda1"),
    peers,
    resyncActive,
    ...(dev?.md ? { deviceBytes: dev.md.dataSize } : {}),
  });
}

/** Let the run's virtual time pass in 1 s steps (Ctrl-C lands in between, as with sleep). */
async function spend(ctx: CommandContext, ms: number): Promise<boolean> {
  const clock = ctx.world.clock;
  const end = clock.now + Math.round(ms * US_PER_MS);
  while (clock.now < end) {
    const next = Math.min(end, clock.now + 1000 * US_PER_MS);
    if (ctx.interrupted() || (await lineCheckpoint(ctx.world, next))) return false;
    clock.advanceTo(next);
    await Promise.resolve();
  }
  return true;
}

async function bench(ctx: CommandContext, args: string[]): Promise<ExecResult> {
  const mode = parseBenchmarkMode(args[0]);
  if (!mode) return fail(BENCHMARK_USAGE, 1);
  const resName = args[1] ?? "r0";
  const inputs = await liveInputs(ctx, resName);
  if (typeof inputs === "string") return fail(inputs);
  const rng = labWorld(ctx).stream(`bench:${(ctx.node as LabNode).name}:${ctx.world.clock.now}`);
  const run = runBenchmark(mode, inputs, rng, { ...DEFAULT_CONTEXT, resource: resName });
  if (!(await spend(ctx, run.elapsedMs))) return fail("", 130);
  return ok(run.text);
}

async function ioping(ctx: CommandContext, args: string[]): Promise<ExecResult> {
  const count = args[0] === undefined ? 5 : Number(args[0]);
  if (!Number.isInteger(count) || count < 2 || count > 100)
    return fail("labctl ioping: COUNT must be an integer between 2 and 100");
  const resName = args[1] ?? "r0";
  const inputs = await liveInputs(ctx, resName);
  if (typeof inputs === "string") return fail(inputs);
  const rng = labWorld(ctx).stream(`ioping:${(ctx.node as LabNode).name}:${ctx.world.clock.now}`);
  const run = monitorLatency(inputs, rng, { ...DEFAULT_CONTEXT, resource: resName }, count);
  if (!(await spend(ctx, run.elapsedMs))) return fail("", 130);
  return ok(run.text);
}

function diskFault(ctx: CommandContext, args: string[]): ExecResult {
  const [path, kind] = args;
  if (!path || !kind || !["slow", "eio", "none"].includes(kind)) return fail(USAGE, 2);
  const dev = (ctx.node as LabNode).blockDevices.get(path) as Partial<SparseDisk> | undefined;
  if (!dev) return fail(`labctl: ${path}: no such block device`);
  if (typeof dev.setFault !== "function")
    return fail(`labctl: ${path} is not a physical disk (faults are injected below DRBD)`);
  dev.setFault(kind === "none" ? null : kind === "slow" ? { kind: "slow", factor: 40 } : { kind: "eio" });
  return ok(
    `${path}: ${kind === "none" ? "fault cleared" : kind === "slow" ? "slow disk (every I/O ~40x slower)" : "every I/O now fails with EIO"}\n`,
  );
}

async function onNode(ctx: CommandContext, args: string[]): Promise<ExecResult> {
  const [name, ...rest] = args;
  if (!name || rest.length === 0) return fail(USAGE, 2);
  const target = ctx.world.resolveNode(name);
  if (!target) return fail(`labctl: ${name}: no such lab node`);
  if (target.state !== "running") return fail(`labctl: ${target.name} is not running`, 255);
  return ctx.world.exec(target, rest.join(" "));
}

export const labctlCommand: CommandSpec = {
  name: "labctl",
  where: "node",
  async run(ctx) {
    const [sub, ...args] = ctx.args;
    if (sub === "bench") return bench(ctx, args);
    if (sub === "ioping") return ioping(ctx, args);
    if (sub === "disk-fault") return diskFault(ctx, args);
    if (sub === "on") return onNode(ctx, args);
    return fail(USAGE, 2);
  },
};
