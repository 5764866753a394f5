import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prngBytes } from "../core/rng";
import { digestBytes, heldBytes, INTERN_MIN_BYTES, intern, internStats } from "./intern";
import { bytesPayload, materialize, prngPayload } from "./payload";
import { SHARE_AFTER_BYTES, SparseDisk } from "./sparse-disk";

const KiB = 1024;

/** Non-zero literal bytes (no zero page: the disk would store holes). */
function bytes(seed: number, n: number): Uint8Array {
  const out = prngBytes(seed, 0, n);
  for (let i = 0; i < n; i += 512) out[i] = 1 + (seed % 200);
  return out;
}

function diffAt(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe("literal data shared by content", () => {
  it("two disks given the same bytes hold one buffer; different bytes are two", () => {
    const a = new SparseDisk("/dev/sda1", 1024 * KiB);
    const b = new SparseDisk("/dev/sda1", 1024 * KiB);
    const data = bytes(7, 256 * KiB);
    a.writeRaw(0, bytesPayload(data));
    b.writeRaw(0, bytesPayload(data.slice())); // an equal copy, as a replay or another lab writes it
    expect(a.literalBytes()).toBe(256 * KiB); // the cap still counts each disk's logical bytes
    expect(b.literalBytes()).toBe(256 * KiB);
    expect(heldBytes([a, b]).bytes).toBe(256 * KiB);
    expect([...a.literalBuffers()]).toEqual([...b.literalBuffers()]);

    const c = new SparseDisk("/dev/sda1", 1024 * KiB);
    c.writeRaw(0, bytesPayload(bytes(8, 256 * KiB)));
    expect(heldBytes([a, c]).bytes).toBe(512 * KiB);
  });

  it("small metadata writes merged on both disks end up in one buffer too", () => {
    const a = new SparseDisk("/dev/sdb", 1024 * KiB);
    const b = new SparseDisk("/dev/sdb", 1024 * KiB);
    for (let i = 0; i < 16; i++) {
      const line = bytes(100 + i, 512);
      a.writeRaw(i * 512, bytesPayload(line));
      b.writeRaw(i * 512, bytesPayload(line.slice()));
    }
    expect(a.extentCount()).toBe(1);
    // small writes are shared in batches (after SHARE_AFTER_BYTES written), not one by one
    expect(heldBytes([a, b]).bytes).toBe(16 * KiB);
    a.share();
    b.share();
    expect(heldBytes([a, b]).bytes).toBe(8 * KiB);
  });

  it("shares on its own once SHARE_AFTER_BYTES of literal data were written", () => {
    const a = new SparseDisk("/dev/sdb", 4096 * KiB);
    const b = new SparseDisk("/dev/sdb", 4096 * KiB);
    const page = 8 * KiB;
    for (let i = 0; i < SHARE_AFTER_BYTES / page; i++) {
      const data = bytes(200 + i, page);
      a.writeRaw(i * page, bytesPayload(data));
      b.writeRaw(i * page, bytesPayload(data.slice()));
      if (i === 0) expect(heldBytes([a, b]).bytes).toBe(2 * page);
    }
    expect(a.literalBytes()).toBe(SHARE_AFTER_BYTES);
    expect(heldBytes([a, b]).bytes).toBe(SHARE_AFTER_BYTES);
  });

  it("writing to one disk never changes the other's bytes (copy on write)", () => {
    const a = new SparseDisk("/dev/sdc", 1024 * KiB);
    const b = new SparseDisk("/dev/sdc", 1024 * KiB);
    const data = bytes(9, 128 * KiB);
    a.writeRaw(64 * KiB, bytesPayload(data));
    b.writeRaw(64 * KiB, bytesPayload(data));
    a.writeRaw(96 * KiB, bytesPayload(bytes(10, 8 * KiB)));
    a.writeRaw(64 * KiB, prngPayload(3, 0, 4 * KiB));
    a.share();
    b.share();
    expect(diffAt(materialize(b.readRaw(64 * KiB, 128 * KiB)), data)).toBe(-1);
    const expectA = data.slice();
    expectA.set(bytes(10, 8 * KiB), 32 * KiB);
    expectA.set(prngBytes(3, 0, 4 * KiB), 0);
    expect(diffAt(materialize(a.readRaw(64 * KiB, 128 * KiB)), expectA)).toBe(-1);
  });

  it("a small remainder of a large shared write does not keep the large buffer alive", () => {
    const a = new SparseDisk("/dev/sdd", 4096 * KiB);
    a.writeRaw(0, bytesPayload(bytes(11, 1024 * KiB)));
    a.writeRaw(0, prngPayload(4, 0, 1020 * KiB)); // overwrite all but the last 4 KiB
    expect(a.literalBytes()).toBe(4 * KiB);
    a.share();
    expect(heldBytes([a]).bytes).toBe(4 * KiB);
    expect(diffAt(materialize(a.readRaw(1020 * KiB, 4 * KiB)), bytes(11, 1024 * KiB).subarray(1020 * KiB))).toBe(-1);
  });

  it("intern returns equal bytes, sharing equal buffers only", () => {
    const x = bytes(12, 8 * KiB);
    const y = x.slice();
    y[5000] = (y[5000] as number) ^ 1; // one byte apart
    const ix = intern(x.slice());
    const iy = intern(y);
    const ix2 = intern(x.slice());
    expect(ix2.buffer).toBe(ix.buffer);
    expect(iy.buffer).not.toBe(ix.buffer);
    expect(diffAt(ix2, x)).toBe(-1);
    expect(diffAt(iy, y)).toBe(-1);
    // a window is copied to its own buffer, never adopted with the buffer around it
    const big = bytes(13, 64 * KiB);
    const w = intern(big.subarray(4 * KiB, 12 * KiB));
    expect(w.buffer).not.toBe(big.buffer);
    expect(w.buffer.byteLength).toBe(8 * KiB);
    // below the threshold nothing happens
    const tiny = bytes(14, INTERN_MIN_BYTES - 1);
    expect(intern(tiny)).toBe(tiny);
    expect(internStats().hits).toBeGreaterThan(0);
  });

  it("the digest tells apart bytes that differ anywhere, aligned or not", () => {
    const x = bytes(15, 4 * KiB + 3);
    const base = digestBytes(x);
    for (const at of [0, 1, 2047, 4096, 4098]) {
      const y = x.slice();
      y[at] = (y[at] as number) ^ 0x80;
      expect(digestBytes(y)).not.toBe(base);
    }
    const odd = new Uint8Array(x.length + 1);
    odd.set(x, 1);
    expect(digestBytes(odd.subarray(1))).toBe(base);
  });

  it("disks sharing buffers read what a byte model of each says, under random writes", () => {
    const SIZE = 256 * KiB;
    const writeArb = fc.record({
      disk: fc.integer({ min: 0, max: 1 }),
      both: fc.boolean(),
      offset: fc.integer({ min: 0, max: SIZE - 64 * KiB }),
      seed: fc.integer({ min: 1, max: 4 }),
      len: fc.integer({ min: 1, max: 64 * KiB }),
      prng: fc.boolean(),
      share: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(writeArb, { minLength: 1, maxLength: 25 }), (writes) => {
        const disks = [new SparseDisk("/dev/sde", SIZE), new SparseDisk("/dev/sde", SIZE)];
        const models = [new Uint8Array(SIZE), new Uint8Array(SIZE)];
        for (const w of writes) {
          const data = w.prng ? prngBytes(w.seed, w.offset, w.len) : bytes(w.seed, w.len);
          for (const i of w.both ? [0, 1] : [w.disk]) {
            (disks[i] as SparseDisk).writeRaw(
              w.offset,
              w.prng ? prngPayload(w.seed, w.offset, w.len) : bytesPayload(data.slice()),
            );
            (models[i] as Uint8Array).set(data, w.offset);
            if (w.share) (disks[i] as SparseDisk).share();
          }
        }
        for (const i of [0, 1])
          expect(diffAt(materialize((disks[i] as SparseDisk).readRaw(0, SIZE)), models[i] as Uint8Array)).toBe(-1);
      }),
      { numRuns: 60 },
    );
  });
});
