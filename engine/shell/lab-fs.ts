/**
 * The filesystem a machine's shell sees: the container's root (an InMemoryFs) with mounts
 * (/proc, /dev, and whatever `mount` attaches, e.g. /mnt/drbd). It adds what just-bash lacks
 * and a real system has: file owners (a side table: just-bash has no owners) and modification
 * times from the virtual clock (InMemoryFs stamps the real date, which would break replay).
 */
import {
  type BufferEncoding,
  type CpOptions,
  type FileContent,
  type FsStat,
  type IFileSystem,
  InMemoryFs,
  type MkdirOptions,
  MountableFs,
  type RmOptions,
} from "just-bash";
import type { Clock } from "../core/clock";
import { type DataQuota, utf8Length } from "../core/data-quota";
import { wallClockMs } from "../core/time";
import { groupById, groupByName, userById, userByName } from "../world/default-files";
import { canAccess, canModifyDir, canWrite, permissionDenied } from "./permissions";
import { TTY_ERR, TTY_OUT, type TtyChunk } from "./tty";

/** A filesystem that stores owners itself (the block filesystem on /dev/drbd0). */
interface OwnerAware {
  owner(path: string): { uid: number; gid: number };
  setOwner(path: string, uid: number, gid: number): void;
}

function isOwnerAware(fs: IFileSystem): fs is IFileSystem & OwnerAware {
  const f = fs as Partial<OwnerAware>;
  return typeof f.owner === "function" && typeof f.setOwner === "function";
}

export interface Owner {
  user: string;
  group: string;
}

type ReadOpts = Parameters<IFileSystem["readFile"]>[1];
type WriteOpts = Parameters<IFileSystem["writeFile"]>[2];

const ROOT: Owner = { user: "root", group: "root" };

