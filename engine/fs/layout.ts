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
}

export interface Geometry {
  blocks: number;
  ckptBlocks: number;
  logBlocks: number;
  dataStart: number;
  dataBlocks: number;
}

/** Metadata area: ~1/64 of the device (close to ext4's inode tables + journal), 96 KiB to 96 MiB. */
export function geometryFor(deviceBytes: number): Geometry {
  const blocks = Math.floor(deviceBytes / BLOCK_SIZE);
  const meta = Math.min(24_576, Math.max(24, Math.floor(blocks / 64)));
  const ckptBlocks = Math.floor((meta * 3) / 8);
  const logBlocks = meta - 2 * ckptBlocks;
  const dataStart = 1 + meta;
  return { blocks, ckptBlocks, logBlocks, dataStart, dataBlocks: blocks - dataStart };
}

export function geometryOf(sb: Superblock): Geometry {
  const dataStart = 1 + 2 * sb.ckptBlocks + sb.logBlocks;
  return { blocks: sb.blocks, ckptBlocks: sb.ckptBlocks, logBlocks: sb.logBlocks, dataStart, dataBlocks: sb.blocks - dataStart };
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
