/**
 * A filesystem stored on a block device, implementing just-bash's IFileSystem so it can be
 * mounted into a node's MountableFs. Metadata and data are written through to the device on
 * every mutation (no page cache): after a failover, the peer's mount shows exactly the blocks
 * DRBD replicated. File data keeps its chunk descriptors, so a 10 MiB `dd if=/dev/urandom`
 * file is one PRNG extent on disk and one block run in its inode.
 */
import type { BufferEncoding, CpOptions, FileContent, FsStat, IFileSystem, MkdirOptions, RmOptions } from "just-bash";

type DirentEntry = Awaited<ReturnType<NonNullable<IFileSystem["readdirWithFileTypes"]>>>[number];

import {
  bytesPayload,
  canonical,
  concatPayloads,
  literalBytes,
  materialize,
  payloadSlice,
  zeroPayload,
} from "../block/payload";
import { BLOCK_SIZE, type BlockDevice, type Payload, payloadLength } from "../block/types";
import type { DataQuota } from "../core/data-quota";
import { BlockAllocator, mergeRuns, type Run, runsBlockCount, splitRuns } from "./allocator";
import { fromBytes, toBytes } from "./encoding";
import { FsError } from "./errors";
import { type FsType, geometryOf } from "./layout";
import { type Inode, type MetaOp, ROOT_INO, toAttrs } from "./meta";
import { basename, dirname, joinPath, normalizePath, splitPath } from "./paths";
import { DevIo, MetaStore } from "./store";

export interface BlockFsOptions {
  readOnly?: boolean;
  /** Wall clock in milliseconds (the lab's virtual clock), for mtimes. */
  nowMs: () => number;
  /**
   * Virtual clock in µs: I/O then queues like writeback (a write completes after the ones
   * before it) and `consumeLatencyUs()` is the wait left, not a sum that grows forever.
   */
  clockUs?: () => number;
  /** Called once when a write error aborts the journal (the mount logs it, /proc/mounts shows ro). */
  onAbort?: (fs: BlockFs) => void;
  /** The lab's data cap: a write whose literal bytes do not fit fails with ENOSPC. */
  quota?: DataQuota;
}

export type MountFsResult = { ok: true; fs: BlockFs } | { ok: false; why: "no-superblock" | "io-error" };

export interface StatFs {
  type: FsType;
  blockSize: number;
  /** Blocks usable for data (device minus metadata area). */
  blocks: number;
  free: number;
  /** Free blocks for unprivileged users (ext4 keeps 5% for root; xfs none). */
  avail: number;
  inodes: number;
  inodesFree: number;
}

type ReadOpts = Parameters<IFileSystem["readFile"]>[1];
type WriteOpts = Parameters<IFileSystem["writeFile"]>[2];

export class BlockFs implements IFileSystem {
  readonly dev: BlockDevice;
  readonly readOnly: boolean;
  /** The device was not cleanly unmounted (crash, failover): the mount replayed its log. */
  recovered = false;
  private readonly io: DevIo;
  private readonly store: MetaStore;
  private readonly alloc: BlockAllocator;
  private readonly nowMs: () => number;
  private readonly onAbort: ((fs: BlockFs) => void) | undefined;
  private readonly quota: DataQuota | undefined;

  private constructor(dev: BlockDevice, io: DevIo, store: MetaStore, opts: BlockFsOptions) {
    this.dev = dev;
    this.io = io;
    this.store = store;
    this.readOnly = opts.readOnly ?? false;
    this.nowMs = opts.nowMs;
    this.onAbort = opts.onAbort;
    this.quota = opts.quota;
    const geo = geometryOf(store.sb);
    const used: Run[] = [];
    for (const n of store.table.inodes.values()) used.push(...n.runs);
    this.alloc = new BlockAllocator(geo.dataStart, geo.dataBlocks, used);
  }

  /** Read the superblock and metadata from the device. */
  static mount(dev: BlockDevice, opts: BlockFsOptions): MountFsResult {
    const io = new DevIo(dev);
    if (opts.clockUs) io.clockUs = opts.clockUs;
    const r = MetaStore.load(io);
    if (!r.ok) return r;
    const fs = new BlockFs(dev, io, r.store, opts);
    fs.recovered = r.store.sb.dirty === true;
    if (!fs.readOnly) {
      try {
        r.store.setDirty(true);
      } catch {
        return { ok: false, why: "io-error" };
      }
    }
    return { ok: true, fs };
  }

