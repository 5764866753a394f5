/**
 * Literal data shared by content. Disks keep references to immutable byte buffers (payloads
 * are never modified once written), so two disks holding the same bytes can hold the same
 * buffer: node1's and node2's disks under DRBD (the peer gets the payload node1 wrote), a lab
 * and the lab it was restored from, and every lab of a process whose PostgreSQL data
 * directory starts from the same template.
 *
 * `intern(view)` returns a view with the same bytes whose buffer is held by this process-wide
 * table: an equal buffer already there (found by a digest of the bytes, then compared byte by
 * byte), or a copy of the view's bytes (never its own buffer, which other objects of the lab
 * may hold: which of a lab's objects share a buffer must not depend on the process's history;
 * a copy also keeps a small extent from holding a large buffer alive). A checkpoint's restored
 * buffer, held by nothing else, is adopted (internBuffer). The table holds
 * its buffers weakly: a buffer no disk references any more is collected and leaves the table.
 * Which buffer a disk ends up holding never changes what it reads, so replays stay identical
 * whatever the collector did.
 */

/** Smaller chunks are kept as they are: the table's bookkeeping would cost more than they do. */
export const INTERN_MIN_BYTES = 2048;

/** Buffers in the table; a view on one of them needs no lookup. */
const held = new WeakSet<ArrayBuffer>();
/** Digest → buffers with that digest (collisions are told apart by comparing bytes). */
const table = new Map<number, WeakRef<ArrayBuffer>[]>();
const counters = { lookups: 0, hits: 0, adopted: 0, copied: 0 };

const registry =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<number>((digest) => {
        const bucket = table.get(digest);
        if (!bucket) return;
        const live = bucket.filter((r) => r.deref() !== undefined);
        if (live.length > 0) table.set(digest, live);
        else table.delete(digest);
      })
    : undefined;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** 32-bit digest of the bytes, mixed with the length; the same for any view of the same bytes. */
export function digestBytes(v: Uint8Array): number {
  let h = Math.imul(v.length ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const n = v.length >>> 2;
  if (LITTLE_ENDIAN && v.byteOffset % 4 === 0) {
    const words = new Int32Array(v.buffer, v.byteOffset, n);
    for (let w = 0; w < n; w++) {
      h = Math.imul(h ^ (words[w] as number), 0x01000193);
      h ^= h >>> 15;
    }
  } else {
    for (let w = 0, i = 0; w < n; w++, i += 4) {
      const word =
        (v[i] as number) | ((v[i + 1] as number) << 8) | ((v[i + 2] as number) << 16) | ((v[i + 3] as number) << 24);
      h = Math.imul(h ^ word, 0x01000193);
      h ^= h >>> 15;
    }
  }
  for (let i = n * 4; i < v.length; i++) h = Math.imul(h ^ (v[i] as number), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const n = a.length >>> 2;
    const wa = new Int32Array(a.buffer, a.byteOffset, n);
    const wb = new Int32Array(b.buffer, b.byteOffset, n);
    for (let i = 0; i < n; i++) if (wa[i] !== wb[i]) return false;
    for (let i = n * 4; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Is this view on a buffer of the table, and not a small window that would pin a large buffer? */
export function isInterned(v: Uint8Array): boolean {
  return v.buffer instanceof ArrayBuffer && held.has(v.buffer) && v.length * 2 >= v.buffer.byteLength;
}

/** Is this buffer one of the table's (immutable literal data shared by content)? */
export function isHeldBuffer(b: ArrayBufferLike): boolean {
  return b instanceof ArrayBuffer && held.has(b);
}

/** A buffer with these bytes from the table: an equal one already there, or this one, adopted. */
export function internBuffer(b: ArrayBuffer): ArrayBuffer {
  if (held.has(b) || !registry) return b;
  return lookupOrAdopt(new Uint8Array(b), true).buffer as ArrayBuffer;
}

/**
 * The same bytes, on a buffer shared through the table (see the module comment). Always a new
 * view object (from the threshold up): whether the bytes were found in the table or adopted
 * depends on the process's history, so a caller must not be able to tell by identity (a lab's
 * checkpoint records which objects it shares).
 */
export function intern(v: Uint8Array): Uint8Array {
  if (v.length < INTERN_MIN_BYTES || !registry || !(v.buffer instanceof ArrayBuffer)) return v;
  if (isInterned(v)) return new Uint8Array(v.buffer, v.byteOffset, v.length);
  // never adopted in place: the view's buffer may be referenced elsewhere in the lab (the DRBD
  // peer's disk holds the same payload), and adopting it or not (whether another lab of the
  // process had these bytes first) would change which of the lab's objects share a buffer, so
  // a lab's checkpoint would depend on the process's history
  return lookupOrAdopt(v, false);
}

/** `mayAdopt`: the buffer is referenced only by whom asks (a checkpoint's restored blob). */
function lookupOrAdopt(v: Uint8Array, mayAdopt: boolean): Uint8Array {
  if (!registry) return v;
  counters.lookups++;
  const digest = digestBytes(v);
  const bucket = table.get(digest);
  if (bucket) {
    for (const ref of bucket) {
      const buf = ref.deref();
      if (buf && buf.byteLength === v.length) {
        const candidate = new Uint8Array(buf);
        if (sameBytes(candidate, v)) {
          counters.hits++;
          return candidate;
        }
      }
    }
  }
  const whole =
    mayAdopt &&
    v.buffer instanceof ArrayBuffer &&
    v.byteOffset === 0 &&
    v.byteLength === v.buffer.byteLength &&
    !held.has(v.buffer);
  const own = whole ? v : v.slice();
  if (whole) counters.adopted++;
  else counters.copied++;
  const buf = own.buffer as ArrayBuffer;
  held.add(buf);
  const ref = new WeakRef(buf);
  if (bucket) bucket.push(ref);
  else table.set(digest, [ref]);
  registry.register(buf, digest);
  return new Uint8Array(buf);
}

/** Buffers and bytes the table holds now (each shared buffer counted once), and its counters. */
export function internStats(): {
  buffers: number;
  bytes: number;
  lookups: number;
  hits: number;
  adopted: number;
  copied: number;
} {
  let buffers = 0;
  let bytes = 0;
  for (const bucket of table.values())
    for (const ref of bucket) {
      const buf = ref.deref();
      if (buf) {
        buffers++;
        bytes += buf.byteLength;
      }
    }
  return { buffers, bytes, ...counters };
}

/**
 * Memory held by the literal data of these disks: each distinct buffer once (however many
 * extents, disks or labs reference it), against the logical literal bytes they store.
 */
export function heldBytes(disks: Iterable<{ literalBuffers(): Iterable<ArrayBufferLike> }>): {
  buffers: number;
  bytes: number;
} {
  const seen = new Set<ArrayBufferLike>();
  let bytes = 0;
  for (const d of disks)
    for (const b of d.literalBuffers())
      if (!seen.has(b)) {
        seen.add(b);
        bytes += b.byteLength;
      }
  return { buffers: seen.size, bytes };
}
