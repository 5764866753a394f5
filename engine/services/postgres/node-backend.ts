/**
 * Where a lab PostgreSQL keeps its data: the data directory on the node's filesystem (usually
 * /mnt/drbd/pgdata on the DRBD device). `load()` reads it when the server starts; `apply()`
 * writes what PostgreSQL changed after every statement (WAL first, pg_control last, the order
 * PGlite hands them over), so the device holds what PostgreSQL wrote, replication and crashes
 * included: what `apply()` did not write before a crash is lost, and the next start recovers
 * from the WAL like a real PostgreSQL after a power cut.
 */

import type { ChangeSet, FileWrite, StorageBackend, StorageEntry } from "@electric-sql/pglite/memfs-frontend";
import type { IFileSystem } from "just-bash";
import { bytesPayload } from "../../block/payload";
import type { Payload } from "../../block/types";

/** Files of our own that PostgreSQL itself must not see (the postmaster lock of pg_ctl). */
export const PG_CTL_FILES = new Set(["/postmaster.pid", "/postmaster.opts"]);

/** A filesystem that can write at an offset without rewriting the whole file (BlockFs). */
interface PositionalFs {
  writePayload(path: string, off: number, data: Payload, opts?: { truncate?: boolean }): void;
  /** Time until the queued writes are on stable storage (DRBD: acknowledged per its protocol). */
  consumeLatencyUs?(): number;
  setOwner?(path: string, uid: number, gid: number): void;
}

interface MountAware {
  mountOf(path: string): { fs: IFileSystem; rel: string } | undefined;
}

function positional(fs: IFileSystem, path: string): { fs: PositionalFs; rel: string } | undefined {
  const m = (fs as Partial<MountAware>).mountOf?.(path);
  if (!m || typeof (m.fs as Partial<PositionalFs>).writePayload !== "function") return undefined;
  return { fs: m.fs as unknown as PositionalFs, rel: m.rel };
}

export interface FileOwner {
  uid: number;
  gid: number;
}

/** Walk a directory tree: directories before their contents, paths relative to `root`. */
export async function* walk(fs: IFileSystem, root: string, rel = ""): AsyncGenerator<StorageEntry> {
  const names = (await fs.readdir(`${root}${rel}` || "/")).sort();
  for (const name of names) {
    const p = `${rel}/${name}`;
    if (PG_CTL_FILES.has(p)) continue;
    const st = await fs.lstat(`${root}${p}`);
    if (st.isDirectory) {
      yield { kind: "dir", path: p };
      yield* walk(fs, root, p);
    } else if (st.isFile) {
      // A block device reads into a fresh array; a memory filesystem hands out its own, which
      // the server would then patch in place, bypassing apply() (and a crash).
      const data = await fs.readFileBuffer(`${root}${p}`);
      yield { kind: "file", path: p, data: positional(fs, `${root}${p}`) ? data : data.slice() };
    }
  }
}

export class NodeDirBackend implements StorageBackend {
  /** Bytes written to the node's filesystem so far (for statistics and the bench). */
  bytesWritten = 0;
  flushes = 0;

  /** Filesystems written since the last fsync. */
  private touched = new Set<PositionalFs>();

  constructor(
    private readonly fs: IFileSystem,
    private readonly dir: string,
    private readonly owner: FileOwner,
    /** Let virtual time pass (the server waits for its fsync). */
    private readonly wait: (us: number) => void = () => undefined,
  ) {}

  async init(): Promise<void> {}

  load(): AsyncIterable<StorageEntry> {
    return walk(this.fs, this.dir);
  }

  async apply(changes: ChangeSet): Promise<void> {
    this.flushes++;
    // The server process writes as postgres, whoever's client made it write (a psql prompt's
    // line runs outside any shell command, where the filesystem's creator is root).
    const shellFs = this.fs as IFileSystem & { creator?: { user: string; group: string } };
    const creator = shellFs.creator;
    if (creator) shellFs.creator = { user: "postgres", group: "postgres" };
    try {
      for (const op of changes.ops) {
        const p = `${this.dir}${op.path}`;
        if (op.op === "mkdir") await this.fs.mkdir(p, { recursive: true });
        else await this.fs.rm(p, { recursive: true, force: true });
      }
      for (const f of [...changes.files.wal, ...changes.files.data, ...changes.files.control]) await this.write(f);
    } finally {
      if (creator) shellFs.creator = creator;
    }
    // PostgreSQL fsyncs the WAL before it reports a commit: wait until the device has the
    // writes (on DRBD, until the protocol's acknowledgement point), as the real server does.
    for (const fs of this.touched) this.wait(fs.consumeLatencyUs?.() ?? 0);
    this.touched.clear();
  }

  async close(): Promise<void> {}

  private async write(f: FileWrite): Promise<void> {
    const path = `${this.dir}${f.path}`;
    const pos = positional(this.fs, path);
    const existed = await this.fs.exists(path);
    if (pos && (f.full || !f.truncate || !existed)) {
      this.touched.add(pos.fs);
      // Only the changed pages go to the device (and through DRBD), like pwrite().
      if (f.full || !existed) {
        const whole = new Uint8Array(f.size);
        for (const c of f.chunks) whole.set(c.data, c.at);
        pos.fs.writePayload(pos.rel, 0, bytesPayload(whole), { truncate: true });
        this.bytesWritten += f.size;
      } else {
        for (const c of f.chunks) {
          pos.fs.writePayload(pos.rel, c.at, bytesPayload(c.data));
          this.bytesWritten += c.data.length;
        }
      }
      if (!existed) pos.fs.setOwner?.(pos.rel, this.owner.uid, this.owner.gid);
      return;
    }
    // Any other filesystem (or a file that shrank): read, patch, write back.
    let cur = f.full || !existed ? new Uint8Array(f.size) : await this.fs.readFileBuffer(path);
    if (cur.length !== f.size) {
      const resized = new Uint8Array(f.size);
      resized.set(cur.subarray(0, Math.min(cur.length, f.size)));
      cur = resized;
    }
    for (const c of f.chunks) cur.set(c.data, c.at);
    await this.fs.writeFile(path, cur);
    this.bytesWritten += f.chunks.reduce((n, c) => n + c.data.length, 0);
  }
}
