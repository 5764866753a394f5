/**
 * The storage subsystem: block devices seen from user space (mkfs, mount, dd, df, lsblk...),
 * the mount table of each node, and what happens to mounts when a container stops or dies.
 */
import { SparseDisk } from "../block/sparse-disk";
import type { BlockDevice } from "../block/types";
import { rebindable } from "../core/rebind";
import type { Rng } from "../core/rng";
import { wallClockMs } from "../core/time";
import { isWithin, normalizePath } from "../fs/paths";
import type { CommandSpec, LabNode, Subsystem, World } from "../world/types";
import { blockCommands, procPartitions } from "./blk-commands";
import { ddCommand } from "./dd";
import { dfCommand, syncCommand } from "./df";
import { fsckCommands } from "./fsck";
import { mkfsCommands } from "./mkfs";
import { findmntCommand, mountCommand, umountCommand, unmountAll } from "./mount";
import { MOUNT_OPENER, MountRegistry } from "./registry";

export class StorageSubsystem implements Subsystem {
  readonly name = "storage";
  readonly mounts = new MountRegistry();
  private worldRef: World | null = null;

  attach(world: World): void {
    this.worldRef = world;
  }

  get world(): World {
    if (!this.worldRef) throw new Error("storage subsystem used before attach()");
    return this.worldRef;
  }

  /**
   * Randomness for storage (filesystem UUIDs, /dev/urandom seeds): the world's stream for this
   * purpose when it offers per-purpose streams, so storage draws do not shift other subsystems.
   */
  rng(purpose: "fs-uuid" | "urandom"): Rng {
    const w = this.world as World & { stream?: (p: string) => Rng };
    return w.stream ? w.stream(`storage-${purpose}`) : this.world.rng;
  }

  /** Wall clock of the lab in ms (file mtimes, mkfs dates). */
  nowMs(): number {
    return wallClockMs(this.world.clock.now);
  }

  device(node: LabNode, path: string): BlockDevice | undefined {
    return node.blockDevices.get(normalizePath(path));
  }

  /** Why a mount point cannot be unmounted now: a process or a shell uses a path inside it. */
  busy(node: LabNode, mountpoint: string, extraCwds: string[] = []): boolean {
    const held: string[] = [...extraCwds, ...(this.world.sessionCwds?.(node) ?? [])];
    const subs = (this.world as World & { subsystems?: Subsystem[] }).subsystems;
    for (const s of subs ?? []) held.push(...(s.busyMounts?.(node) ?? []));
    return held.some((p) => isWithin(normalizePath(p), mountpoint));
  }

  onCrash(node: LabNode): void {
    // The kernel is gone: mounts vanish without any flush. BlockFs writes through, so
    // nothing beyond what the device (and DRBD's protocol) already holds is lost.
    // Only raw disks are released here: closing a stacked device would run its release
    // logic (DRBD's auto-demote) as if the process had exited cleanly; DRBD drops its
    // devices itself when the node dies.
    for (const m of this.mounts.clear(node)) if (m.dev instanceof SparseDisk) m.dev.close(MOUNT_OPENER);
  }

  onShutdown(node: LabNode): void {
    unmountAll(this, node);
  }

  commands(): CommandSpec[] {
    return [
      ...mkfsCommands(this),
      mountCommand(this),
      umountCommand(this),
      ddCommand(this),
      dfCommand(this),
      syncCommand(this),
      ...blockCommands(this),
      ...fsckCommands(this),
      findmntCommand(this),
    ];
  }

  procFiles(): Record<string, (node: LabNode) => string> {
    return { "/proc/partitions": (node) => procPartitions(node) };
  }

  snapshot(): unknown {
    const out: Record<
      string,
      { device: string; mountpoint: string; type: string; readOnly: boolean; files: number; usedBlocks: number }[]
    > = {};
    const world = this.worldRef;
    if (!world) return out;
    for (const name of [...world.nodes.keys()].sort()) {
      const node = world.nodes.get(name) as LabNode;
      const list = this.mounts.list(node);
      if (list.length === 0) continue;
      out[name] = list.map((m) => {
        const st = m.fs.statfs();
        return {
          device: m.device,
          mountpoint: m.mountpoint,
          type: st.type,
          readOnly: m.fs.readOnly,
          files: st.inodes - st.inodesFree,
          usedBlocks: st.blocks - st.free,
        };
      });
    }
    return out;
  }

  invariants(): string[] {
    const problems: string[] = [];
    const world = this.worldRef;
    if (!world) return problems;
    for (const node of world.nodes.values()) {
      for (const m of this.mounts.list(node)) {
        if (!node.mounts.some((e) => e.mountpoint === m.mountpoint && e.device === m.device))
          problems.push(`${node.name}: ${m.mountpoint} mounted but missing from node.mounts`);
        for (const p of m.fs.check()) problems.push(`${node.name}:${m.mountpoint}: ${p}`);
      }
    }
    return problems;
  }
}

export function createStorage(): StorageSubsystem {
  return new StorageSubsystem();
}

/** The lab's wall clock in ms and its virtual µs, as a mounted filesystem reads them (checkpointable closures). */
export const storageNowMs = rebindable("storage.nowMs", (s: StorageSubsystem) => () => s.nowMs());
export const storageClockUs = rebindable("storage.clockUs", (s: StorageSubsystem) => () => s.world.clock.now);