  get type(): FsType {
    return this.store.sb.type;
  }

  get uuid(): string {
    return this.store.sb.uuid;
  }

  get label(): string {
    return this.store.sb.label;
  }

  /**
   * How long a caller must wait for this filesystem's I/O: with a clock, the time until the
   * queued writes complete (what sync/umount/dd wait for); without, the latency summed since
   * the last call. Commands advance the lab clock by it.
   */
  consumeLatencyUs(): number {
    return this.io.take();
  }

  statfs(): StatFs {
    const sb = this.store.sb;
    const geo = geometryOf(sb);
    const free = this.alloc.freeBlocks();
    const reserved = sb.type === "ext4" ? Math.floor(geo.dataBlocks * 0.05) : 0;
    // ext4 leaves its overhead out of f_blocks; xfs hides ~1% and reports the rest as used
    // (a fresh 1 GiB xfs shows "1014M 40M").
    const blocks = sb.type === "xfs" ? geo.blocks - Math.floor(geo.blocks / 100) : geo.dataBlocks;
    return {
      type: sb.type,
      blockSize: sb.blockSize,
      blocks,
      free,
      avail: Math.max(0, free - reserved),
      inodes: sb.inodes,
      inodesFree: Math.max(0, sb.inodes - this.store.table.inodes.size),
    };
  }

  /** Metadata log bytes in use (benchmarks). */
  metadataLogBytes(): number {
    return this.store.logUsed();
  }

  /**
   * Where this filesystem is mounted in the machine's namespace (set by mount). Error paths
   * are reported under it, so that bash can say `bash: /mnt/drbd/f: Read-only file system`.
   */
  get mountPoint(): string {
    return this.mountAt;
  }

  set mountPoint(p: string) {
    this.mountAt = p;
    this.io.prefix = p;
  }

  private mountAt = "";

  private err(code: ConstructorParameters<typeof FsError>[0], syscall: string, path: string): FsError {
    return new FsError(
      code,
      syscall,
      this.mountPoint ? `${this.mountPoint}${normalizePath(path) === "/" ? "" : normalizePath(path)}` : path,
    );
  }

  // ---------------------------------------------------------------- lookup

  private root(): Inode {
    const r = this.store.table.get(ROOT_INO);
    if (!r) throw this.err("EIO", "stat", "/");
    return r;
  }

  private node(ino: number, syscall: string, path: string): Inode {
    const n = this.store.table.get(ino);
    if (!n) throw this.err("EIO", syscall, path);
    return n;
  }

