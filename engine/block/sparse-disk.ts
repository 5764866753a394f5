/**
 * A disk whose content is an extent map: sorted, non-overlapping runs of non-zero chunks
 * (literal bytes or seeded PRNG streams); everything between them reads as zeros. Memory is
 * proportional to the number of distinct writes, not to the size, so a 1 TiB disk costs what
 * a 1 GiB one does, and `dd if=/dev/urandom bs=1M count=10` is a single PRNG extent.
 */
import { INTERN_MIN_BYTES, intern } from "./intern";
import { canonical, chunkLength, chunkSlice } from "./payload";
import { DiskQueue } from "./queue";
import {
  BLOCK_SIZE,
  type BlockDevice,
  type Chunk,
  type IoResult,
  type IoSubmit,
  type OpenMode,
  type OpenResult,
  type Payload,
  payloadLength,
} from "./types";

export interface DiskPerformance {
  /** Fixed cost of one I/O in microseconds (seek/command overhead). */
  latencyUs: number;
  /** Sustained transfer rate in bytes per second. */
  bandwidthBps: number;
}

/** SSD-like default: ~100 µs per I/O and 500 MB/s. */
export const SSD_PERFORMANCE: DiskPerformance = { latencyUs: 100, bandwidthBps: 500_000_000 };

export type DiskFault = { kind: "eio" } | { kind: "slow"; factor?: number };

/**
 * Openers that claim the device exclusively, as the kernel's bd_claim / O_EXCL do: a mounted
 * filesystem, DRBD's attached backing disk, mkfs. Two exclusive claims conflict (EBUSY);
 * plain readers and writers (dd, blkid) do not.
 */
export const EXCLUSIVE_OPENERS: ReadonlySet<string> = new Set(["mount", "drbd", "mkfs"]);

export function isExclusiveOpener(opener: string): boolean {
  return EXCLUSIVE_OPENERS.has(opener.split(":")[0] ?? opener);
}

interface Extent {
  start: number;
  chunk: Chunk; // never kind "zero"
}

export class SparseDisk implements BlockDevice {
  readonly path: string;
  private readonly bytes: number;
  private extents: Extent[] = [];
  /** Sum of the literal extents' lengths, kept up to date by writeRaw. */
  private literal = 0;
  /** Literal bytes written since the extents last went through the sharing table (share()). */
  private unshared = 0;
  private perf: DiskPerformance;
  private fault: DiskFault | null = null;
  private holders: { opener: string; mode: OpenMode }[] = [];
  /** Requests submitted with a time (`atUs`) share the disk's bandwidth in this queue. */
  private readonly queue = new DiskQueue();
  /** I/O counters, for `iostat`-like views and tests. */
  readonly stats = { reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0, flushes: 0 };