function normalize(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join("/")}`;
}

/** write(2) on a full filesystem: `No space left on device`. */
function noSpace(path: string): Error {
  const e = new Error("No space left on device") as Error & { code: string; path: string };
  e.code = "ENOSPC";
  e.path = path;
  return e;
}

/** Bytes a write of `content` stores (strings as UTF-8 unless written as binary/latin1). */
function contentLength(content: FileContent, options?: WriteOpts | BufferEncoding): number {
  if (typeof content !== "string") return content.byteLength;
  const encoding = typeof options === "string" ? options : options?.encoding;
  return encoding === "binary" || encoding === "latin1" ? content.length : utf8Length(content);
}

export class LabFs implements IFileSystem {
  readonly root: InMemoryFs;
  private readonly mountable: MountableFs;
  private readonly owners = new Map<string, Owner>();
  /** Who creates new files (set by the shell from the session's user before each exec). */
  creator: Owner = ROOT;
  /** The terminal line running now: writes to TTY_OUT / TTY_ERR go to it (see tty.ts). */
  tty: ((chunk: TtyChunk) => void) | undefined;
  /** The running terminal line's directory: relative paths in its error messages start there. */
  ttyCwd = "/";
  /** The mount points, as the mountable filesystem holds them (kept by mount and unmount). */
  private mountPoints: string[] = [];
  /** The lab's data cap (set by the world): writes to the root filesystem beyond it fail with ENOSPC. */
  quota: DataQuota | undefined;

  constructor(private readonly clock: Clock) {
    this.root = new InMemoryFs();
    this.mountable = new MountableFs({ base: this.root });
  }

  /**
   * Bytes the root filesystem holds in memory (file bodies; a body shared by hard links counts
   * once). InMemoryFs keeps this sum itself, in a field its typings do not expose.
   */
  storedBytes(): number {
    const n = (this.root as unknown as { retainedBytes?: unknown }).retainedBytes;
    if (typeof n !== "number") throw new Error("just-bash InMemoryFs no longer exposes retainedBytes");
    return n;
  }

  /** Refuse a write that would add `bytes` to the root filesystem past the lab's data cap. */
  private async admit(path: string, bytes: () => Promise<number>): Promise<void> {
    if (!this.quota || this.mountOf(path)) return; // a mounted filesystem checks its own writes
    const n = await bytes();
    if (!this.quota.fits(n)) throw noSpace(normalize(path));
  }

  /** Size of a file on the root filesystem (0 when absent or not a file). */
  private async rootFileSize(path: string): Promise<number> {
    try {
      const st = await this.mountable.stat(path);
      return st.isFile ? st.size : 0;
    } catch {
      return 0;
    }
  }

  /** Bytes of the files under `path` (itself if a file), following no symbolic link. */
  private async treeSize(path: string): Promise<number> {
    let st: FsStat;
    try {
      st = await this.mountable.lstat(path);
    } catch {
      return 0;
    }
    if (st.isFile) return st.size;
    if (!st.isDirectory) return 0;
    let n = 0;
    for (const e of await this.mountable.readdir(path))
      n += await this.treeSize(`${normalize(path)}/${e}`.replace("//", "/"));
    return n;
  }

  /** Virtual wall-clock date for new and modified files. */
  now(): Date {
    return new Date(wallClockMs(this.clock.now));
  }

  mount(mountpoint: string, fs: IFileSystem): void {
    try {
      this.mountable.mount(mountpoint, fs);
    } finally {
      this.mountPoints = this.mountable.getMounts().map((m) => m.mountPoint);
    }
  }

  unmount(mountpoint: string): void {
    try {
      this.mountable.unmount(mountpoint);
    } finally {
      this.mountPoints = this.mountable.getMounts().map((m) => m.mountPoint);
    }
  }

  isMountPoint(path: string): boolean {
    return this.mountable.isMountPoint(path);
  }

  /** The mounted filesystem holding `path` and the path inside it (undefined on the root fs). */
  mountOf(path: string): { fs: IFileSystem; rel: string } | undefined {
    const p = normalize(path);
    let best: { mountPoint: string; filesystem: IFileSystem } | undefined;
    for (const m of this.mountable.getMounts()) {
      if (
        (p === m.mountPoint || p.startsWith(`${m.mountPoint}/`)) &&
        (!best || m.mountPoint.length > best.mountPoint.length)
      )
        best = m;
    }
    return best ? { fs: best.filesystem, rel: p.slice(best.mountPoint.length) || "/" } : undefined;
  }

  /** The mounted filesystem holding `path`, if it keeps owners itself, and the path inside it. */
  private ownerAwareMount(path: string): { fs: OwnerAware; rel: string } | undefined {
    const p = normalize(path);
    let best: { mountPoint: string; filesystem: IFileSystem } | undefined;
    for (const m of this.mountable.getMounts()) {
      if (
        (p === m.mountPoint || p.startsWith(`${m.mountPoint}/`)) &&
        (!best || m.mountPoint.length > best.mountPoint.length)
      )
        best = m;
    }
    if (!best || !isOwnerAware(best.filesystem)) return undefined;
    return { fs: best.filesystem, rel: p.slice(best.mountPoint.length) || "/" };
  }

  ownerOf(path: string): Owner {
    const m = this.ownerAwareMount(path);
    if (m) {
      try {
        const o = m.fs.owner(m.rel);
        return { user: userById(o.uid)?.name ?? String(o.uid), group: groupById(o.gid) };
      } catch {
        return ROOT;
      }
    }
    return this.owners.get(normalize(path)) ?? ROOT;
  }

  /** Owners live with the data: on an owner-aware mount (the DRBD filesystem) they go to its inodes. */
  setOwner(path: string, owner: Owner): void {
    const m = this.ownerAwareMount(path);
    if (m) {
      m.fs.setOwner(m.rel, userByName(owner.user)?.uid ?? 0, groupByName(owner.group)?.gid ?? 0);
      return;
    }
    const p = normalize(path);
    if (owner.user === "root" && owner.group === "root") this.owners.delete(p);
    else this.owners.set(p, { ...owner });
  }

  /** Owners as plain JSON (non-root entries only), for lab.state(). */
  ownersSnapshot(): Record<string, Owner> {
    const out: Record<string, Owner> = {};
    for (const k of [...this.owners.keys()].sort()) out[k] = this.owners.get(k) as Owner;
    return out;
  }

  private async created(path: string, existed: boolean): Promise<void> {
    const p = normalize(path);
    if (!existed && (this.creator.user !== "root" || this.creator.group !== "root")) {
      try {
        this.setOwner(p, this.creator);
      } catch {
        // a read-only mount refuses; the write itself already succeeded or failed
      }
    }
    await this.touch(p);
  }

  // ---- permissions (non-root creators only) --------------------------------------------------

  private async modeOf(path: string): Promise<number | undefined> {
    try {
      return (await this.mountable.stat(path)).mode;
    } catch {
      return undefined;
    }
  }

  /** The creator may write this file (existing) or create it in its directory (new). */
  private async checkWrite(path: string): Promise<void> {
    if (this.creator.user === "root") return;
    const p = normalize(path);
    const mode = await this.modeOf(p);
    if (mode !== undefined) {
      if (!canWrite(this.creator, this.ownerOf(p), mode)) throw permissionDenied(p);
      return;
    }
    await this.checkDir(p);
  }

  /** The creator may add or remove entries in the directory holding `path`. */
  private async checkDir(path: string): Promise<void> {
    if (this.creator.user === "root") return;
    const parent = normalize(path).replace(/\/[^/]*$/, "") || "/";
    const mode = await this.modeOf(parent);
    if (mode !== undefined && !canModifyDir(this.creator, this.ownerOf(parent), mode)) throw permissionDenied(path);
  }

  /** Every directory above `path` must be searchable, and the file itself readable. */
  async checkRead(path: string): Promise<void> {
    if (this.creator.user === "root") return;
    const p = normalize(path);
    const parts = p.split("/").filter(Boolean);
    let cur = "";
    for (let i = 0; i < parts.length; i++) {
      const dir = cur || "/";
      const mode = await this.modeOf(dir);
      if (mode !== undefined && !canAccess(this.creator, this.ownerOf(dir), mode, 1)) throw permissionDenied(p);
      cur += `/${parts[i]}`;
    }
    const mode = await this.modeOf(p);
    if (mode !== undefined && !canAccess(this.creator, this.ownerOf(p), mode, 4)) throw permissionDenied(p);
  }

  /** Only the owner (or root) may change a mode. */
  private checkOwner(path: string): void {
    if (this.creator.user === "root") return;
    if (this.ownerOf(path).user !== this.creator.user) {
      const e = new Error("Operation not permitted") as Error & { code: string; path: string };
      e.code = "EPERM";
      e.path = normalize(path);
      throw e;
    }
  }

  private async touch(path: string): Promise<void> {
    const d = this.now();
    try {
      await this.mountable.utimes(path, d, d);
    } catch {
      // The path may sit on a read-only mount (/proc): nothing to stamp.
    }
  }

  async readFile(path: string, options?: ReadOpts): Promise<string> {
    await this.checkRead(path);
    return this.mountable.readFile(path, options);
  }
  async readFileBytes(path: string) {
    await this.checkRead(path);
    return this.mountable.readFileBytes(path);
  }
  async readFileBuffer(path: string): Promise<Uint8Array> {
    await this.checkRead(path);
    return this.mountable.readFileBuffer(path);
  }
  /** A write to the terminal's device files: handed to the running line, never stored. */
  private async toTty(path: string, content: FileContent): Promise<boolean> {
    if (path !== TTY_OUT && path !== TTY_ERR) return false;
    const raw = typeof content === "string" ? content : new TextDecoder().decode(content);
    const text = path === TTY_ERR ? await this.directoryErrors(raw, this.ttyCwd) : raw;
    if (text !== "") this.tty?.({ stream: path === TTY_OUT ? "stdout" : "stderr", text });
    return true;
  }

  /**
   * just-bash's command lookup answers `Permission denied` for a directory run as a command
   * (`/scripts`, `./`); bash says `Is a directory` (both with status 126). Rewrites those lines
   * of `stderr` whose path, from one of `cwds` (where the line started, where it ended), is a
   * directory.
   */
  async directoryErrors(stderr: string, ...cwds: string[]): Promise<string> {
    const re = /^bash: (.+): Permission denied$/gm;
    let out = stderr;
    for (const m of stderr.matchAll(re)) {
      const path = m[1] ?? "";
      for (const cwd of cwds) {
        const st = await this.mountable.stat(this.resolvePath(cwd, path)).catch(() => undefined);
        if (!st?.isDirectory) continue;
        out = out.replace(m[0], `bash: ${path}: Is a directory`);
        break;
      }
    }
    return out;
  }

  async writeFile(path: string, content: FileContent, options?: WriteOpts): Promise<void> {
    if (await this.toTty(path, content)) return;
    await this.checkWrite(path);
    await this.admit(path, async () => contentLength(content, options) - (await this.rootFileSize(path)));
    const existed = await this.mountable.exists(path);
    // `>` truncates the file in place: it keeps its mode (a script stays executable)
    const mode = existed ? (await this.mountable.stat(path)).mode : undefined;
    await this.mountable.writeFile(path, content, options);
    if (mode !== undefined && (await this.mountable.stat(path)).mode !== mode) await this.mountable.chmod(path, mode);
    await this.created(path, existed);
  }
  async appendFile(path: string, content: FileContent, options?: WriteOpts | BufferEncoding): Promise<void> {
    if (await this.toTty(path, content)) return;
    await this.checkWrite(path);
    await this.admit(path, async () => contentLength(content, options));
    const existed = await this.mountable.exists(path);
    await this.mountable.appendFile(path, content, options);
    await this.created(path, existed);
  }
  exists(path: string): Promise<boolean> {
    // the terminal's device files are never stored (toTty): bash asks about them before each
    // redirection of a terminal line (tty.ts), twice a command; /dev's listing need not be built
    if (path === TTY_OUT || path === TTY_ERR) return Promise.resolve(false);
    // bash's command lookup asks about every $PATH directory at every command: a path neither
    // in a mounted filesystem nor above a mount point is the root filesystem's to answer, as
    // the mountable filesystem would after routing it (it routes every path through its mounts)
    if (path.includes("\0")) return this.mountable.exists(path);
    const n = normalize(path);
    const below = n === "/" ? "/" : `${n}/`;
    for (const mp of this.mountPoints)
      if (mp === n || n.startsWith(`${mp}/`) || mp.startsWith(below)) return this.mountable.exists(path);
    return this.root.exists(n);
  }
  stat(path: string): Promise<FsStat> {
    return this.mountable.stat(path);
  }
  lstat(path: string): Promise<FsStat> {
    return this.mountable.lstat(path);
  }
  async mkdir(path: string, options?: MkdirOptions): Promise<void> {
    // Stamp every directory this call creates, not only the last one (mkdir -p a/b/c).
    const p = normalize(path);
    const missing: string[] = [];
    let cur = p;
    while (cur !== "/" && !(await this.mountable.exists(cur))) {
      missing.push(cur);
      cur = cur.slice(0, cur.lastIndexOf("/")) || "/";
    }
    const first = missing.at(-1);
    if (first !== undefined) await this.checkDir(first);
    await this.mountable.mkdir(path, options);
    for (const m of missing.reverse()) await this.created(m, false);
  }
  async readdir(path: string): Promise<string[]> {
    await this.checkRead(path);
    return this.mountable.readdir(path);
  }
  async rm(path: string, options?: RmOptions): Promise<void> {
    await this.checkDir(path);
    await this.mountable.rm(path, options);
    const p = normalize(path);
    for (const k of [...this.owners.keys()]) if (k === p || k.startsWith(`${p}/`)) this.owners.delete(k);
  }
  async cp(src: string, dest: string, options?: CpOptions): Promise<void> {
    await this.checkWrite(dest);
    await this.admit(dest, () => this.treeSize(src));
    const existed = await this.mountable.exists(dest);
    await this.mountable.cp(src, dest, options);
    await this.created(dest, existed);
  }
  async mv(src: string, dest: string): Promise<void> {
    await this.checkDir(src);
    await this.checkWrite(dest);
    await this.mountable.mv(src, dest);
    const s = normalize(src);
    const d = normalize(dest);
    for (const k of [...this.owners.keys()]) {
      if (k === s || k.startsWith(`${s}/`)) {
        const o = this.owners.get(k) as Owner;
        this.owners.delete(k);
        this.owners.set(d + k.slice(s.length), o);
      }
    }
  }
  resolvePath(base: string, path: string): string {
    return this.mountable.resolvePath(base, path);
  }
  getAllPaths(): string[] {
    return this.mountable.getAllPaths();
  }
  chmod(path: string, mode: number): Promise<void> {
    this.checkOwner(path);
    return this.mountable.chmod(path, mode);
  }
  async symlink(target: string, linkPath: string): Promise<void> {
    await this.checkDir(linkPath);
    await this.mountable.symlink(target, linkPath);
    await this.created(linkPath, false);
  }
  async link(existingPath: string, newPath: string): Promise<void> {
    await this.mountable.link(existingPath, newPath);
  }
  readlink(path: string): Promise<string> {
    return this.mountable.readlink(path);
  }
  realpath(path: string): Promise<string> {
    return this.mountable.realpath(path);
  }
  utimes(path: string, atime: Date, mtime: Date): Promise<void> {
    return this.mountable.utimes(path, atime, mtime);
  }
}
