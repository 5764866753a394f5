/**
 * Which filesystem instance is mounted where, per node. The kernel's view: a mounted device
 * has one superblock (one BlockFs) whatever the number of mount points; `node.mounts` is the
 * /proc/mounts view maintained alongside.
 */
import type { IFileSystem } from "just-bash";
import type { BlockDevice } from "../block/types";
import type { BlockFs } from "../fs/block-fs";
import { isWithin, joinPath, normalizePath } from "../fs/paths";
import type { LabNode, MountEntry } from "../world/types";

export interface Mounted {
  device: string;
  dev: BlockDevice;
  fs: BlockFs;
  mountpoint: string;
}

/** The opener name a mount holds on its device (exclusive claim, see SparseDisk). */
export const MOUNT_OPENER = "mount";

export class MountRegistry {
  private readonly byNode = new Map<string, Mounted[]>();

  list(node: LabNode): Mounted[] {
    return this.byNode.get(node.name) ?? [];
  }

  byMountpoint(node: LabNode, mountpoint: string): Mounted | undefined {
    const p = normalizePath(mountpoint);
    return this.list(node).find((m) => m.mountpoint === p);
  }

  byDevice(node: LabNode, device: string): Mounted[] {
    return this.list(node).filter((m) => m.device === device);
  }

  /** The mounted filesystem holding an absolute path, and the path inside it. */
  locate(node: LabNode, absPath: string): { m: Mounted; rel: string } | null {
    const p = normalizePath(absPath);
    let best: Mounted | undefined;
    for (const m of this.list(node))
      if (isWithin(p, m.mountpoint) && (!best || m.mountpoint.length > best.mountpoint.length)) best = m;
    if (!best) return null;
    const rel = best.mountpoint === "/" ? p : p.slice(best.mountpoint.length) || "/";
    return { m: best, rel };
  }

  add(node: LabNode, m: Mounted, entry: MountEntry): void {
    if (!m.fs.mountPoint) m.fs.mountPoint = m.mountpoint === "/" ? "" : m.mountpoint;
    const list = this.byNode.get(node.name) ?? [];
    list.push(m);
    this.byNode.set(node.name, list);
    node.mounts.push(entry);
    attachFs(node, m.mountpoint, m.fs);
  }

  remove(node: LabNode, m: Mounted): void {
    const list = this.list(node).filter((x) => x !== m);
    this.byNode.set(node.name, list);
    node.mounts = node.mounts.filter((e) => !(e.mountpoint === m.mountpoint && e.device === m.device));
    detachFs(node, m.mountpoint);
  }

  /** Forget every mount of a node (crash): nothing is flushed, the kernel is gone. */
  clear(node: LabNode): Mounted[] {
    const list = this.list(node);
    for (const m of [...list].reverse()) detachFs(node, m.mountpoint);
    this.byNode.delete(node.name);
    const ours = new Set(list.map((m) => m.mountpoint));
    node.mounts = node.mounts.filter((e) => !ours.has(e.mountpoint));
    return list;
  }
}

interface Mountable {
  mount(mountpoint: string, fs: IFileSystem): void;
  unmount(mountpoint: string): void;
  isMountPoint?(path: string): boolean;
}

function mountableOf(node: LabNode): Mountable | null {
  const fs = node.fs as unknown as Partial<Mountable>;
  return typeof fs.mount === "function" && typeof fs.unmount === "function" ? (fs as Mountable) : null;
}

function attachFs(node: LabNode, mountpoint: string, fs: IFileSystem): void {
  if (node.mountFs) node.mountFs(mountpoint, fs);
  else mountableOf(node)?.mount(mountpoint, fs);
}

function detachFs(node: LabNode, mountpoint: string): void {
  try {
    if (node.unmountFs) node.unmountFs(mountpoint);
    else mountableOf(node)?.unmount(mountpoint);
  } catch {
    // Already detached (the world rebuilt the node's view): nothing left to undo.
  }
}

export function absPath(cwd: string, p: string): string {
  return joinPath(cwd || "/", p);
}
