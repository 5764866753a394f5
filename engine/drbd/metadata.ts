/**
 * DRBD internal meta-data (drbdmeta v09 "flexible-size internal"): it lives at the end of the
 * backing disk, so it survives a container crash with the disk. The on-disk part written here
 * is the superblock signature (magic + an id); the structured content (UUIDs, flags, per-peer
 * bitmaps, activity log) is kept in a store keyed by the disk and is only trusted while the
 * signature block on the disk is intact — wiping or overwriting the area destroys it, like
 * `dd if=/dev/zero of=/dev/sda1` does on a real system.
 */
import type { BlockDevice, Payload } from "../block/types";
import { prngBytes } from "../core/rng";
import { Bitmap } from "./bitmap";
import { UUID_JUST_CREATED } from "./uuid";

/** DRBD_MD_MAGIC_09 */
const MAGIC = [0x83, 0x74, 0x02, 0x6d];
const SB = 4096;
const AL_BYTES = 32 * 1024;

export interface PeerMd {
  nodeId: number;
  bitmapUuid: bigint;
  bitmap: Bitmap;
  /** MDF_PEER_OUTDATED: we know this peer's disk is Outdated. */
  peerOutdated: boolean;
  /** bitmap-index of the slot (-1: none), given by the kernel at attach (allocate_bitmap_index). */
  bitmapIndex: number;
  /**
   * Peer flags the kernel keeps in the slot (K9 drbd_state.c, written at each state change while
   * attached): MDF_PEER_CONNECTED (repl > Off), MDF_PEER_FENCING (fencing ≠ dont-care),
   * MDF_PEER_DEVICE_SEEN (the peer had a disk once, never cleared), MDF_NODE_EXISTS (connected once).
   */
  connected: boolean;
  fencing: boolean;
  seen: boolean;
  exists: boolean;
}

export interface MetaData {
  current: bigint;
  history: [bigint, bigint];
  peers: Map<number, PeerMd>;
  /** MDF_CONSISTENT, MDF_WAS_UP_TO_DATE, MDF_PRIMARY_IND, MDF_CRASHED_PRIMARY */
  consistent: boolean;
  wasUpToDate: boolean;
  primary: boolean;
  crashedPrimary: boolean;
  /** Activity-log extents (4 MiB each) hot at the time of the last update. */
  al: number[];
  maxPeers: number;
  /** Usable (data) size in bytes, fixed at create-md. */
  dataSize: number;
  /** What the kernel writes at attach and at each state change (K9 drbd_md_encode_9); -1/0 after create-md. */
  nodeId: number;
  /** la-size-sect: the size the device had when attached last (effective_size), 0 after create-md. */
  laSizeSect: number;
  /** Node mask of the members the kernel saw (resource->members: itself and its connected peers). */
  members: bigint;
  /** al_nr_extents: drbdmeta's 257 at create-md, then the attached device's al-extents. */
  alNrExtents: number;
  /** la-peer-max-bio-size: the disk's max-bio-size once attached (1 MiB by default). */
  laPeerMaxBioSize: number;
  /** MDF_HAVE_QUORUM, MDF_AL_DISABLED (al-updates no). */
  haveQuorum: boolean;
  alDisabled: boolean;
  /**
   * MDF_AL_CLEAN: set by create-md, apply-al and a clean detach; the kernel clears it while the
   * disk is attached, so a node that crashed leaves it unset (dump-md asks for apply-al).
   */
  alClean: boolean;
}

/** Size of the internal meta-data area for a backing device (drbdmeta's layout). */
export function mdSizeBytes(backingBytes: number, maxPeers: number): number {
  const bits = Math.ceil(backingBytes / 4096);
  const bmBytes = Math.ceil((Math.ceil(bits / 8) * Math.max(1, maxPeers)) / 4096) * 4096;
  return SB + AL_BYTES + bmBytes;
}

