/**
 * drbdmeta's dump-md and wipe-md (drbd-utils user/shared/drbdmeta.c meta_dump_md, fprintf_bm,
 * print_dump_header, pretty_peer_md_flags, meta_wipe_md) on the simulated v09 internal
 * meta-data. The layout figures (md_size_sect, offsets, bm-bytes) follow drbdmeta's
 * md_initialize_common / bm_bytes for flexible-size internal meta-data.
 */
import type { BlockDevice } from "../../block/types";
import type { LabNode } from "../../world/types";
import type { DrbdKernel } from "../kernel";
import { type MetaData, mdSizeBytes } from "../metadata";
import { uuidHex } from "../uuid";
import { type RawResult, raw } from "./steps";

/** DRBD_NODE_ID_MAX: the v09 superblock has 32 peer slots and 32 history UUIDs. */
const NODE_ID_MAX = 32;
const HISTORY_UUIDS = 32;
const AL_STRIPES = 1;
const AL_STRIPE_SIZE_4K = 8;

const hex32 = (v: number) => (v >>> 0).toString(16).toUpperCase().padStart(8, "0");
const hex64 = (v: bigint) => uuidHex(BigInt.asUintN(64, v));

function popcount(v: number): number {
  let x = v >>> 0;
  let n = 0;
  while (x) {
    x &= x - 1;
    n++;
  }
  return n;
}

/** md flags (drbd_meta_data.h enum mdf_flag). */
export function mdFlags(md: MetaData, attached: boolean): number {
  let f = 0;
  if (md.consistent) f |= 1 << 0;
  if (md.primary) f |= 1 << 1;
  if (md.wasUpToDate) f |= 1 << 4;
  if (md.crashedPrimary) f |= 1 << 6;
  // the kernel clears MDF_AL_CLEAN while the disk is attached; a node that crashed leaves it unset
  if (!attached && md.alClean) f |= 1 << 7;
  if (md.alDisabled) f |= 1 << 8;
  if (md.haveQuorum) f |= 1 << 10;
  return f;
}

/** Peer slot flags (enum mdf_peer_flag). */
function peerFlags(md: MetaData, nodeId: number): number {
  const p = md.peers.get(nodeId);
  if (!p) return 0;
  let f = 0;
  if (p.connected) f |= 1 << 0;
  if (p.peerOutdated) f |= 1 << 1;
  if (p.fencing) f |= 1 << 2;
  if (p.seen) f |= 1 << 4;
  if (p.exists) f |= 1 << 16;
  return f;
}

/** pretty_peer_md_flags(" # ", " | ") */
function prettyPeerFlags(flags: number): string {
  const names: Record<number, string> = {
    0: "connected",
    1: "<=outdated",
    2: "fencing",
    3: "full-sync",
    4: "seen",
    16: "exists",
  };
  let s = "";
  let sep = " # ";
  for (let i = 0; i < 32; i++) {
    const f = (1 << i) >>> 0;
    if ((flags & f) === 0) continue;
    s += `${sep}${names[i] ?? `0x${f.toString(16)}=?`}`;
    sep = " | ";
  }
  return s;
}

/** drbdmeta bm_bytes(): bits rounded to 64, times max-peers, rounded to 4 KiB. */
export function bmBytes(md: MetaData, sectors: number): number {
  const bits = Math.ceil(Math.ceil(sectors / 8) / 64) * 64;
  return Math.ceil(((bits / 8) * md.maxPeers) / 4096) * 4096;
}

/**
 * The on-disk bitmap as drbdmeta reads it: 32-bit little-endian words, the peers' words
 * interleaved (K9 drbd_bitmap.c interleaved_word32: word w of bitmap index i at w*max_peers+i).
 */
function onDiskBitmap(md: MetaData, bytes: number): Uint32Array {
  const words = new Uint32Array(bytes / 4);
  const limit = md.laSizeSect / 8;
  for (const p of md.peers.values()) {
    if (p.bitmapIndex < 0 || p.bitmapIndex >= md.maxPeers) continue;
    for (const [s, e] of p.bitmap.intervals())
      for (let b = s; b < Math.min(e, limit); b++) {
        const w = Math.floor(b / 32) * md.maxPeers + p.bitmapIndex;
        if (w < words.length) words[w] = ((words[w] as number) | (1 << (b % 32))) >>> 0;
      }
  }
  return words;
}