  constructor(path: string, sizeBytes: number, perf: Partial<DiskPerformance> = {}) {
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes % BLOCK_SIZE !== 0) {
      throw new RangeError(`SparseDisk ${path}: size must be a positive multiple of ${BLOCK_SIZE}, got ${sizeBytes}`);
    }
    this.path = path;
    this.bytes = sizeBytes;
    this.perf = { ...SSD_PERFORMANCE, ...perf };
  }

  size(): number {
    return this.bytes;
  }

  setPerformance(perf: Partial<DiskPerformance>): void {
    this.perf = { ...this.perf, ...perf };
  }

  performance(): DiskPerformance {
    return { ...this.perf };
  }

  /** Inject a failure for later I/O: "eio" fails every read/write/flush, "slow" multiplies latency. */
  setFault(fault: DiskFault | null): void {
    this.fault = fault;
  }

  currentFault(): DiskFault | null {
    return this.fault;
  }

  /** Simulated duration of an I/O of `length` bytes on this disk. */
  costUs(length: number): number {
    const base = this.perf.latencyUs + (length * 1_000_000) / this.perf.bandwidthBps;
    return Math.max(1, Math.round(base * this.slowFactor()));
  }

  private slowFactor(): number {
    return this.fault?.kind === "slow" ? (this.fault.factor ?? 10) : 1;
  }

  /**
   * Latency of a write or flush: its plain service time, or, submitted at a time, its
   * completion in the disk's queue (bandwidth shared with the requests queued before it).
   */
  private queuedUs(length: number, submit: IoSubmit | undefined, flush: boolean): number {
    const at = submit?.atUs;
    if (at === undefined) return this.costUs(length);
    const f = this.slowFactor();
    const latency = Math.round(this.perf.latencyUs * f);
    const done = flush
      ? this.queue.barrier(at, latency)
      : this.queue.transfer(at, Math.round(((length * 1_000_000) / this.perf.bandwidthBps) * f), latency);
    return Math.max(1, done - at);
  }

  read(offset: number, length: number): IoResult<Payload> {
    if (this.fault?.kind === "eio")
      return {
        ok: false,
        errno: "EIO",
        reason: `I/O error, dev ${this.path}, sector ${Math.floor(offset / 512)} op 0x0:(READ)`,
      };
    if (!this.inRange(offset, length))
      return { ok: false, errno: "EIO", reason: `attempt to access beyond end of device ${this.path}` };
    this.stats.reads++;
    this.stats.bytesRead += length;
    return { ok: true, latencyUs: this.costUs(length), value: this.readRaw(offset, length) };
  }

  write(offset: number, data: Payload, submit?: IoSubmit): IoResult {
    const length = payloadLength(data);
    if (this.fault?.kind === "eio")
      return {
        ok: false,
        errno: "EIO",
        reason: `I/O error, dev ${this.path}, sector ${Math.floor(offset / 512)} op 0x1:(WRITE)`,
      };
    if (!this.inRange(offset, length))
      return { ok: false, errno: "ENOSPC", reason: `attempt to access beyond end of device ${this.path}` };
    this.stats.writes++;
    this.stats.bytesWritten += length;
    this.writeRaw(offset, data);
    return { ok: true, latencyUs: this.queuedUs(length, submit, false) };
  }

  flush(submit?: IoSubmit): IoResult {
    if (this.fault?.kind === "eio")
      return { ok: false, errno: "EIO", reason: `I/O error, dev ${this.path}, op 0x2:(FLUSH)` };
    this.stats.flushes++;
    return { ok: true, latencyUs: this.queuedUs(0, submit, true) };
  }

  open(mode: OpenMode, opener: string): OpenResult {
    if (isExclusiveOpener(opener) && this.holders.some((h) => isExclusiveOpener(h.opener))) {
      return {
        ok: false,
        errno: "EBUSY",
        reason: `${this.path} is claimed by ${this.holders.find((h) => isExclusiveOpener(h.opener))?.opener}`,
      };
    }
    this.holders.push({ opener, mode });
    return { ok: true };
  }

  close(opener: string): void {
    const i = this.holders.findIndex((h) => h.opener === opener);
    if (i >= 0) this.holders.splice(i, 1);
  }

  openers(): { opener: string; mode: OpenMode }[] {
    return this.holders.map((h) => ({ ...h }));
  }

  /** Drop every opener (the machine crashed: no process holds the device any more). */
  closeAll(): void {
    this.holders = [];
  }

  /** Number of stored extents: the memory cost of this disk. */
  extentCount(): number {
    return this.extents.length;
  }

  /** Bytes held as literal data (PRNG and zero runs cost nothing); the lab's data cap counts them. */
  literalBytes(): number {
    return this.literal;
  }

  /** The buffers behind the literal extents (a buffer shared by several extents or disks is one). */
  literalBuffers(): Set<ArrayBufferLike> {
    const out = new Set<ArrayBufferLike>();
    for (const e of this.extents) if (e.chunk.kind === "bytes") out.add(e.chunk.data.buffer);
    return out;
  }

  /** Plain descriptor of the extent map (start, kind, length), for snapshots and debugging. */
  describe(): { start: number; kind: "bytes" | "prng"; length: number }[] {
    return this.extents.map((e) => ({
      start: e.start,
      kind: e.chunk.kind as "bytes" | "prng",
      length: chunkLength(e.chunk),
    }));
  }

  /** Read without fault injection or accounting (resync source views, invariants). */
  readRaw(offset: number, length: number): Payload {
    const out: Chunk[] = [];
    const end = offset + length;
    let pos = offset;
    for (let i = this.firstEndingAfter(offset); i < this.extents.length; i++) {
      const e = this.extents[i] as Extent;
      if (e.start >= end) break;
      const eEnd = e.start + chunkLength(e.chunk);
      if (e.start > pos) out.push({ kind: "zero", length: e.start - pos });
      const from = Math.max(pos, e.start);
      const to = Math.min(end, eEnd);
      out.push(chunkSlice(e.chunk, from - e.start, to - from));
      pos = to;
    }
    if (pos < end) out.push({ kind: "zero", length: end - pos });
    return canonical(out);
  }

  /** Write without fault injection or accounting. */
  writeRaw(offset: number, data: Payload): void {
    const length = payloadLength(data);
    if (length === 0) return;
    const end = offset + length;
    const first = this.firstEndingAfter(offset);
    let last = first;
    while (last < this.extents.length && (this.extents[last] as Extent).start < end) last++;
    const replacement: Extent[] = [];
    const head = this.extents[first];
    if (head && first < last && head.start < offset) {
      replacement.push({ start: head.start, chunk: chunkSlice(head.chunk, 0, offset - head.start) });
    }
    let pos = offset;
    for (const c of canonical(data)) {
      const len = chunkLength(c);
      if (c.kind === "bytes" && len >= SPLIT_MIN) {
        for (const part of dropZeroPages(c.data)) replacement.push({ start: pos + part.at, chunk: part.chunk });
      } else if (c.kind !== "zero") replacement.push({ start: pos, chunk: c });
      pos += len;
    }
    const tail = this.extents[last - 1];
    if (tail && first < last) {
      const tailEnd = tail.start + chunkLength(tail.chunk);
      if (tailEnd > end)
        replacement.push({ start: end, chunk: chunkSlice(tail.chunk, end - tail.start, tailEnd - end) });
    }
    // Merge with the untouched neighbours too, so repeated appends stay one extent.
    const from = Math.max(0, first - 1);
    const to = Math.min(this.extents.length, last + 1);
    const window = [...this.extents.slice(from, first), ...replacement, ...this.extents.slice(last, to)];
    const merged = mergeExtents(window);
    this.literal += literalOf(merged) - literalOf(this.extents.slice(from, to));
    this.extents.splice(from, to - from, ...merged);
    this.unshared += literalBytesOf(data);
    if (this.unshared >= SHARE_AFTER_BYTES) this.share();
  }

  /**
   * Put the literal extents through the process-wide table (engine/block/intern.ts): the same
   * bytes on the peer's disk, in a restored copy of the lab or in another lab then share one
   * buffer. Done after every SHARE_AFTER_BYTES of literal writes rather than at each write, so
   * that data overwritten or still growing by small appends (a metadata log, WAL pages) is not
   * hashed again and again. Each extent gets its own chunk and view objects: sharing shows at
   * the buffer level only, the same way whatever the table held before (a checkpoint writes
   * which objects a lab shares).
   */
  share(): void {
    this.unshared = 0;
    for (let i = 0; i < this.extents.length; i++) {
      const e = this.extents[i] as Extent;
      if (e.chunk.kind !== "bytes" || e.chunk.data.length < INTERN_MIN_BYTES) continue;
      this.extents[i] = { start: e.start, chunk: { kind: "bytes", data: intern(e.chunk.data) } };
    }
  }

  private inRange(offset: number, length: number): boolean {
    return (
      Number.isSafeInteger(offset) &&
      Number.isSafeInteger(length) &&
      offset >= 0 &&
      length >= 0 &&
      offset + length <= this.bytes
    );
  }

  /** Index of the first extent whose end is after `offset` (binary search). */
  private firstEndingAfter(offset: number): number {
    let lo = 0;
    let hi = this.extents.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = this.extents[mid] as Extent;
      if (e.start + chunkLength(e.chunk) <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Literal bytes written between two passes of share(). */
export const SHARE_AFTER_BYTES = 256 * 1024;

function literalBytesOf(p: Payload): number {
  let n = 0;
  for (const c of p) if (c.kind === "bytes") n += c.data.length;
  return n;
}

/** Literal chunks this long or longer are scanned for zero pages (a PostgreSQL WAL segment is mostly zeros). */
const SPLIT_MIN = 64 * 1024;
const PAGE = 4096;

/**
 * The non-zero parts of a literal chunk, at page granularity: zero pages become holes and
 * cost no memory. Parts are copied only when a hole was found (so the large buffer they came
 * from can be freed); a chunk without zero pages is kept as it is.
 */
function dropZeroPages(data: Uint8Array): { at: number; chunk: Chunk }[] {
  const parts: [number, number][] = [];
  let start = -1;
  for (let at = 0; at < data.length; at += PAGE) {
    const end = Math.min(data.length, at + PAGE);
    let zero = true;
    for (let i = at; i < end; i++)
      if (data[i] !== 0) {
        zero = false;
        break;
      }
    if (!zero && start < 0) start = at;
    if (zero && start >= 0) {
      parts.push([start, at]);
      start = -1;
    }
  }
  if (start >= 0) parts.push([start, data.length]);
  if (parts.length === 1 && parts[0]?.[0] === 0 && parts[0][1] === data.length)
    return [{ at: 0, chunk: { kind: "bytes", data } }];
  return parts.map(([a, b]) => ({ at: a, chunk: { kind: "bytes", data: data.slice(a, b) } }));
}

function literalOf(list: readonly Extent[]): number {
  let n = 0;
  for (const e of list) if (e.chunk.kind === "bytes") n += e.chunk.data.length;
  return n;
}

function mergeExtents(list: Extent[]): Extent[] {
  const out: Extent[] = [];
  for (const e of list) {
    const prev = out[out.length - 1];
    if (prev && prev.start + chunkLength(prev.chunk) === e.start) {
      const merged = canonical([prev.chunk, e.chunk]);
      if (merged.length === 1) {
        out[out.length - 1] = { start: prev.start, chunk: merged[0] as Chunk };
        continue;
      }
    }
    out.push(e);
  }
  return out;
}
