/**
 * Persistence of the filesystem metadata on the device: mkfs, load at mount, and the
 * write-through log with its checkpoints (see layout.ts for the on-disk picture).
 */
import { bytesPayload, canonical, materialize, zeroPayload } from "../block/payload";
import { BLOCK_SIZE, type BlockDevice, type Payload } from "../block/types";
import { FsError } from "./errors";
import {
  ckptOffset,
  decodeSuperblock,
  encodeSuperblock,
  type FsType,
  geometryFor,
  inodeCountFor,
  logOffset,
  type Superblock,
} from "./layout";
import { type MetaOp, MetaTable, ROOT_INO } from "./meta";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Device I/O that turns failures into filesystem errors and adds up simulated latency. */
export class DevIo {
  /** Summed latency of the I/O since the last `take()` (when no clock is given). */
  latencyUs = 0;
  /**
   * With a clock, I/O queues on the device like writeback: requests are submitted at once and
   * overlap in the device's queue (its model bounds how many are in flight); the filesystem is
   * busy until the last one completes (`busyUntilUs`). A dependent step (O_DIRECT/O_DSYNC
   * write, fsync) makes the requests after it wait for its completion (`cursorUs`).
   */
  clockUs: (() => number) | null = null;
  private busyUntilUs = 0;
  /** When the next request may be submitted: after the last dependent step completed. */
  private cursorUs = 0;
  /** Latest completion among the requests of the dependent step under way, if any. */
  private stepDoneUs: number | null = null;
  /** Prefix for error paths (the mount point). */
  prefix = "";
  constructor(readonly dev: BlockDevice) {}

  read(offset: number, length: number, syscall = "read", path = ""): Payload {
    // a read is waited for: what comes after it starts once it completed
    return this.dependent(() => {
      const at = this.submitAt();
      const r = this.dev.read(offset, length);
      if (!r.ok) throw new FsError("EIO", syscall, this.prefix + path);
      this.account(at, r.latencyUs);
      return r.value;
    });
  }

  write(offset: number, data: Payload, syscall = "write", path = ""): void {
    const at = this.submitAt();
    const r = at === null ? this.dev.write(offset, data) : this.dev.write(offset, data, { atUs: at });
    if (!r.ok) throw new FsError("EIO", syscall, this.prefix + path);
    this.account(at, r.latencyUs);
  }

  private submitAt(): number | null {
    return this.clockUs ? Math.max(this.clockUs(), this.cursorUs) : null;
  }

  private account(at: number | null, us: number): void {
    if (at === null) {
      this.latencyUs += us;
      return;
    }
    const done = at + us;
    this.busyUntilUs = Math.max(this.busyUntilUs, done);
    if (this.stepDoneUs !== null) this.stepDoneUs = Math.max(this.stepDoneUs, done);
  }

  /**
   * Run `fn` as one dependent step (a write with O_DIRECT or O_DSYNC: the caller waits for it):
   * its requests go out together, and later requests are submitted once they completed.
   */
  dependent<T>(fn: () => T): T {
    if (!this.clockUs || this.stepDoneUs !== null) return fn();
    this.stepDoneUs = this.submitAt() ?? 0;
    try {
      return fn();
    } finally {
      this.cursorUs = Math.max(this.cursorUs, this.stepDoneUs);
      this.stepDoneUs = null;
    }
  }

  /** Time still to wait for the queued I/O to complete (with a clock), or the summed latency. */
  take(): number {
    if (this.clockUs) return Math.max(0, Math.max(this.busyUntilUs, this.cursorUs) - this.clockUs());
    const t = this.latencyUs;
    this.latencyUs = 0;
    return t;
  }

  /** fsync: a barrier the caller waits for (it completes after every write before it). */
  flush(): void {
    this.dependent(() => {
      const at = this.submitAt();
      const r = at === null ? this.dev.flush() : this.dev.flush({ atUs: at });
      if (!r.ok) throw new FsError("EIO", "fsync", "");
      this.account(at, r.latencyUs);
    });
  }
}

export interface FormatOptions {
  type: FsType;
  uuid: string;
  label?: string;
  nowMs: number;
}

