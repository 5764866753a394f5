/**
 * The `drbd` subsystem: the DRBD 9 kernel module of every node, its shell commands (drbdadm,
 * drbdsetup), /proc/drbd, the drbd service at boot, crash and clean shutdown, lab.state().
 */
import type { CommandSpec, LabNode, Subsystem, World } from "../world/types";
import { Cluster } from "./cluster";
import { loadConfig, resolveFor } from "./commands/config-load";
import { drbdadm } from "./commands/drbdadm";
import { drbdmeta } from "./commands/drbdmeta";
import { drbdsetup } from "./commands/drbdsetup";
import { checkInvariants, type InvariantViolation } from "./invariants";
import { DRBD_VERSION, DrbdKernel } from "./kernel";
import { kmodCommands } from "./kmod";
import { attach, connect, down, newMinor, newPeer, newResource } from "./ops-lifecycle";
import { updateQuorum } from "./quorum";
import { type DrbdSnapshot, snapshotDrbd } from "./snapshot";

// the drbd-9.2.10 tag of LINBIT/drbd
const GIT_HASH = "b92a320cb72a0b85144e742da5930f2d3b6ce30c";

export class DrbdSubsystem implements Subsystem {
  readonly name = "drbd";
  private kernel: DrbdKernel | null = null;

  get k(): DrbdKernel {
    if (!this.kernel) throw new Error("drbd subsystem not attached to a world");
    return this.kernel;
  }

  attach(world: World): void {
    const k = new DrbdKernel(world);
    k.cluster = new Cluster(k);
    k.onCommit((res) => updateQuorum(k, res));
    k.onCommit((res, old) => {
      // a connection change here changes the peers' quorum too
      for (const c of res.connections.values()) {
        if (old.conns.get(c.peerName)?.cstate === c.cstate) continue;
        const p = k.peerSide(res, c);
        if (p) updateQuorum(k, p.res);
      }
    });
    world.net.onChange(() => k.cluster.onNetChange());
    this.kernel = k;
  }

  /** The drbd init service: `drbdadm up` every resource of this host whose meta-data exists. */
  onBoot(node: LabNode): void {
    const k = this.k;
    k.world.enqueue(node, "drbd service", async () => {
      const loaded = await loadConfig(node.fs, node);
      if (loaded.errors.length) return;
      for (const r of loaded.config.resources) {
        const rr = resolveFor(loaded.config, r.name, node);
        if ("error" in rr) continue;
        const conf = rr.conf;
        const hasMd = conf.me.volumes.every((v) => {
          const d = node.blockDevices.get(v.disk);
          return v.disk === "none" || (d !== undefined && k.md.exists(d));
        });
        if (!hasMd || k.resource(node, r.name)) continue;
        const res = newResource(k, node, conf);
        for (const v of conf.me.volumes) newMinor(k, res, v.vnr);
        for (const p of conf.peers) newPeer(k, res, p.host);
        for (const d of res.devices.values()) if (d.backingPath !== "none") attach(k, res, d);
        for (const c of res.connections.values()) connect(k, res, c, false);
      }
    });
  }

  onCrash(node: LabNode): void {
    const k = this.k;
    for (const res of k.resources(node).values()) {
      for (const d of res.devices.values()) {
        node.blockDevices.delete(d.path);
        // md.primary stays set: at the next attach the node is a crashed primary
        for (const c of res.connections.values()) {
          const pd = c.peerDevices.get(d.vnr);
          if (pd?.resync) k.world.clock.cancel(pd.resync.timer);
        }
        d.backing?.close("drbd");
      }
    }
    k.dropNode(node, true);
    k.cluster.onPeerCrash(node.name);
  }

  onShutdown(node: LabNode): void {
    const k = this.k;
    for (const res of [...k.resources(node).values()]) {
      for (const d of res.devices.values()) d.openers.length = 0;
      down(k, res);
    }
    k.dropNode(node);
  }

  commands(): CommandSpec[] {
    return [
      { name: "drbdadm", where: "node", streams: true, run: (ctx) => drbdadm(this.k, ctx) },
      { name: "drbdsetup", where: "node", streams: true, run: async (ctx) => drbdsetup(this.k, ctx) },
      { name: "drbdmeta", where: "node", run: async (ctx) => drbdmeta(this.k, ctx) },
      ...kmodCommands(this.k),
    ];
  }

  procFiles(): Record<string, (node: LabNode) => string> {
    return { "/proc/drbd": () => procDrbd() };
  }

  /** The module lives in the host's kernel, which the containers share: the host sees it too. */
  hostProcFiles(): Record<string, () => string> {
    return { "/proc/drbd": () => procDrbd() };
  }

  snapshot(): DrbdSnapshot {
    return snapshotDrbd(this.k);
  }

  invariants(): string[] {
    return checkInvariants(this.k).map((v: InvariantViolation) => `drbd ${v.rule}: ${v.detail}`);
  }
}

/** /proc/drbd of DRBD 9: the version lines only (drbd_proc.c drbd_seq_show). */
function procDrbd(): string {
  return `version: ${DRBD_VERSION} (api:2/proto:86-122)\nGIT-hash: ${GIT_HASH} build by @buildsystem, 2024-06-04 08:21:37\nTransports (api:21): tcp (${DRBD_VERSION})\n`;
}

export function drbdSubsystem(): DrbdSubsystem {
  return new DrbdSubsystem();
}
