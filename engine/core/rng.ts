/**
 * Seeded pseudo-random generator (sfc32). The only source of randomness in the engine:
 * `Math.random` is never used, so a lab replays byte for byte from its seed.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const s = typeof seed === "string" ? hashString(seed) : seed >>> 0;
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = s ^ 0xdeadbeef;
    for (let i = 0; i < 15; i++) this.nextU32();
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** An independent generator derived from this one's seed material and a label. */
  fork(label: string): Rng {
    return new Rng((this.nextU32() ^ hashString(label)) >>> 0);
  }

  /** 64-bit value as 16 upper-case hex digits (DRBD generation UUIDs). */
  hex64(): string {
    return (this.nextU32().toString(16).padStart(8, "0") + this.nextU32().toString(16).padStart(8, "0")).toUpperCase();
  }
}

/** FNV-1a 32-bit hash: stable across platforms. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Deterministic byte stream for a (seed, offset): the content of `dd if=/dev/urandom`
 * written to a device is stored as a descriptor and regenerated on read, so 10 MiB of
 * "random" data costs a few bytes. Any slice is reproducible on its own.
 */
export function prngBytes(seed: number, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  // 32-bit words keyed by (seed, word index): splitmix-like mix, independent per word.
  let i = 0;
  while (i < length) {
    const pos = offset + i;
    const word = Math.floor(pos / 4);
    const w = mix32(seed ^ Math.imul(word, 0x9e3779b1) ^ Math.floor(word / 4294967296));
    const byteInWord = pos % 4;
    out[i] = (w >>> (byteInWord * 8)) & 0xff;
    i++;
  }
  return out;
}

function mix32(x: number): number {
  let z = (x + 0x6d2b79f5) | 0;
  z = Math.imul(z ^ (z >>> 15), z | 1);
  z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
  return (z ^ (z >>> 14)) >>> 0;
}
