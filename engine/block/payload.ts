/**
 * Payload algebra: slicing, concatenation, canonical form and (bounded) materialisation of
 * chunk lists. Data stays described (zero runs, seeded PRNG streams, literal bytes) for as
 * long as possible; only small reads (a superblock, a text file for `cat`) become bytes.
 */
import { type Chunk, type Payload, payloadLength } from "./types";

/** Literal byte chunks adjacent to each other are merged up to this size (keeps small metadata writes as one chunk). */
export const MAX_MERGED_BYTES = 64 * 1024;

export function chunkLength(c: Chunk): number {
  return c.kind === "bytes" ? c.data.length : c.length;
}

/** Bytes of a payload held as literal data (zero runs and PRNG streams are descriptors). */
export function literalBytes(p: Payload): number {
  let n = 0;
  for (const c of p) if (c.kind === "bytes") n += c.data.length;
  return n;
}

export function zeroPayload(length: number): Payload {
  return length > 0 ? [{ kind: "zero", length }] : [];
}

/** The bytes of `dd if=/dev/urandom`: `prngBytes(seed, offset, length)`, stored as one descriptor. */
export function prngPayload(seed: number, offset: number, length: number): Payload {
  return length > 0 ? [{ kind: "prng", seed: seed >>> 0, offset, length }] : [];
}

export function bytesPayload(data: Uint8Array): Payload {
  return data.length > 0 ? [{ kind: "bytes", data }] : [];
}

const encoder = new TextEncoder();
export function textPayload(text: string): Payload {
  return bytesPayload(encoder.encode(text));
}

/** Part of a single chunk, `start` and `length` relative to the chunk. */
export function chunkSlice(c: Chunk, start: number, length: number): Chunk {
  switch (c.kind) {
    case "zero":
      return { kind: "zero", length };
    case "prng":
      return { kind: "prng", seed: c.seed, offset: c.offset + start, length };
    case "bytes":
      return { kind: "bytes", data: c.data.subarray(start, start + length) };
  }
}

/** Bytes [start, start+length) of a payload; ranges past the end are zero-filled. */
export function payloadSlice(p: Payload, start: number, length: number): Payload {
  const out: Chunk[] = [];
  let pos = 0;
  const end = start + length;
  for (const c of p) {
    const len = chunkLength(c);
    const cEnd = pos + len;
    if (cEnd > start && pos < end) {
      const from = Math.max(start, pos);
      const to = Math.min(end, cEnd);
      out.push(chunkSlice(c, from - pos, to - from));
    }
    pos = cEnd;
    if (pos >= end) break;
  }
  const have = Math.max(0, Math.min(pos, end) - start);
  if (have < length) out.push({ kind: "zero", length: length - have });
  return canonical(out);
}

export function concatPayloads(...parts: Payload[]): Payload {
  return canonical(parts.flat());
}

function allZero(d: Uint8Array): boolean {
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
  return true;
}

/**
 * Canonical form: no empty chunks, all-zero literal bytes become zero runs, adjacent zero
 * runs and contiguous PRNG streams merge, adjacent small literal chunks merge. Two payloads
 * written through the same operations have the same canonical form, which lets
 * `sameContent` compare descriptors before bytes.
 */
export function canonical(p: Payload): Payload {
  const out: Chunk[] = [];
  for (const raw of p) {
    const len = chunkLength(raw);
    if (len === 0) continue;
    const c: Chunk = raw.kind === "bytes" && allZero(raw.data) ? { kind: "zero", length: len } : raw;
    const last = out[out.length - 1];
    if (last && last.kind === "zero" && c.kind === "zero") {
      out[out.length - 1] = { kind: "zero", length: last.length + c.length };
    } else if (
      last &&
      last.kind === "prng" &&
      c.kind === "prng" &&
      last.seed === c.seed &&
      last.offset + last.length === c.offset
    ) {
      out[out.length - 1] = { kind: "prng", seed: last.seed, offset: last.offset, length: last.length + c.length };
    } else if (
      last &&
      last.kind === "bytes" &&
      c.kind === "bytes" &&
      last.data.length + c.data.length <= MAX_MERGED_BYTES
    ) {
      const merged = new Uint8Array(last.data.length + c.data.length);
      merged.set(last.data, 0);
      merged.set(c.data, last.data.length);
      out[out.length - 1] = { kind: "bytes", data: merged };
    } else {
      out.push(c);
    }
  }
  return out;
}

/**
 * `prngBytes(seed, offset, length)` written into `out` at `at`, one 32-bit mix per word
 * instead of per byte (md5sum of a 10 MiB dd file is 4x faster). Must stay byte-identical to
 * core/rng.ts — payload.test.ts checks it on random ranges.
 */
export function fillPrng(out: Uint8Array, at: number, seed: number, offset: number, length: number): void {
  let i = 0;
  while (i < length) {
    const pos = offset + i;
    const word = Math.floor(pos / 4);
    const w = mix32(seed ^ Math.imul(word, 0x9e3779b1) ^ Math.floor(word / 4294967296));
    for (let b = pos % 4; b < 4 && i < length; b++, i++) out[at + i] = (w >>> (b * 8)) & 0xff;
  }
}

function mix32(x: number): number {
  let z = (x + 0x6d2b79f5) | 0;
  z = Math.imul(z ^ (z >>> 15), z | 1);
  z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
  return (z ^ (z >>> 14)) >>> 0;
}

/** Default ceiling for materialisation: callers that need more must ask explicitly. */
export const MATERIALIZE_LIMIT = 256 * 1024 * 1024;

/** The bytes of a payload. Meant for small reads; throws above `limit` to catch accidental 1 TiB reads. */
export function materialize(p: Payload, limit = MATERIALIZE_LIMIT): Uint8Array {
  const n = payloadLength(p);
  if (n > limit) throw new RangeError(`materialize: ${n} bytes exceeds the ${limit}-byte limit`);
  const out = new Uint8Array(n);
  let pos = 0;
  for (const c of p) {
    if (c.kind === "bytes") out.set(c.data, pos);
    else if (c.kind === "prng") fillPrng(out, pos, c.seed, c.offset, c.length);
    pos += chunkLength(c);
  }
  return out;
}

export { payloadLength };