/** Root directory (one block) and, on ext4, lost+found (four blocks), as mke2fs creates them. */
function emptyTable(type: FsType, dataStart: number, nowMs: number): MetaTable {
  const t = new MetaTable();
  const ext4 = type === "ext4";
  t.applyOp({
    p: { i: ROOT_INO, t: "d", m: 0o755, u: 0, g: 0, s: BLOCK_SIZE, mt: nowMs, n: ext4 ? 3 : 2, r: [[dataStart, 1]] },
  });
  if (ext4) {
    t.applyOp({
      p: { i: 11, t: "d", m: 0o700, u: 0, g: 0, s: 4 * BLOCK_SIZE, mt: nowMs, n: 2, r: [[dataStart + 1, 4]] },
    });
    t.applyOp({ l: [ROOT_INO, "lost+found", 11] });
  }
  return t;
}

function padToBlocks(bytes: Uint8Array): Payload {
  const padded = Math.ceil(bytes.length / BLOCK_SIZE) * BLOCK_SIZE;
  return canonical([...bytesPayload(bytes), ...zeroPayload(padded - bytes.length)]);
}

/** mkfs: superblock, an empty root directory in checkpoint slot 0, a zeroed log. Returns the superblock. */
export function formatDevice(io: DevIo, opts: FormatOptions): Superblock {
  const geo = geometryFor(io.dev.size(), opts.type);
  const ckpt = enc.encode(JSON.stringify(emptyTable(opts.type, geo.dataStart, opts.nowMs).checkpoint()));
  const sb: Superblock = {
    magic: "DRBDLAB-FS",
    version: 1,
    type: opts.type,
    uuid: opts.uuid,
    label: opts.label ?? "",
    blockSize: BLOCK_SIZE,
    blocks: geo.blocks,
    ckptBlocks: geo.ckptBlocks,
    logBlocks: geo.logBlocks,
    slot: 0,
    ckptLen: ckpt.length,
    gen: 1,
    inodes: inodeCountFor(io.dev.size()),
    created: opts.nowMs,
    dataStart: geo.dataStart,
  };
  // Discard the whole metadata area (stale log lines and checkpoints of a previous mkfs), then write.
  io.write(BLOCK_SIZE, zeroPayload((2 * geo.ckptBlocks + geo.logBlocks) * BLOCK_SIZE), "mkfs");
  io.write(ckptOffset(sb, 0), padToBlocks(ckpt), "mkfs");
  io.write(0, bytesPayload(encodeSuperblock(sb)), "mkfs");
  io.flush();
  return sb;
}

/** Read the superblock only (blkid, mount's type probe). */
export function probeSuperblock(dev: BlockDevice): Superblock | null {
  const r = dev.read(0, BLOCK_SIZE);
  if (!r.ok) return null;
  return decodeSuperblock(materialize(r.value));
}

export type LoadResult = { ok: true; store: MetaStore } | { ok: false; why: "no-superblock" | "io-error" };

export class MetaStore {
  private tail: number;
  private tailBlock: Uint8Array;

  private constructor(
    readonly io: DevIo,
    public sb: Superblock,
    readonly table: MetaTable,
    tail: number,
    tailBlock: Uint8Array,
  ) {
    this.tail = tail;
    this.tailBlock = tailBlock;
  }

