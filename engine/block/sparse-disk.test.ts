import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prngBytes } from "../core/rng";
import { digestRange, firstDifference, sameContent } from "./digest";
import { bytesPayload, materialize, payloadSlice, prngPayload, zeroPayload } from "./payload";
import { SparseDisk } from "./sparse-disk";
import type { Payload } from "./types";

const SIZE = 64 * 1024;

const chunkArb = fc.oneof(
  fc.integer({ min: 1, max: 3000 }).map((n) => zeroPayload(n)),
  fc.uint8Array({ minLength: 1, maxLength: 600 }).map((d) => bytesPayload(d)),
  fc
    .record({
      seed: fc.integer({ min: 0, max: 3 }),
      off: fc.integer({ min: 0, max: 5000 }),
      len: fc.integer({ min: 1, max: 9000 }),
    })
    .map((r) => prngPayload(r.seed, r.off, r.len)),
);
const writeArb = fc.record({
  offset: fc.integer({ min: 0, max: SIZE - 1 }),
  parts: fc.array(chunkArb, { minLength: 1, maxLength: 3 }),
});

/** Index of the first differing byte, -1 if equal (vitest's toEqual is too slow on 64 KiB arrays). */
function diffAt(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function applyModel(model: Uint8Array, offset: number, p: Payload): void {
  model.set(materialize(p), offset);
}

describe("SparseDisk extent map", () => {
  it("agrees with a byte-array model under random writes and reads", () => {
    fc.assert(
      fc.property(
        fc.array(writeArb, { maxLength: 25 }),
        fc.array(fc.tuple(fc.nat(SIZE), fc.nat(SIZE)), { maxLength: 10 }),
        (writes, reads) => {
          const disk = new SparseDisk("/dev/sdz", SIZE);
          const model = new Uint8Array(SIZE);
          for (const w of writes) {
            let p: Payload = w.parts.flat();
            const len = Math.min(materialize(p).length, SIZE - w.offset);
            p = payloadSlice(p, 0, len);
            const r = disk.write(w.offset, p);
            expect(r.ok).toBe(true);
            applyModel(model, w.offset, p);
          }
          expect(diffAt(materialize(disk.readRaw(0, SIZE)), model)).toBe(-1);
          for (const [a, b] of reads) {
            const off = Math.min(a, b);
            const len = Math.abs(a - b);
            const r = disk.read(off, len);
            if (!r.ok) throw new Error("read failed");
            expect(diffAt(materialize(r.value), model.subarray(off, off + len))).toBe(-1);
          }
          // Extents never overlap and are sorted.
          const ext = disk.describe();
          for (let i = 1; i < ext.length; i++) {
            const prev = ext[i - 1];
            const cur = ext[i];
            if (!prev || !cur) continue;
            expect(prev.start + prev.length).toBeLessThanOrEqual(cur.start);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("reads unwritten space as zeros and stores nothing for it", () => {
    const disk = new SparseDisk("/dev/sdz", 1024 * 1024);
    const r = disk.read(4096, 8192);
    expect(r.ok && r.value).toEqual([{ kind: "zero", length: 8192 }]);
    disk.write(0, zeroPayload(65536));
    expect(disk.extentCount()).toBe(0);
  });

  it("stores a 10 MiB dd of /dev/urandom written 1 MiB at a time as one PRNG extent", () => {
    const disk = new SparseDisk("/dev/sda1", 2 ** 40);
    const MiB = 1024 * 1024;
    for (let i = 0; i < 10; i++) disk.write(5 * MiB + i * MiB, prngPayload(42, i * MiB, MiB));
    expect(disk.extentCount()).toBe(1);
    expect(disk.literalBytes()).toBe(0);
    const r = disk.read(5 * MiB + 3, 16);
    expect(r.ok && materialize(r.value)).toEqual(prngBytes(42, 3, 16));
  });

  it("splits an extent when overwritten in the middle, then merges back when restored", () => {
    const disk = new SparseDisk("/dev/sdz", 1024 * 1024);
    disk.write(0, prngPayload(7, 0, 40960));
    disk.write(8192, bytesPayload(new Uint8Array(100).fill(1)));
    expect(disk.extentCount()).toBe(3);
    disk.write(8192, prngPayload(7, 8192, 100));
    expect(disk.extentCount()).toBe(1);
  });

  it("refuses I/O past the end and honours injected faults", () => {
    const disk = new SparseDisk("/dev/sdz", 8192);
    expect(disk.write(4096, zeroPayload(8192))).toMatchObject({ ok: false, errno: "ENOSPC" });
    expect(disk.read(8000, 1000)).toMatchObject({ ok: false, errno: "EIO" });
    disk.setFault({ kind: "eio" });
    expect(disk.write(0, bytesPayload(new Uint8Array([1])))).toMatchObject({ ok: false, errno: "EIO" });
    expect(disk.flush()).toMatchObject({ ok: false, errno: "EIO" });
    disk.setFault(null);
    expect(disk.write(0, bytesPayload(new Uint8Array([1]))).ok).toBe(true);
  });

  it("models latency and bandwidth, and a slow fault multiplies them", () => {
    const disk = new SparseDisk("/dev/sdz", 16 * 1024 * 1024, { latencyUs: 100, bandwidthBps: 500_000_000 });
    const r = disk.write(0, prngPayload(1, 0, 1024 * 1024));
    expect(r.ok && r.latencyUs).toBe(100 + Math.round((1024 * 1024 * 1e6) / 500_000_000));
    disk.setFault({ kind: "slow", factor: 4 });
    const s = disk.write(0, prngPayload(1, 0, 1024 * 1024));
    expect(s.ok && s.latencyUs).toBe(Math.round(4 * (100 + (1024 * 1024 * 1e6) / 500_000_000)));
  });

  it("rejects sizes that are not block multiples", () => {
    expect(() => new SparseDisk("/dev/x", 1000)).toThrow(RangeError);
  });

  it("grants one exclusive claim at a time", () => {
    const disk = new SparseDisk("/dev/sda1", 8192);
    expect(disk.open("rw", "drbd").ok).toBe(true);
    expect(disk.open("rw", "mount")).toMatchObject({ ok: false, errno: "EBUSY" });
    expect(disk.open("ro", "blkid").ok).toBe(true);
    disk.close("drbd");
    expect(disk.open("rw", "mount").ok).toBe(true);
    expect(disk.openers().map((o) => o.opener)).toEqual(["blkid", "mount"]);
  });
});

describe("content comparison", () => {
  it("compares descriptors without materialising a 1 TiB range", () => {
    const a = new SparseDisk("/dev/a", 2 ** 40);
    const b = new SparseDisk("/dev/b", 2 ** 40);
    a.write(2 ** 39, prngPayload(9, 0, 10 * 1024 * 1024));
    b.write(2 ** 39, prngPayload(9, 0, 10 * 1024 * 1024));
    expect(sameContent(a, 0, b, 0, 2 ** 40)).toBe(true);
    expect(digestRange(a, 0, 2 ** 40)).toBe(digestRange(b, 0, 2 ** 40));
    b.write(2 ** 39 + 5, bytesPayload(new Uint8Array([0])));
    expect(sameContent(a, 0, b, 0, 2 ** 40)).toBe(false);
  });

  it("finds equality across representations and the first differing byte", () => {
    const lit = prngBytes(3, 100, 5000);
    expect(firstDifference(prngPayload(3, 100, 5000), bytesPayload(lit))).toBe(-1);
    const changed = lit.slice();
    changed[4321] = (changed[4321] as number) ^ 1;
    expect(firstDifference(prngPayload(3, 100, 5000), bytesPayload(changed))).toBe(4321);
    expect(firstDifference(zeroPayload(10), bytesPayload(new Uint8Array(10)))).toBe(-1);
  });

  it("digests literal bytes independently of how they were chunked", () => {
    const a = new SparseDisk("/dev/a", 1024 * 1024);
    const b = new SparseDisk("/dev/b", 1024 * 1024);
    const data = prngBytes(5, 0, 100_000).map((x) => x | 1);
    a.write(0, bytesPayload(data));
    b.write(0, bytesPayload(data.subarray(0, 30_000)));
    b.write(30_000, bytesPayload(data.subarray(30_000)));
    expect(digestRange(a, 0, 1024 * 1024)).toBe(digestRange(b, 0, 1024 * 1024));
    b.write(99_999, bytesPayload(new Uint8Array([0])));
    expect(digestRange(a, 0, 1024 * 1024)).not.toBe(digestRange(b, 0, 1024 * 1024));
  });
});
