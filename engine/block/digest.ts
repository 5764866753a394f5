/**
 * Content comparison of block ranges without materialising terabytes: zero runs and PRNG
 * streams are compared by descriptor; bytes are produced only where two ranges hold data in
 * different representations. Used by invariants such as "UpToDate peers hold identical blocks".
 */
import { canonical, chunkLength, chunkSlice, fillPrng } from "./payload";
import type { BlockDevice, Chunk, Payload } from "./types";

/** A device that can be read without fault injection or I/O accounting (SparseDisk does). */
interface RawReadable {
  readRaw(offset: number, length: number): Payload;
}

function hasRaw(dev: BlockDevice): dev is BlockDevice & RawReadable {
  return typeof (dev as Partial<RawReadable>).readRaw === "function";
}

/** The logical content of a range; throws if the device refuses the read (invariants run on healthy state). */
export function contentOf(dev: BlockDevice, offset: number, length: number): Payload {
  if (hasRaw(dev)) return dev.readRaw(offset, length);
  const r = dev.read(offset, length);
  if (!r.ok) throw new Error(`contentOf ${dev.path}: read failed (${r.errno})`);
  return canonical(r.value);
}

/** FNV-1a over two 32-bit lanes, rendered as 16 hex digits. */
class Hasher {
  private a = 0x811c9dc5;
  private b = 0xcbf29ce4;
  byte(x: number): void {
    this.a = Math.imul(this.a ^ x, 0x01000193);
    this.b = Math.imul(this.b ^ x ^ (this.a >>> 13), 0x01000193);
  }
  u53(n: number): void {
    let v = n;
    for (let i = 0; i < 7; i++) {
      this.byte(v % 256);
      v = Math.floor(v / 256);
    }
  }
  bytes(d: Uint8Array): void {
    for (let i = 0; i < d.length; i++) this.byte(d[i] as number);
  }
  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, "0") + (this.b >>> 0).toString(16).padStart(8, "0");
  }
}

/**
 * Stable digest of a payload's content. Zero runs and PRNG streams hash by descriptor (so a
 * 1 TiB range costs nothing); literal bytes hash byte by byte as one stream, so chunk
 * boundaries inside a literal run do not matter. Two ranges holding the same bytes in
 * different representations (PRNG vs literal) digest differently: use `sameContent` to decide
 * equality exactly.
 */
export function digestPayload(p: Payload): string {
  const h = new Hasher();
  let inBytes = false;
  for (const c of canonical(p)) {
    if (c.kind === "bytes") {
      if (!inBytes) h.byte(0xb1);
      inBytes = true;
      h.bytes(c.data);
      continue;
    }
    inBytes = false;
    if (c.kind === "zero") {
      h.byte(0x20);
      h.u53(c.length);
    } else {
      h.byte(0x9a);
      h.u53(c.seed);
      h.u53(c.offset);
      h.u53(c.length);
    }
  }
  return h.hex();
}

export function digestRange(dev: BlockDevice, offset: number, length: number): string {
  return digestPayload(contentOf(dev, offset, length));
}

const WINDOW = 1024 * 1024;

function chunkBytes(c: Chunk): Uint8Array {
  if (c.kind === "bytes") return c.data;
  const out = new Uint8Array(c.length);
  if (c.kind === "prng") fillPrng(out, 0, c.seed, c.offset, c.length);
  return out;
}

function sameDescriptor(a: Chunk, b: Chunk): boolean {
  if (a.kind === "zero" && b.kind === "zero") return true;
  // Replicated writes share their literal buffers: the same memory holds the same bytes.
  if (a.kind === "bytes" && b.kind === "bytes")
    return a.data.buffer === b.data.buffer && a.data.byteOffset === b.data.byteOffset;
  return a.kind === "prng" && b.kind === "prng" && a.seed === b.seed && a.offset === b.offset;
}

/**
 * Offset (relative to the ranges) of the first differing byte of two equally long payloads,
 * or -1 when they are identical. Descriptors are compared first; bytes are generated only
 * for stretches represented differently, a window at a time.
 */
export function firstDifference(pa: Payload, pb: Payload): number {
  const a = canonical(pa);
  const b = canonical(pb);
  let ia = 0;
  let ib = 0;
  let oa = 0; // offset inside a[ia]
  let ob = 0;
  let pos = 0;
  while (ia < a.length && ib < b.length) {
    const ca = a[ia] as Chunk;
    const cb = b[ib] as Chunk;
    const n = Math.min(chunkLength(ca) - oa, chunkLength(cb) - ob, WINDOW);
    const sa = chunkSlice(ca, oa, n);
    const sb = chunkSlice(cb, ob, n);
    if (!sameDescriptor(sa, sb)) {
      const ba = chunkBytes(sa);
      const bb = chunkBytes(sb);
      for (let i = 0; i < n; i++) if (ba[i] !== bb[i]) return pos + i;
    }
    pos += n;
    oa += n;
    ob += n;
    if (oa === chunkLength(ca)) {
      ia++;
      oa = 0;
    }
    if (ob === chunkLength(cb)) {
      ib++;
      ob = 0;
    }
  }
  return ia < a.length || ib < b.length ? pos : -1;
}

/** Do two device ranges hold the same bytes? Exact, and cheap when both sides share descriptors. */
export function sameContent(devA: BlockDevice, offA: number, devB: BlockDevice, offB: number, length: number): boolean {
  return firstDifference(contentOf(devA, offA, length), contentOf(devB, offB, length)) === -1;
}
