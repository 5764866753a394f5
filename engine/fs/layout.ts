/**
 * On-disk layout of the lab filesystem. Everything lives on the block device:
 *
 *   block 0                superblock (magic, fs type, UUID, label, geometry, active checkpoint)
 *   blocks 1 .. 1+C        checkpoint slot 0  (full metadata snapshot, JSON)
 *   blocks 1+C .. 1+2C     checkpoint slot 1
 *   next L blocks          metadata log (one JSON line per mutation, tagged with a generation)
 *   the rest               data blocks
 *
 * Mutations append one log line (write-through, no page cache), so what DRBD replicated is
 * exactly what a mount on the peer finds. When the log is full, a checkpoint goes to the
 * inactive slot, then the superblock switches slot and generation (crash-safe ordering).
 */
import { BLOCK_SIZE } from "../block/types";

export const FS_MAGIC = "DRBDLAB-FS";
export type FsType = "ext4" | "xfs";

export interface Superblock {
  magic: typeof FS_MAGIC;
  version: 1;
  type: FsType;
  uuid: string;
  label: string;
  blockSize: number;
  blocks: number;
  ckptBlocks: number;
  logBlocks: number;
  /** Active checkpoint slot and its length in bytes. */
  slot: 0 | 1;
  ckptLen: number;
  /** Log generation: log lines of other generations are stale. */
  gen: number;
  /** Maximum number of inodes (mkfs figure shown by df -i and mke2fs). */
  inodes: number;
  /** Wall-clock ms of mkfs. */
  created: number;
  /** First data block (the metadata overhead ends there). */
  dataStart: number;
  /** Mounted read-write and not cleanly unmounted since (ext4 needs_recovery, xfs dirty log). */
  dirty?: boolean;
}

export interface Geometry {
  blocks: number;
  ckptBlocks: number;
  logBlocks: number;
  dataStart: number;
  dataBlocks: number;
}

/**
 * Metadata area sized like the real overhead that `df` leaves out of a filesystem's size:
 * ext4 = inode tables (256 bytes per inode) + journal + two bitmaps per block group; xfs ≈ 5%
 * (log, AG headers, btree reservations), of which statfs hides 1% and counts the rest as used.
 * Only the checkpoint slots and the log are ever written; the rest of the overhead stays a hole.
 */
export function geometryFor(deviceBytes: number, type: FsType = "ext4"): Geometry {
  const blocks = Math.floor(deviceBytes / BLOCK_SIZE);
  const wanted =
    type === "ext4"
      ? Math.ceil((inodeCountFor(deviceBytes) * 256) / BLOCK_SIZE) +
        ext4JournalBlocks(blocks) +
        2 * Math.ceil(blocks / 32768)
      : Math.floor(blocks / 20);
  const meta = Math.max(24, Math.min(wanted, Math.floor(blocks / 8)));
  const ckptBlocks = Math.min(8192, Math.floor((meta * 3) / 8));
  const logBlocks = Math.min(2048, meta - 2 * ckptBlocks);
  const dataStart = 1 + meta;
  return { blocks, ckptBlocks, logBlocks, dataStart, dataBlocks: blocks - dataStart };
}

/** mke2fs's default journal size in blocks (ext2fs_default_journal_size). */
export function ext4JournalBlocks(blocks: number): number {
  if (blocks < 2048) return 0;
  if (blocks < 32768) return 1024;
  if (blocks < 256 * 1024) return 4096;
  if (blocks < 512 * 1024) return 8192;
  if (blocks < 4096 * 1024) return 16384;
  if (blocks < 8192 * 1024) return 32768;
  if (blocks < 16384 * 1024) return 65536;
  if (blocks < 32768 * 1024) return 131072;
  return 262144;
}

export function geometryOf(sb: Superblock): Geometry {
  return {
    blocks: sb.blocks,
    ckptBlocks: sb.ckptBlocks,
    logBlocks: sb.logBlocks,
    dataStart: sb.dataStart,
    dataBlocks: sb.blocks - sb.dataStart,
  };
}

export function ckptOffset(sb: Superblock, slot: 0 | 1): number {
  return (1 + slot * sb.ckptBlocks) * BLOCK_SIZE;
}

export function logOffset(sb: Superblock): number {
  return (1 + 2 * sb.ckptBlocks) * BLOCK_SIZE;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeSuperblock(sb: Superblock): Uint8Array {
  const text = `${FS_MAGIC}\n${JSON.stringify(sb)}\n`;
  const out = new Uint8Array(BLOCK_SIZE);
  out.set(enc.encode(text));
  return out;
}

/** Parse block 0; null when it does not hold our superblock (blank device, DRBD metadata, garbage). */
export function decodeSuperblock(block: Uint8Array): Superblock | null {
  const head = dec.decode(block.subarray(0, FS_MAGIC.length + 1));
  if (head !== `${FS_MAGIC}\n`) return null;
  const end = block.indexOf(0x0a, FS_MAGIC.length + 1);
  if (end < 0) return null;
  try {
    const sb = JSON.parse(dec.decode(block.subarray(FS_MAGIC.length + 1, end))) as Superblock;
    if (sb.magic !== FS_MAGIC || sb.version !== 1 || (sb.type !== "ext4" && sb.type !== "xfs")) return null;
    return sb;
  } catch {
    return null;
  }
}

/** Sizes shown by mke2fs: one inode per 16 KiB, like the `default` usage type of mke2fs.conf. */
export function inodeCountFor(deviceBytes: number): number {
  return Math.max(16, Math.floor(deviceBytes / 16384));
}