/** fprintf_bm() for one peer (the whole bitmap fits in drbdmeta's 32 MiB buffer): text and bits set. */
export function fprintfBm(bm: Uint32Array, maxPeers: number, peerNr: number): { text: string; bitsSet: number } {
  const WPL = 8;
  const n = bm.length;
  const at = (k: number) => bm[k] as number;
  let count = 0;
  let bitsSet = 0;
  let i = peerNr;
  let r = peerNr;
  let cw = 0;
  let lw = 0;
  let out = "{";
  const eol = (pos: number) => {
    if ((pos & 63) === peerNr) out += `\n   # at ${128 * (pos - peerNr)}kB\n   `;
    else out += "\n   ";
  };
  outer: while (r < n) {
    // the `next:` label of the C code
    for (;;) {
      if (count === 0) cw = at(i);
      if (i % (WPL * maxPeers) !== peerNr) break;
      if (!count) eol(r);
      let j = i;
      while (j < n && cw === at(j)) j += maxPeers;
      const tmp = Math.floor((Math.floor(j / maxPeers) - Math.floor(i / maxPeers)) / WPL) * WPL;
      if (tmp > WPL) {
        count += tmp;
        r += tmp * maxPeers;
        i += tmp * maxPeers;
        if (j >= n && r < n) continue outer;
      }
      if (!count) break;
      out += ` ${count / 2} times 0x${hex32(cw)}${hex32(cw)};`;
      bitsSet += count * popcount(cw);
      count = 0;
      if (r >= n) break outer;
    }
    if ((Math.floor(i / maxPeers) & 1) === 0) lw = at(i);
    else out += ` 0x${hex32(at(i))}${hex32(lw)};`;
    bitsSet += popcount(at(i));
    r += maxPeers;
    i += maxPeers;
  }
  return { text: `${out}\n}\n`, bitsSet };
}

/** strftime("%F %T %z [%s]") in the containers' UTC. */
function dumpTime(ms: number): string {
  const d = new Date(ms);
  const p = (v: number) => String(v).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 [${Math.floor(ms / 1000)}]`;
}

export interface DumpCtx {
  /** drbdmeta's argv after getopt moved the options first (print_dump_header prints it). */
  argv: string[];
  hostname: string;
  wallMs: number;
  force: boolean;
}

/** The dump itself (meta_dump_md after the checks), on stdout. */
export function dumpText(md: MetaData, disk: BlockDevice, attached: boolean, c: DumpCtx, unclean: boolean): string {
  const size = disk.size();
  const mdSize = mdSizeBytes(size, md.maxPeers);
  const mdOffset = size - 4096;
  let s = `# DRBD meta data dump\n# ${dumpTime(c.wallMs)}\n# ${c.hostname}>`;
  for (const a of c.argv) s += ` ${a}`;
  s += '\n#\n\nversion "v09";\n\n';
  if (unclean)
    s +=
      "This_is_an_unclean_meta_data_dump._Don't_trust_the_bitmap.\n" +
      '# You should "apply-al" first, if you plan to restore this.\n\n';
  s += `max-peers ${md.maxPeers};\n# md_size_sect ${mdSize / 512}\n`;
  s += `# md_offset ${mdOffset}\n# al_offset ${mdOffset - 32768}\n# bm_offset ${size - mdSize}\n\n`;
  s += `node-id ${md.nodeId};\ncurrent-uuid 0x${hex64(md.current)};\nflags 0x${hex32(mdFlags(md, attached))};\nmembers 0x${hex64(md.members)};\n`;
  for (let i = 0; i < NODE_ID_MAX; i++) {
    const p = md.peers.get(i);
    const f = peerFlags(md, i);
    s += `peer[${i}] {\n    bitmap-index ${p?.bitmapIndex ?? -1};\n    bitmap-uuid 0x${hex64(p?.bitmapUuid ?? 0n)};\n    bitmap-dagtag 0x${hex64(0n)};\n    flags 0x${hex32(f)};${prettyPeerFlags(f)}\n}\n`;
  }
  s += "history-uuids {";
  for (let i = 0; i < HISTORY_UUIDS; i++) s += `${i % 4 ? " " : "\n        "}0x${hex64(md.history[i] ?? 0n)};`;
  s += "\n}\n";
  const bytes = bmBytes(md, md.laSizeSect);
  s += `# al-extents ${md.alNrExtents};\nla-size-sect ${md.laSizeSect};\nbm-byte-per-bit 4096;\ndevice-uuid 0x${hex64(0n)};\n`;
  s += `la-peer-max-bio-size ${md.laPeerMaxBioSize};\nal-stripes ${AL_STRIPES};\nal-stripe-size-4k ${AL_STRIPE_SIZE_4K};\n`;
  s += `# bm-bytes ${bytes};\n`;
  const bm = onDiskBitmap(md, bytes);
  let bits = 0;
  for (let i = 0; i < md.maxPeers; i++) {
    const b = fprintfBm(bm, md.maxPeers, i);
    s += `bitmap[${i}] ${b.text}`;
    // cfg->bits_set is overwritten by each peer's fprintf_bm: the last one is printed
    bits = b.bitsSet;
  }
  return `${s}# bits-set ${bits};\n`;
}