  static load(io: DevIo): LoadResult {
    try {
      const sb = decodeSuperblock(materialize(io.read(0, BLOCK_SIZE)));
      if (!sb) return { ok: false, why: "no-superblock" };
      const ckptText = dec.decode(materialize(io.read(ckptOffset(sb, sb.slot), sb.ckptLen)));
      const table = MetaTable.fromCheckpoint(JSON.parse(ckptText));
      // The log is literal text followed by zeros: only its leading literal chunks matter.
      const log = io.read(logOffset(sb), sb.logBlocks * BLOCK_SIZE);
      const lead: Payload = [];
      for (const c of log) {
        if (c.kind !== "bytes") break;
        lead.push(c);
      }
      const bytes = materialize(lead);
      let tail = 0;
      while (tail < bytes.length) {
        const nl = bytes.indexOf(0x0a, tail);
        if (nl < 0) break;
        let rec: { g: number; o: MetaOp[] };
        try {
          rec = JSON.parse(dec.decode(bytes.subarray(tail, nl)));
        } catch {
          break;
        }
        if (rec.g !== sb.gen) break;
        for (const op of rec.o) table.applyOp(op);
        tail = nl + 1;
      }
      const blockStart = Math.floor(tail / BLOCK_SIZE) * BLOCK_SIZE;
      const tailBlock = new Uint8Array(BLOCK_SIZE);
      tailBlock.set(bytes.subarray(blockStart, tail));
      return { ok: true, store: new MetaStore(io, sb, table, tail, tailBlock) };
    } catch (e) {
      if (e instanceof FsError) return { ok: false, why: "io-error" };
      return { ok: false, why: "no-superblock" };
    }
  }

  /** Bytes of log used (for benchmarks and tests). */
  logUsed(): number {
    return this.tail;
  }

  /**
   * Persist a group of operations atomically (one log write), then apply them in memory.
   * Throws FsError(EIO) if the device refuses, FsError(ENOSPC) if the metadata area is full.
   */
  commit(ops: MetaOp[], syscall: string, path: string): void {
    const body = JSON.stringify(ops);
    const encode = () => enc.encode(`{"g":${this.sb.gen},"o":${body}}\n`);
    let line = encode();
    if (this.tail + line.length > this.sb.logBlocks * BLOCK_SIZE) {
      this.checkpoint(syscall, path);
      line = encode(); // the generation changed
    }
    if (this.tail + line.length > this.sb.logBlocks * BLOCK_SIZE) throw new FsError("ENOSPC", syscall, path);
    const firstBlock = Math.floor(this.tail / BLOCK_SIZE);
    const lastBlock = Math.floor((this.tail + line.length - 1) / BLOCK_SIZE);
    const buf = new Uint8Array((lastBlock - firstBlock + 1) * BLOCK_SIZE);
    const inBlock = this.tail - firstBlock * BLOCK_SIZE;
    buf.set(this.tailBlock.subarray(0, inBlock));
    buf.set(line, inBlock);
    this.io.write(logOffset(this.sb) + firstBlock * BLOCK_SIZE, bytesPayload(buf), syscall, path);
    this.tail += line.length;
    this.tailBlock = buf.slice(buf.length - BLOCK_SIZE);
    if (this.tail % BLOCK_SIZE === 0) this.tailBlock = new Uint8Array(BLOCK_SIZE);
    for (const op of ops) this.table.applyOp(op);
  }

  /** Set or clear the needs-recovery flag in the superblock (mount rw / clean umount). */
  setDirty(dirty: boolean): void {
    if ((this.sb.dirty ?? false) === dirty) return;
    const next: Superblock = { ...this.sb, dirty };
    this.io.write(0, bytesPayload(encodeSuperblock(next)), "mount", "/");
    this.sb = next;
  }

  /** Snapshot the table into the inactive slot, switch the superblock to it, start an empty log. */
  checkpoint(syscall = "sync", path = ""): void {
    const ckpt = enc.encode(JSON.stringify(this.table.checkpoint()));
    if (ckpt.length > this.sb.ckptBlocks * BLOCK_SIZE) throw new FsError("ENOSPC", syscall, path);
    const slot: 0 | 1 = this.sb.slot === 0 ? 1 : 0;
    this.io.write(ckptOffset(this.sb, slot), padToBlocks(ckpt), syscall, path);
    this.io.flush();
    const next: Superblock = { ...this.sb, slot, ckptLen: ckpt.length, gen: this.sb.gen + 1 };
    this.io.write(0, bytesPayload(encodeSuperblock(next)), syscall, path);
    this.sb = next;
    this.tail = 0;
    this.tailBlock = new Uint8Array(BLOCK_SIZE);
    // Stale lines carry the old generation and would be ignored anyway; zeroing keeps mount cheap.
    this.io.write(logOffset(next), zeroPayload(next.logBlocks * BLOCK_SIZE), syscall, path);
  }
}
