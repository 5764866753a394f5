/**
 * Block-device contract shared by the storage layer (backing disks, filesystems) and DRBD
 * (/dev/drbdN is a BlockDevice stacked on a backing BlockDevice).
 *
 * Data is described, not materialised: a Payload is a list of chunks (zeros, literal bytes,
 * or a seeded pseudo-random stream), so `dd if=/dev/urandom bs=1M count=10` stores one
 * descriptor and a 1 TiB device costs no more memory than a small one.
 */
export const SECTOR_SIZE = 512;
export const BLOCK_SIZE = 4096;

export type Chunk =
  | { kind: "zero"; length: number }
  | { kind: "bytes"; data: Uint8Array }
  /** Bytes `prngBytes(seed, offset, length)` from engine/core/rng.ts. */
  | { kind: "prng"; seed: number; offset: number; length: number };

/** Contiguous data: the concatenation of its chunks. */
export type Payload = Chunk[];

export type IoErrno = "EIO" | "EROFS" | "ENOSPC" | "ENXIO" | "EMEDIUMTYPE" | "ENODATA" | "EBUSY" | "EACCES";

export type IoResult<T = void> =
  | ({
      ok: true;
      /** simulated time from the request's submission to its completion (queueing included), µs */
      latencyUs: number;
    } & (T extends void ? unknown : { value: T }))
  | { ok: false; errno: IoErrno /** kernel-style explanation for dmesg/debug */; reason?: string };

export type OpenMode = "ro" | "rw";

/**
 * When a request is submitted. A command does not advance the lab clock between the requests
 * it issues, so a caller that is ahead of the clock (dd after waiting for its previous O_DIRECT
 * write, a filesystem after an fsync) says where it is. A device with a queue model (DRBD, or a
 * SparseDisk given `atUs`) then overlaps independent requests submitted at the same time (up to
 * its queue depth, sharing its bandwidth) and serializes dependent ones; without `atUs` a
 * request is submitted at the device's notion of now (SparseDisk: its plain service time).
 */
export interface IoSubmit {
  /** Virtual time of submission, µs (at least the clock's now). */
  atUs?: number;
}

export type OpenResult =
  | { ok: true }
  | { ok: false; errno: IoErrno /** e.g. DRBD's "Auto-promote failed: ..." */; reason?: string };

export interface BlockDevice {
  /** Device path on its node, e.g. "/dev/sda1", "/dev/drbd0". */
  readonly path: string;
  /** Usable size in bytes (a multiple of BLOCK_SIZE). */
  size(): number;
  /** Read `length` bytes at `offset`. Unwritten areas read as zeros. */
  read(offset: number, length: number): IoResult<Payload>;
  /** Write a payload at `offset` (length = payloadLength(data)). */
  write(offset: number, data: Payload, submit?: IoSubmit): IoResult;
  /** Flush caches (fsync / sync): a barrier, it completes after every write submitted before it. */
  flush(submit?: IoSubmit): IoResult;
  /** Open by a user (mount, dd, psql...). DRBD decides here (auto-promote, EROFS, EMEDIUMTYPE). */
  open(mode: OpenMode, opener: string): OpenResult;
  close(opener: string): void;
  /**
   * I/O is frozen (DRBD suspend-io: no quorum, no data, `suspend-io`): a request would block
   * until it resumes, so a caller that can wait (dd) waits instead of submitting.
   */
  ioFrozen?(): boolean;
  /** Current openers, e.g. [{ opener: "mount", mode: "rw" }]. */
  openers(): { opener: string; mode: OpenMode }[];
}

export function payloadLength(p: Payload): number {
  let n = 0;
  for (const c of p) n += c.kind === "bytes" ? c.data.length : c.length;
  return n;
}