  /** Resolve a path to its inode; symlinks are followed inside this filesystem. */
  private walk(path: string, followLast: boolean, syscall: string, hops = 0): { node: Inode; canon: string } {
    const parts = splitPath(path);
    let cur = this.root();
    const done: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i] as string;
      if (cur.type !== "d" || !cur.entries) throw this.err("ENOTDIR", syscall, path);
      const ino = cur.entries.get(name);
      if (ino === undefined) throw this.err("ENOENT", syscall, path);
      const child = this.node(ino, syscall, path);
      const last = i === parts.length - 1;
      if (child.type === "l" && (!last || followLast)) {
        if (hops >= 40) throw this.err("ELOOP", syscall, path);
        const target = joinPath(`/${done.join("/")}`, child.target ?? "");
        return this.walk(`${target}/${parts.slice(i + 1).join("/")}`, followLast, syscall, hops + 1);
      }
      cur = child;
      done.push(name);
    }
    return { node: cur, canon: `/${done.join("/")}` };
  }

  private tryWalk(path: string, followLast: boolean): Inode | null {
    try {
      return this.walk(path, followLast, "stat").node;
    } catch {
      return null;
    }
  }

  /** Parent directory and entry name for creating or replacing `path`. */
  private parentOf(path: string, syscall: string): { dir: Inode; name: string } {
    const name = basename(path);
    if (!name) throw this.err("EEXIST", syscall, path);
    const dir = this.walk(dirname(path), true, syscall).node;
    if (dir.type !== "d") throw this.err("ENOTDIR", syscall, path);
    return { dir, name };
  }

  private assertWritable(syscall: string, path: string): void {
    if (this.readOnly) throw this.err("EROFS", syscall, path);
    // After an aborted journal ext4 is remounted read-only; a shut-down xfs answers EIO.
    if (this.aborted) throw this.err(this.type === "xfs" ? "EIO" : "EROFS", syscall, path);
  }

  /**
   * The device failed a write (DRBD lost access to good data, a dying disk): like ext4's
   * journal abort with errors=remount-ro and xfs's forced shutdown, the filesystem refuses
   * every later change. Only the writer that hit the error sees EIO.
   */
  aborted = false;

  private commit(ops: MetaOp[], syscall: string, path: string): void {
    this.guard(() => this.store.commit(ops, syscall, path));
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof FsError && e.code === "EIO" && !this.readOnly && !this.aborted) {
        this.aborted = true;
        this.onAbort?.(this);
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- data I/O

  /** Payload of the file bytes [off, off+len) (len clipped to the file size). */
  private readData(n: Inode, off: number, len: number, path: string): Payload {
    const end = Math.min(n.size, off + len);
    if (end <= off) return [];
    const out: Payload = [];
    let fileOff = 0;
    for (const [start, count] of n.runs) {
      const runLen = count * BLOCK_SIZE;
      const from = Math.max(off, fileOff);
      const to = Math.min(end, fileOff + runLen);
      if (from < to) out.push(...this.io.read(start * BLOCK_SIZE + (from - fileOff), to - from, "read", path));
      fileOff += runLen;
      if (fileOff >= end) break;
    }
    return canonical(out);
  }

  private writeRuns(runs: Run[], fileOff: number, data: Payload, path: string): void {
    const len = payloadLength(data);
    let runOff = 0;
    for (const [start, count] of runs) {
      const runLen = count * BLOCK_SIZE;
      const from = Math.max(fileOff, runOff);
      const to = Math.min(fileOff + len, runOff + runLen);
      if (from < to)
        this.io.write(
          start * BLOCK_SIZE + (from - runOff),
          payloadSlice(data, from - fileOff, to - from),
          "write",
          path,
        );
      runOff += runLen;
      if (runOff >= fileOff + len) break;
    }
  }

  /**
   * The one write path: put `data` at `off` in the file at `path` (created if missing), whole
   * blocks at a time. `truncate` makes the file end at off+len. Data first, then one metadata
   * log line (ext4 data=ordered); on any failure the allocation is rolled back. `direct`
   * (O_DIRECT/O_DSYNC): the caller waits for these writes, so the next request starts after them.
   */
  writePayload(
    path: string,
    off: number,
    data: Payload,
    opts: { truncate?: boolean; syscall?: string; direct?: boolean } = {},
  ): void {
    if (opts.direct) this.io.dependent(() => this.guard(() => this.writePayloadNow(path, off, data, opts)));
    else this.guard(() => this.writePayloadNow(path, off, data, opts));
  }

  private writePayloadNow(
    path: string,
    off: number,
    data: Payload,
    opts: { truncate?: boolean; syscall?: string },
    hops = 0,
  ): void {
    const syscall = opts.syscall ?? "open";
    this.assertWritable(syscall, path);
    const existing = this.tryWalk(path, true);
    if (!existing) {
      // O_CREAT through a dangling symlink creates the file it points to.
      const link = this.tryWalk(path, false);
      if (link?.type === "l") {
        if (hops >= 40) throw this.err("ELOOP", syscall, path);
        this.writePayloadNow(joinPath(dirname(path), link.target ?? ""), off, data, opts, hops + 1);
        return;
      }
    }
    if (existing && existing.type === "d") throw this.err("EISDIR", syscall, path);
    let target: { dir: Inode; name: string } | null = null;
    if (!existing) target = this.parentOf(path, syscall);
    // With truncate (O_TRUNC, or dd without conv=notrunc) the file ends at off+len but keeps what precedes off.
    const oldSize = Math.min(existing?.size ?? 0, opts.truncate ? off : Number.MAX_SAFE_INTEGER);
    const oldRuns = existing ? existing.runs : [];
    let start = off;
    let payload = data;
    if (start > oldSize) {
      payload = concatPayloads(zeroPayload(start - oldSize), payload);
      start = oldSize;
    }
    const len = payloadLength(payload);
    if (this.quota) {
      // literal bytes only (zero runs and PRNG streams cost nothing); what the write overwrites is freed
      const literal = literalBytes(data);
      const overwritten = Math.max(0, Math.min(oldSize, start + len) - start);
      if (!this.quota.fits(literal - overwritten)) throw this.err("ENOSPC", "write", path);
    }
    const newSize = opts.truncate ? start + len : Math.max(oldSize, start + len);
    const need = Math.ceil(newSize / BLOCK_SIZE);
    const [kept, extra] = splitRuns(oldRuns, need);
    const missing = need - runsBlockCount(kept);
    const lastKept = kept[kept.length - 1];
    const fresh = missing > 0 ? this.alloc.allocate(missing, lastKept ? lastKept[0] + lastKept[1] : undefined) : [];
    if (fresh === null) throw this.err("ENOSPC", "write", path);
    const runs = mergeRuns([...kept.map((r): Run => [r[0], r[1]]), ...fresh]);
    try {
      const bStart = Math.floor(start / BLOCK_SIZE) * BLOCK_SIZE;
      const bEnd = need * BLOCK_SIZE;
      const stop = Math.min(bEnd, Math.ceil((start + len) / BLOCK_SIZE) * BLOCK_SIZE);
      const head =
        existing && bStart < start
          ? payloadSlice(this.readData(existing, bStart, start - bStart, path), 0, start - bStart)
          : [];
      const tailFrom = start + len;
      const tailOld =
        existing && tailFrom < oldSize
          ? this.readData(existing, tailFrom, Math.min(oldSize, stop) - tailFrom, path)
          : [];
      const tail = payloadSlice(tailOld, 0, stop - tailFrom);
      this.writeRuns(runs, bStart, concatPayloads(head, payload, tail), path);
      const now = this.nowMs();
      const ops: MetaOp[] = [];
      if (existing) {
        ops.push({ p: toAttrs({ ...existing, size: newSize, runs, mtime: now }) });
      } else if (target) {
        const ino = this.store.table.nextIno;
        ops.push({ p: { i: ino, t: "f", m: 0o644, u: 0, g: 0, s: newSize, mt: now, n: 1, r: runs } });
        ops.push({ l: [target.dir.ino, target.name, ino] });
        ops.push({ p: toAttrs({ ...target.dir, mtime: now }) });
      }
      this.commit(ops, syscall, path);
    } catch (e) {
      this.alloc.release(fresh);
      throw e;
    }
    this.alloc.release(extra);
  }

  /** Payload of a file range, descriptors preserved (dd, cp, md5sum of huge files). */
  readPayload(path: string, off = 0, len = Number.MAX_SAFE_INTEGER): Payload {
    const n = this.walk(path, true, "open").node;
    if (n.type === "d") throw this.err("EISDIR", "read", path);
    return this.readData(n, off, Math.min(len, n.size - off), path);
  }

  /** Set owner (chown / PostgreSQL's data directory); not part of IFileSystem. */
  setOwner(path: string, uid: number, gid: number): void {
    this.assertWritable("chown", path);
    const n = this.walk(path, true, "chown").node;
    this.commit([{ p: toAttrs({ ...n, uid, gid }) }], "chown", path);
  }

  owner(path: string): { uid: number; gid: number } {
    const n = this.walk(path, true, "stat").node;
    return { uid: n.uid, gid: n.gid };
  }

  /** Persist a checkpoint and flush the device (sync, umount). */
  sync(): void {
    if (!this.readOnly) this.store.checkpoint("sync", "/");
    this.io.flush();
  }

  /** Clean unmount: checkpoint, clear the needs-recovery flag, flush. */
  unmountClean(): void {
    if (!this.readOnly) {
      this.store.checkpoint("umount", "/");
      this.store.setDirty(false);
    }
    this.io.flush();
  }

  // ---------------------------------------------------------------- IFileSystem

  async readFile(path: string, options?: ReadOpts): Promise<string> {
    return fromBytes(await this.readFileBuffer(path), options);
  }

  async readFileBuffer(path: string): Promise<Uint8Array> {
    const n = this.walk(path, true, "open").node;
    if (n.type === "d") throw this.err("EISDIR", "read", path);
    return materialize(this.readData(n, 0, n.size, path));
  }

  async writeFile(path: string, content: FileContent, options?: WriteOpts): Promise<void> {
    this.writePayload(path, 0, bytesPayload(toBytes(content, options)), { truncate: true, syscall: "open" });
  }

  async appendFile(path: string, content: FileContent, options?: WriteOpts): Promise<void> {
    const n = this.tryWalk(path, true);
    this.writePayload(path, n ? n.size : 0, bytesPayload(toBytes(content, options)), { syscall: "open" });
  }

  async exists(path: string): Promise<boolean> {
    return this.tryWalk(path, true) !== null;
  }

  private toStat(n: Inode): FsStat {
    return {
      isFile: n.type === "f",
      isDirectory: n.type === "d",
      isSymbolicLink: n.type === "l",
      mode: n.mode | (n.type === "d" ? 0o040000 : n.type === "l" ? 0o120000 : 0o100000),
      size: n.size,
      mtime: new Date(n.mtime),
      ino: n.ino,
    };
  }

  async stat(path: string): Promise<FsStat> {
    return this.toStat(this.walk(path, true, "stat").node);
  }

  async lstat(path: string): Promise<FsStat> {
    return this.toStat(this.walk(path, false, "lstat").node);
  }

  async mkdir(path: string, options?: MkdirOptions): Promise<void> {
    const existing = this.tryWalk(path, true);
    if (existing) {
      if (existing.type !== "d" || !options?.recursive) throw this.err("EEXIST", "mkdir", path);
      return;
    }
    this.assertWritable("mkdir", path);
    if (options?.recursive && !this.tryWalk(dirname(path), true) && normalizePath(path) !== "/") {
      await this.mkdir(dirname(path), options);
    }
    const { dir, name } = this.parentOf(path, "mkdir");
    const ino = this.store.table.nextIno;
    const now = this.nowMs();
    const block = this.alloc.allocate(1); // a directory holds one block, as on ext4
    if (!block) throw this.err("ENOSPC", "mkdir", path);
    try {
      this.guard(() => this.io.write((block[0]?.[0] ?? 0) * BLOCK_SIZE, zeroPayload(BLOCK_SIZE), "mkdir", path));
      this.commit(
        [
          { p: { i: ino, t: "d", m: 0o755, u: 0, g: 0, s: BLOCK_SIZE, mt: now, n: 2, r: block } },
          { l: [dir.ino, name, ino] },
          { p: toAttrs({ ...dir, nlink: dir.nlink + 1, mtime: now }) },
        ],
        "mkdir",
        path,
      );
    } catch (e) {
      this.alloc.release(block);
      throw e;
    }
  }

  async readdir(path: string): Promise<string[]> {
    return (await this.readdirWithFileTypes(path)).map((d) => d.name);
  }

  async readdirWithFileTypes(path: string): Promise<DirentEntry[]> {
    const n = this.walk(path, true, "scandir").node;
    if (n.type !== "d" || !n.entries) throw this.err("ENOTDIR", "scandir", path);
    return [...n.entries.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([name, ino]) => {
        const c = this.store.table.get(ino);
        return { name, isFile: c?.type === "f", isDirectory: c?.type === "d", isSymbolicLink: c?.type === "l" };
      });
  }

  async rm(path: string, options?: RmOptions): Promise<void> {
    const n = this.tryWalk(path, false);
    if (!n) {
      if (options?.force) return;
      throw this.err("ENOENT", "rm", path);
    }
    this.assertWritable("rm", path);
    if (n.ino === ROOT_INO) throw this.err("EBUSY", "rm", path);
    if (n.type === "d" && n.entries && n.entries.size > 0) {
      if (!options?.recursive) throw this.err("ENOTEMPTY", "rm", path);
      for (const name of [...n.entries.keys()]) await this.rm(`${normalizePath(path)}/${name}`, options);
    }
    const { dir, name } = this.parentOf(path, "rm");
    const now = this.nowMs();
    const ops: MetaOp[] = [{ u: [dir.ino, name] }];
    const last = n.type === "d" || n.nlink <= 1;
    ops.push(last ? { x: n.ino } : { p: toAttrs({ ...n, nlink: n.nlink - 1 }) });
    ops.push({ p: toAttrs({ ...dir, nlink: n.type === "d" ? dir.nlink - 1 : dir.nlink, mtime: now }) });
    this.commit(ops, "rm", path);
    if (last) this.alloc.release(n.runs);
  }

  async cp(src: string, dest: string, options?: CpOptions): Promise<void> {
    const n = this.walk(src, true, "cp").node;
    if (n.type === "d") {
      if (!options?.recursive) throw this.err("EISDIR", "cp", src);
      if (normalizePath(dest) === normalizePath(src) || normalizePath(dest).startsWith(`${normalizePath(src)}/`)) {
        throw this.err("EINVAL", "cp", src);
      }
      await this.mkdir(dest, { recursive: true });
      for (const name of n.entries?.keys() ?? [])
        await this.cp(`${normalizePath(src)}/${name}`, `${normalizePath(dest)}/${name}`, options);
      return;
    }
    if (n.type === "l") {
      await this.symlink(n.target ?? "", dest);
      return;
    }
    this.writePayload(dest, 0, this.readData(n, 0, n.size, src), { truncate: true, syscall: "cp" });
  }

  async mv(src: string, dest: string): Promise<void> {
    const from = normalizePath(src);
    const to = normalizePath(dest);
    if (from === to) return;
    const n = this.walk(src, false, "mv").node;
    this.assertWritable("mv", src);
    if (n.type === "d" && to.startsWith(`${from}/`)) throw this.err("EINVAL", "mv", src);
    const s = this.parentOf(src, "mv");
    const d = this.parentOf(dest, "mv");
    const victim = this.tryWalk(dest, false);
    const ops: MetaOp[] = [];
    if (victim) {
      if (victim.type === "d" && n.type !== "d") throw this.err("EISDIR", "mv", dest);
      if (victim.type === "d" && victim.entries && victim.entries.size > 0) throw this.err("ENOTEMPTY", "mv", dest);
      ops.push({ u: [d.dir.ino, d.name] });
      ops.push(
        victim.type !== "d" && victim.nlink > 1
          ? { p: toAttrs({ ...victim, nlink: victim.nlink - 1 }) }
          : { x: victim.ino },
      );
    }
    const now = this.nowMs();
    ops.push({ u: [s.dir.ino, s.name] }, { l: [d.dir.ino, d.name, n.ino] });
    const dirDelta = n.type === "d" && s.dir.ino !== d.dir.ino ? 1 : 0;
    ops.push({ p: toAttrs({ ...s.dir, nlink: s.dir.nlink - dirDelta, mtime: now }) });
    if (d.dir.ino !== s.dir.ino) ops.push({ p: toAttrs({ ...d.dir, nlink: d.dir.nlink + dirDelta, mtime: now }) });
    this.commit(ops, "mv", src);
    if (victim && (victim.type === "d" || victim.nlink <= 1)) this.alloc.release(victim.runs);
  }

  resolvePath(base: string, path: string): string {
    return joinPath(base, path);
  }

  getAllPaths(): string[] {
    const out: string[] = [];
    const visit = (n: Inode, p: string): void => {
      for (const [name, ino] of [...(n.entries ?? new Map<string, number>()).entries()].sort()) {
        const child = this.store.table.get(ino);
        const cp = p === "/" ? `/${name}` : `${p}/${name}`;
        out.push(cp);
        if (child?.type === "d") visit(child, cp);
      }
    };
    out.push("/");
    visit(this.root(), "/");
    return out;
  }

  async chmod(path: string, mode: number): Promise<void> {
    const n = this.walk(path, true, "chmod").node;
    this.assertWritable("chmod", path);
    this.commit([{ p: toAttrs({ ...n, mode: mode & 0o7777 }) }], "chmod", path);
  }

  async symlink(target: string, linkPath: string): Promise<void> {
    if (this.tryWalk(linkPath, false)) throw this.err("EEXIST", "symlink", linkPath);
    this.assertWritable("symlink", linkPath);
    const { dir, name } = this.parentOf(linkPath, "symlink");
    const ino = this.store.table.nextIno;
    const now = this.nowMs();
    this.commit(
      [
        { p: { i: ino, t: "l", m: 0o777, u: 0, g: 0, s: target.length, mt: now, n: 1, r: [], tg: target } },
        { l: [dir.ino, name, ino] },
        { p: toAttrs({ ...dir, mtime: now }) },
      ],
      "symlink",
      linkPath,
    );
  }

  async link(existingPath: string, newPath: string): Promise<void> {
    const n = this.walk(existingPath, true, "link").node;
    if (n.type !== "f") throw this.err("EPERM", "link", existingPath);
    if (this.tryWalk(newPath, false)) throw this.err("EEXIST", "link", newPath);
    this.assertWritable("link", newPath);
    const { dir, name } = this.parentOf(newPath, "link");
    this.commit([{ p: toAttrs({ ...n, nlink: n.nlink + 1 }) }, { l: [dir.ino, name, n.ino] }], "link", newPath);
  }

  async readlink(path: string): Promise<string> {
    const n = this.walk(path, false, "readlink").node;
    if (n.type !== "l") throw this.err("EINVAL", "readlink", path);
    return n.target ?? "";
  }

  async realpath(path: string): Promise<string> {
    return this.walk(path, true, "realpath").canon;
  }

  async utimes(path: string, _atime: Date, mtime: Date): Promise<void> {
    const n = this.walk(path, true, "utimes").node;
    this.assertWritable("utimes", path);
    // The shell stamps every file it writes; the write already set this mtime: no extra log line.
    if (n.mtime === mtime.getTime()) return;
    this.commit([{ p: toAttrs({ ...n, mtime: mtime.getTime() }) }], "utimes", path);
  }

  // ---------------------------------------------------------------- consistency

  /** fsck-like check of the in-memory view against itself and the allocator; [] when clean. */
  check(): string[] {
    const problems: string[] = [];
    const geo = geometryOf(this.store.sb);
    const spans: { start: number; end: number; who: string }[] = [];
    const refs = new Map<number, number>();
    const visit = (n: Inode, p: string, seen: Set<number>): void => {
      if (seen.has(n.ino)) {
        problems.push(`directory loop at ${p}`);
        return;
      }
      seen.add(n.ino);
      for (const [name, ino] of n.entries ?? []) {
        refs.set(ino, (refs.get(ino) ?? 0) + 1);
        const c = this.store.table.get(ino);
        if (!c) problems.push(`${p}/${name}: entry points to missing inode ${ino}`);
        else if (c.type === "d") visit(c, `${p}/${name}`, seen);
      }
    };
    visit(this.root(), "", new Set());
    for (const n of this.store.table.inodes.values()) {
      if (n.ino !== ROOT_INO && !refs.has(n.ino)) problems.push(`inode ${n.ino} is not linked from any directory`);
      if (n.type === "f" && (refs.get(n.ino) ?? 0) !== n.nlink)
        problems.push(`inode ${n.ino}: nlink ${n.nlink} but ${refs.get(n.ino) ?? 0} links`);
      if (n.type === "f" && runsBlockCount(n.runs) * BLOCK_SIZE < n.size)
        problems.push(`inode ${n.ino}: size ${n.size} exceeds its blocks`);
      if (runsBlockCount(n.runs) > Math.ceil(n.size / BLOCK_SIZE))
        problems.push(`inode ${n.ino}: holds more blocks than its size needs`);
      for (const [s, c] of n.runs) {
        if (s < geo.dataStart || s + c > geo.blocks)
          problems.push(`inode ${n.ino}: run ${s}+${c} outside the data area`);
        spans.push({ start: s, end: s + c, who: `inode ${n.ino}` });
      }
    }
    // Used and free runs must tile the data area exactly: sort them and look for overlaps
    // (run-based, so a 1 GiB file costs one comparison, not 262,144).
    let used = 0;
    for (const sp of spans) used += sp.end - sp.start;
    for (const [s, c] of this.alloc.freeRuns()) spans.push({ start: s, end: s + c, who: "the free map" });
    spans.sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++) {
      const a = spans[i - 1] as (typeof spans)[number];
      const b = spans[i] as (typeof spans)[number];
      if (b.start < a.end)
        problems.push(`blocks ${b.start}..${Math.min(a.end, b.end) - 1} claimed by ${a.who} and ${b.who}`);
    }
    if (used + this.alloc.freeBlocks() !== geo.dataBlocks)
      problems.push(`block accounting: ${used} used + ${this.alloc.freeBlocks()} free != ${geo.dataBlocks}`);
    return problems;
  }
}

export type { BufferEncoding };