export function freshMetaData(backingBytes: number, maxPeers: number): MetaData {
  const md = Math.min(backingBytes, mdSizeBytes(backingBytes, maxPeers));
  return {
    current: UUID_JUST_CREATED,
    history: [0n, 0n],
    peers: new Map(),
    consistent: false,
    wasUpToDate: false,
    primary: false,
    crashedPrimary: false,
    al: [],
    maxPeers,
    dataSize: Math.floor((backingBytes - md) / 4096) * 4096,
    nodeId: -1,
    laSizeSect: 0,
    members: 0n,
    alNrExtents: 257,
    laPeerMaxBioSize: 0,
    haveQuorum: false,
    alDisabled: false,
    alClean: true,
  };
}

export function peerMd(md: MetaData, nodeId: number): PeerMd {
  let p = md.peers.get(nodeId);
  if (!p) {
    p = {
      nodeId,
      bitmapUuid: 0n,
      bitmap: new Bitmap(),
      peerOutdated: false,
      bitmapIndex: -1,
      connected: false,
      fencing: false,
      seen: false,
      exists: false,
    };
    md.peers.set(nodeId, p);
  }
  return p;
}

/** K9 allocate_bitmap_index: a peer slot gets the first bitmap index no other slot holds. */
export function allocateBitmapIndex(md: MetaData, nodeId: number): void {
  const p = peerMd(md, nodeId);
  if (p.bitmapIndex >= 0) return;
  const used = new Set([...md.peers.values()].map((x) => x.bitmapIndex));
  for (let i = 0; i < md.maxPeers; i++)
    if (!used.has(i)) {
      p.bitmapIndex = i;
      return;
    }
}

interface Stored {
  id: number;
  md: MetaData;
}

/** Per-world store of meta-data blocks, keyed by backing device object. */
export class MetaDataStore {
  private byDisk = new WeakMap<BlockDevice, Stored>();
  private nextId = 1;

  private sigOffset(disk: BlockDevice): number {
    return disk.size() - SB;
  }

  private signature(id: number): Uint8Array {
    const b = new Uint8Array(16);
    b.set(MAGIC, 0);
    new DataView(b.buffer).setUint32(4, id, false);
    b.set([0x76, 0x30, 0x39, 0x00], 8); // "v09"
    return b;
  }

  /** create-md: write a fresh superblock; returns the new meta-data. */
  create(disk: BlockDevice, maxPeers: number): MetaData {
    const id = this.nextId++;
    const md = freshMetaData(disk.size(), maxPeers);
    const sig: Payload = [
      { kind: "bytes", data: this.signature(id) },
      { kind: "zero", length: SB - 16 },
    ];
    disk.write(this.sigOffset(disk), sig);
    this.byDisk.set(disk, { id, md });
    return md;
  }

  /** Meta-data of a disk if a valid signature is on it, else null ("No valid meta-data signature found"). */
  load(disk: BlockDevice): MetaData | null {
    const s = this.byDisk.get(disk);
    if (!s || disk.size() < SB) return null;
    const r = disk.read(this.sigOffset(disk), 16);
    if (!r.ok) return null;
    const bytes = flatten(r.value, 16);
    const want = this.signature(s.id);
    for (let i = 0; i < 16; i++) if (bytes[i] !== want[i]) return null;
    return s.md;
  }

  /** wipe-md: zero the 4 KiB superblock at md_offset (drbdmeta meta_wipe_md); the rest stays on the disk. */
  wipe(disk: BlockDevice): void {
    disk.write(this.sigOffset(disk), [{ kind: "zero", length: SB }]);
    this.byDisk.delete(disk);
  }

  /** True if any DRBD meta-data signature is present (create-md asks before overwriting). */
  exists(disk: BlockDevice): boolean {
    return this.load(disk) !== null;
  }
}

/** First `n` bytes of a payload as a plain array (zero/prng chunks expanded). */
export function flatten(p: Payload, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let pos = 0;
  for (const c of p) {
    if (pos >= n) break;
    if (c.kind === "zero") pos += c.length;
    else if (c.kind === "bytes") {
      out.set(c.data.subarray(0, n - pos), pos);
      pos += c.data.length;
    } else {
      const len = Math.min(c.length, n - pos);
      out.set(prngBytes(c.seed, c.offset, len), pos);
      pos += c.length;
    }
  }
  return out;
}