/** Is the minor attached (drbdmeta is_attached())? */
export function minorAttached(k: DrbdKernel, node: LabNode, minor: number): boolean {
  return [...k.resources(node).values()].some(
    (r) => k.alive(r) && [...r.devices.values()].some((d) => d.minor === minor && d.disk !== "Diskless"),
  );
}

/**
 * `drbdmeta MINOR v09 DISK internal dump-md`: refuses an "unclean" activity log (attached, or
 * a node that crashed and was not apply-al'd) unless --force; on an attached minor it adds the
 * stale-output note.
 */
export function dumpMd(k: DrbdKernel, node: LabNode, minor: number, diskPath: string, c: DumpCtx): RawResult {
  const disk = node.blockDevices.get(diskPath);
  if (!disk) return raw(20, "", `open(${diskPath}) failed: No such file or directory\n`);
  const attached = minorAttached(k, node, minor);
  const stale = attached ? `# Output might be stale, since minor ${minor} is attached\n` : "";
  const md = k.md.load(disk);
  if (!md) return raw(255, "", `No valid meta data found\n${stale}`);
  const unclean = attached || !md.alClean;
  let stderr = "";
  if (unclean) {
    stderr += 'Found meta data is "unclean", please apply-al first\n';
    if (!c.force) return raw(255, "", stderr + stale);
  }
  return raw(0, dumpText(md, disk, attached, c, unclean), stderr + stale);
}

/**
 * `drbdmeta MINOR v09 DISK internal wipe-md` (meta_wipe_md): refused on an attached minor,
 * asks for `yes` (or --force), zeroes the superblock. Without meta-data there is nothing to do.
 */
export function wipeMd(
  k: DrbdKernel,
  node: LabNode,
  minor: number,
  devName: string,
  diskPath: string,
  force: boolean,
  stdin: string,
): RawResult {
  const disk = node.blockDevices.get(diskPath);
  if (!disk) return raw(20, "", `open(${diskPath}) failed: No such file or directory\n`);
  if (minorAttached(k, node, minor)) return raw(20, "", `Device '${devName}' is configured!\n`);
  if (!k.md.exists(disk)) return raw(0, "", "There appears to be no drbd meta data to wipe out?\n");
  let stderr = "\nDo you really want to wipe out the DRBD meta data?\n";
  if (force) stderr += "*** confirmation forced via --force option ***\n";
  else {
    stderr += "[need to type 'yes' to confirm] \n";
    // confirmed(): the answer line must be exactly "yes"
    if (!/^yes\n/.test(stdin)) return raw(1, "Operation cancelled.\n", stderr);
  }
  k.md.wipe(disk);
  return raw(0, "Wiping meta data...\nDRBD meta data block successfully wiped out.\n", stderr);
}
