/**
 * Checkpoints: a lab's whole state (world, filesystems, block devices' extents, PostgreSQL's
 * data directory as it lies on them, terminals and their shells, seeded generators, virtual
 * clock, the event log) saved as bytes, so that a rebuild or a grading restores it and replays
 * only the log's tail. Restoring a checkpoint taken after k events and replaying the rest gives
 * the transcript and state of a full replay, byte for byte (engine/tests/checkpoint.test.ts).
 *
 * How: the lab's object graph is walked breadth first from the Lab (class instances, arrays,
 * maps, sets, dates, typed arrays, the entries of weak maps, including the engine's registered
 * side tables: core/side-tables.ts) and written as records. A restore builds the bare lab of
 * the same scenario, seed and topology (createBareLab: machines, shells, their commands) and
 * lays the saved data into it: an object found at the same place in the bare lab and of the
 * same class is reused and overwritten in place, so the closures the bare lab wired (a shell's
 * commands, a filesystem's clock) keep pointing at the right objects; anything else is made
 * anew from its class. Functions are never written: a function must be the bare lab's own at
 * the same place (same source), or made by a rebindable factory (core/rebind.ts: the pending
 * timers' closures, which a restore makes again from their saved arguments), else the state
 * cannot be saved now (NotCheckpointable: a timer of another closure pending, a PostgreSQL
 * instance open, a job queued) and the caller tries again later. PostgreSQL's instances sleep
 * at fixed points of every lab's life (every PG_QUIESCE_EVERY command lines, services/postgres
 * /server.ts): a lab whose servers run, asleep, is checkpointed there.
 *
 * The format is versioned (CHECKPOINT_FORMAT) and checked: every class's and function's
 * source is hashed in it, so a checkpoint written by other engine code is refused
 * (InvalidCheckpoint), as is a damaged one; the caller then replays the whole log.
 * Pure: no I/O, no clock; the same lab gives the same bytes.
 */

import { internBuffer, isHeldBuffer } from "./block/intern";
import { rebind, rebindInfo } from "./core/rebind";
import { sideTables } from "./core/side-tables";
import { Bitmap } from "./drbd/bitmap";
import { DrbdDevice } from "./drbd/device";
import { BlockAllocator } from "./fs/allocator";
import { BlockFs } from "./fs/block-fs";
import { MetaTable } from "./fs/meta";
import { DevIo, MetaStore } from "./fs/store";
import { createBareLab, type Lab, type LabEvent, type ReplayEvent } from "./lab";

export const CHECKPOINT_FORMAT = 1;
const MAGIC = "DRBDCKP1";

/** The lab holds something a checkpoint cannot carry now (a pending timer, an open PostgreSQL). */
export class NotCheckpointable extends Error {}
/** Bytes that are not a checkpoint this engine can restore (damaged, other format or engine code). */
export class InvalidCheckpoint extends Error {}

export interface CheckpointMeta {
  format: number;
  scenario: string;
  seed: number;
  topology: string;
  dataCapBytes: number;
  /** How many of the lab's events (exec and wait) the state includes. */
  events: number;
  /** Digest of those events (eventsDigest): a restore checks the log starts with them. */
  eventsDigest: string;
}

// ---- hashing --------------------------------------------------------------------------------

/** FNV-1a 32 bits over a string's UTF-16 units, seeded. */
function fnv(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function hash64(s: string): string {
  return fnv(s).toString(16).padStart(8, "0") + fnv(s, 0x9747b28c).toString(16).padStart(8, "0");
}

/** Two 32-bit FNV-style sums over bytes, fed a range at a time. */
class BytesSum {
  private h = 0x811c9dc5;
  private g = 0x9747b28c;

  add(b: Uint8Array, from: number, to: number): void {
    let h = this.h;
    let g = this.g;
    for (let i = from; i < to; i++) {
      const x = b[i] as number;
      h = Math.imul(h ^ x, 0x01000193);
      g = Math.imul(g ^ x, 0x5bd1e995);
    }
    this.h = h;
    this.g = g;
  }

  digest(): string {
    return (this.h >>> 0).toString(16).padStart(8, "0") + (this.g >>> 0).toString(16).padStart(8, "0");
  }
}

function bytesSum(b: Uint8Array, start: number): string {
  const sum = new BytesSum();
  sum.add(b, start, b.length);
  return sum.digest();
}

const sourceHashes = new WeakMap<object, string>();
function sourceHash(f: object): string {
  let h = sourceHashes.get(f);
  if (h === undefined) {
    h = hash64(Function.prototype.toString.call(f));
    sourceHashes.set(f, h);
  }
  return h;
}

/** One event as a replay sees it (what a checkpoint's prefix is compared on). */
function eventKey(e: ReplayEvent | LabEvent): string {
  if (e.kind === "wait") return `w ${e.durationUs}`;
  const work = "interruptedAtWork" in e && typeof e.interruptedAtWork === "number" ? e.interruptedAtWork : "";
  const us = work === "" && typeof e.interruptedAtUs === "number" ? e.interruptedAtUs : "";
  return `x ${JSON.stringify(e.target)} ${work} ${us} ${JSON.stringify(e.input)}`;
}

/** Digest of a sequence of events, as replayed (target, input, Ctrl-C point; a wait's duration). */
export function eventsDigest(events: readonly (ReplayEvent | LabEvent)[]): string {
  let h = 0x811c9dc5;
  let g = 0x9747b28c;
  for (const e of events) {
    const k = eventKey(e);
    h = fnv(k, h);
    g = fnv(k, g ^ 0x5bd1e995);
  }
  return `${events.length}:${h.toString(16).padStart(8, "0")}${g.toString(16).padStart(8, "0")}`;
}

// ---- the records ----------------------------------------------------------------------------

/** A value: a primitive, or one of the tagged forms. */
type Enc = null | boolean | number | string | { $: number } | { u: 1 } | { n: string } | { b: string };

/** How a record was first reached: its parent and the edge (p: property, m: map key, i: index). */
type Edge = [number, "p" | "m" | "i", string | number | boolean | null] | [number];

interface Rec {
  /** O object, A array, M map, S set, D date, R regexp, T typed array, B array buffer,
   *  F function, P promise, W weak map, V weak set, G accessor pair holder (never alone) */
  k: string;
  /** Class (prototype) index in the header's class table; absent for the built-in default. */
  c?: number;
  /** First reached from. */
  d?: Edge;
  /** Own properties: [key, value, flags (1 not writable, 2 not enumerable, 4 not configurable)]
   *  or [key, { g: source hash }, flags] for an accessor. */
  p?: [string, Enc | { g: string }, number?][];
  /** Map and weak map entries. */
  e?: [Enc, Enc][];
  /** Array items, set and weak set members. */
  v?: Enc[];
  t?: number;
  s?: string;
  f?: string;
  /** Typed array: its kind, buffer record, offset and length. */
  ty?: string;
  buf?: number;
  off?: number;
  len?: number;
  /** Array buffer: its blob's index. */
  x?: number;
  /** Array buffer: 1 when it holds literal data shared by content (engine/block/intern.ts). */
  sh?: number;
  /** Function: its source's hash; or the rebindable factory that made it, and its arguments. */
  h?: string;
  fn?: string;
  a?: Enc[];
  /** 1 frozen, 2 sealed, 3 not extensible. */
  z?: number;
}

interface Body {
  meta: CheckpointMeta;
  /** Classes by name with their source's hash. */
  classes: [string, string][];
  records: Rec[];
  /** Registered side tables: name, entries (keys are records). */
  sides: [string, [Enc, Enc][] | Enc[]][];
  /** Byte length of each blob, in order after the JSON. */
  blobs: number[];
}

const TYPED = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;
const TYPED_BY_NAME = new Map<string, (typeof TYPED)[number]>(TYPED.map((t) => [t.name, t]));

function typedKind(v: ArrayBufferView): string {
  for (const t of TYPED) if (v instanceof t) return t.name;
  return "";
}

function className(proto: object, path: () => string): string {
  const c = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
  if (typeof c !== "function" || !c.name) throw new NotCheckpointable(`an object of an unnamed class at ${path()}`);
  return c.name;
}

/** The prototype a record of each kind has unless it names a class (Object.prototype else). */
const DEFAULT_PROTO: Record<string, object> = {
  A: Array.prototype,
  M: Map.prototype,
  S: Set.prototype,
  D: Date.prototype,
  R: RegExp.prototype,
  W: WeakMap.prototype,
  V: WeakSet.prototype,
};

function defaultProto(kind: string): object {
  return DEFAULT_PROTO[kind] ?? Object.prototype;
}

function propFlags(d: PropertyDescriptor): number {
  return (d.writable === false ? 1 : 0) | (d.enumerable === false ? 2 : 0) | (d.configurable === false ? 4 : 0);
}

function integrity(o: object): number {
  if (Object.isExtensible(o)) return 0;
  if (Object.isFrozen(o)) return 1;
  if (Object.isSealed(o)) return 2;
  return 3;
}

// ---- save -----------------------------------------------------------------------------------

/**
 * The lab's state as bytes (deterministic). Throws NotCheckpointable when the state holds what
 * a checkpoint cannot carry (see the file's comment); the lab is left untouched either way.
 */
export function saveCheckpoint(lab: Lab): Uint8Array {
  const walk = saving(lab);
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
  }
}

/**
 * saveCheckpoint in slices: `between` runs after every few hundred objects walked (a lab
 * worker lets its other labs run there). The same bytes; the lab must not change meanwhile
 * (its worker holds the lab's serial section).
 */
export async function saveCheckpointSliced(lab: Lab, between: () => Promise<void>): Promise<Uint8Array> {
  const walk = saving(lab);
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
    await between();
  }
}

/** The walk of saveCheckpoint, pausing (yield) between slices of objects. */
function* saving(lab: Lab): Generator<void, Uint8Array, void> {
  // a pending timer's closure must be one a restore can make again (core/rebind.ts)
  const timers = lab.world.clock.pendingTimers().filter((t) => !rebindInfo(t.fn));
  if (timers.length > 0) throw new NotCheckpointable(`timers pending: ${timers.map((t) => t.label).join(", ")}`);
  const jobs = lab.world.pendingJobs();
  if (jobs.length > 0) throw new NotCheckpointable(`jobs queued: ${jobs.join(", ")}`);
  for (const s of lab.world.subsystems) {
    const why = s.checkpointBlocker?.();
    if (why) throw new NotCheckpointable(why);
  }
  const ids = new Map<object, number>();
  const objects: object[] = [];
  const edges: (Edge | undefined)[] = [];
  const records: Rec[] = [];
  const classes: [string, string][] = [];
  const classIndex = new Map<object, number>();
  const blobs: Uint8Array[] = [];
  const weak: number[] = [];
  let queued = 0;

  const pathOf = (id: number): string => {
    const parts: string[] = [];
    for (let i: number | undefined = id; i !== undefined && i > 0; ) {
      const e = edges[i] as Edge;
      parts.unshift(e.length === 1 ? "<weak>" : e[1] === "p" ? `.${String(e[2])}` : `[${String(e[2])}]`);
      i = e[0];
    }
    return `lab${parts.join("")}`;
  };

  const classOf = (proto: object, id: number): number => {
    let i = classIndex.get(proto);
    if (i === undefined) {
      const name = className(proto, () => pathOf(id));
      const ctor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value as object;
      i = classes.length;
      classes.push([name, sourceHash(ctor)]);
      classIndex.set(proto, i);
    }
    return i;
  };

  const ref = (v: object, edge: Edge): { $: number } => {
    let id = ids.get(v);
    if (id === undefined) {
      id = objects.length;
      ids.set(v, id);
      objects.push(v);
      edges.push(id === 0 ? undefined : edge);
    }
    return { $: id };
  };

  const enc = (v: unknown, edge: Edge): Enc => {
    switch (typeof v) {
      case "string":
      case "boolean":
        return v;
      case "number":
        if (Number.isFinite(v) && !Object.is(v, -0)) return v;
        return { n: Object.is(v, -0) ? "-0" : String(v) };
      case "undefined":
        return { u: 1 };
      case "bigint":
        return { b: v.toString() };
      case "object":
        return v === null ? null : ref(v, edge);
      case "function":
        return ref(v, edge);
      default:
        throw new NotCheckpointable(`a ${typeof v} value under ${pathOf(edge[0])}`);
    }
  };

  const record = (id: number): Rec => {
    const o = objects[id] as object;
    const at = () => pathOf(id);
    const d = edges[id];
    const base: Rec = { k: "O", ...(d ? { d } : {}) };
    if (typeof o === "function") {
      const made = rebindInfo(o);
      if (made) return { ...base, k: "F", fn: made.name, a: made.args.map((x) => enc(x, [id])) };
      return { ...base, k: "F", h: sourceHash(o) };
    }
    if (o instanceof Promise) return { ...base, k: "P" };
    if (o instanceof ArrayBuffer) {
      blobs.push(new Uint8Array(o.slice(0)));
      // literal data shared by content (block/intern.ts): restored shared again, so that which
      // buffers a lab shares never depends on whether it was restored
      return { ...base, k: "B", x: blobs.length - 1, ...(isHeldBuffer(o) ? { sh: 1 } : {}) };
    }
    if (ArrayBuffer.isView(o)) {
      const ty = typedKind(o);
      if (!ty || !(o.buffer instanceof ArrayBuffer)) throw new NotCheckpointable(`a shared or unknown view at ${at()}`);
      const proto = Object.getPrototypeOf(o) as object;
      const own = (TYPED_BY_NAME.get(ty) as (typeof TYPED)[number]).prototype;
      const buf = ref(o.buffer, [id, "p", "buffer"]).$;
      return {
        ...base,
        k: "T",
        ty,
        buf,
        off: o.byteOffset,
        len: (o as Uint8Array).length,
        ...(proto !== own ? { c: classOf(proto, id) } : {}),
      };
    }
    if (o instanceof WeakRef || o instanceof SharedArrayBuffer)
      throw new NotCheckpointable(`a ${o.constructor.name} at ${at()}`);
    const proto = Object.getPrototypeOf(o) as object | null;
    let rec: Rec;
    if (o instanceof Date) rec = { ...base, k: "D", t: o.getTime() };
    else if (o instanceof RegExp) rec = { ...base, k: "R", s: o.source, f: o.flags, t: o.lastIndex };
    else if (o instanceof WeakMap || o instanceof WeakSet) {
      weak.push(id);
      rec = { ...base, k: o instanceof WeakMap ? "W" : "V" };
    } else if (o instanceof Map) {
      const e: [Enc, Enc][] = [];
      for (const [k, v] of o) {
        const key = enc(k, [id]);
        const edge: Edge = typeof key === "object" && key !== null ? [id] : [id, "m", k as string];
        e.push([key, enc(v, edge)]);
      }
      rec = { ...base, k: "M", e };
    } else if (o instanceof Set) rec = { ...base, k: "S", v: [...o].map((x) => enc(x, [id])) };
    else if (Array.isArray(o)) {
      const v: Enc[] = [];
      for (let i = 0; i < o.length; i++) v.push(enc(o[i], [id, "i", i]));
      rec = { ...base, k: "A", v };
    } else rec = { ...base, k: "O" };
    // own properties (an array's items are in v)
    const p: [string, Enc | { g: string }, number?][] = [];
    for (const key of Reflect.ownKeys(o)) {
      if (typeof key === "symbol") throw new NotCheckpointable(`a symbol-keyed property at ${at()}`);
      if (Array.isArray(o) && (key === "length" || /^(0|[1-9]\d*)$/.test(key))) continue;
      const desc = Object.getOwnPropertyDescriptor(o, key) as PropertyDescriptor;
      const flags = propFlags(desc);
      if ("value" in desc)
        p.push(flags ? [key, enc(desc.value, [id, "p", key]), flags] : [key, enc(desc.value, [id, "p", key])]);
      else {
        const g = [desc.get, desc.set].map((f) => (f ? sourceHash(f) : "-")).join("/");
        p.push(flags ? [key, { g }, flags] : [key, { g }]);
      }
    }
    if (p.length > 0) rec.p = p;
    if (proto === null) rec.c = -1;
    else if (proto !== defaultProto(rec.k)) rec.c = classOf(proto, id);
    const z = integrity(o);
    if (z) rec.z = z;
    return rec;
  };

  ref(lab, [0]);
  const sides: [string, [Enc, Enc][] | Enc[]][] = [];
  const tables = sideTables();
  // Breadth first, then the weak maps' entries among the objects reached (which may reach
  // more), until nothing new comes: the same lab always gives the same records.
  for (;;) {
    while (queued < objects.length) {
      records[queued] = record(queued);
      queued++;
      if ((queued & 255) === 0) yield;
    }
    const before = objects.length;
    for (const w of weak) {
      const wm = objects[w] as WeakMap<object, unknown> | WeakSet<object>;
      const rec = records[w] as Rec;
      if (wm instanceof WeakMap) {
        const e: [Enc, Enc][] = [];
        for (let i = 0; i < before; i++) {
          const key = objects[i] as object;
          if (wm.has(key)) e.push([{ $: i }, enc(wm.get(key), [w])]);
        }
        rec.e = e;
      } else {
        const v: Enc[] = [];
        for (let i = 0; i < before; i++) if (wm.has(objects[i] as object)) v.push({ $: i });
        rec.v = v;
      }
    }
    sides.length = 0;
    for (const [name, t] of tables) {
      if (t instanceof WeakMap) {
        const e: [Enc, Enc][] = [];
        for (let i = 0; i < before; i++) {
          const key = objects[i] as object;
          if (t.has(key)) e.push([{ $: i }, enc(t.get(key), [i])]);
        }
        if (e.length) sides.push([name, e]);
      } else {
        const v: Enc[] = [];
        for (let i = 0; i < before; i++) if (t.has(objects[i] as object)) v.push({ $: i });
        if (v.length) sides.push([name, v]);
      }
    }
    if (objects.length === before) break;
  }
  // functions and promises are the bare lab's own: they must be reached through a property
  for (const [i, r] of records.entries()) {
    if ((r.k === "F" || r.k === "P") && r.fn === undefined && (r.d === undefined || r.d.length === 1))
      throw new NotCheckpointable(
        `a ${r.k === "F" ? "function" : "promise"} held where a restore cannot find it (${pathOf(i)})`,
      );
  }
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    scenario: lab.scenario,
    seed: lab.seed,
    topology: lab.world.topology.id,
    dataCapBytes: lab.world.dataQuota.capBytes,
    events: lab.events().length,
    eventsDigest: eventsDigest(lab.events()),
  };
  yield;
  // JSON.stringify(body) (a Body: meta, classes, records, sides, blobs), the records a slice at a time
  const json: string[] = [`{"meta":${JSON.stringify(meta)},"classes":${JSON.stringify(classes)},"records":[`];
  for (let i = 0; i < records.length; i += 256) {
    const slice = records.slice(i, i + 256).map((r) => JSON.stringify(r));
    json.push((i > 0 ? "," : "") + slice.join(","));
    yield;
  }
  json.push(`],"sides":${JSON.stringify(sides)},"blobs":${JSON.stringify(blobs.map((b) => b.length))}}`);
  const text = new TextEncoder().encode(json.join(""));
  const total = 8 + 16 + 4 + text.length + blobs.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(24, text.length);
  out.set(text, 28);
  let at = 28 + text.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  yield;
  const sum = new BytesSum();
  for (let from = 24; from < out.length; from += SUM_SLICE) {
    sum.add(out, from, Math.min(out.length, from + SUM_SLICE));
    yield;
  }
  out.set(new TextEncoder().encode(sum.digest()), 8);
  return out;
}

/** Bytes summed between two slices of a checkpoint's walk (a PostgreSQL data directory is 50 MB). */
const SUM_SLICE = 1 << 20;

// ---- restore --------------------------------------------------------------------------------

function parse(bytes: Uint8Array): { body: Body; blobs: Uint8Array[] } {
  if (bytes.length < 28 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new InvalidCheckpoint("not a lab checkpoint (or another format)");
  if (new TextDecoder().decode(bytes.subarray(8, 24)) !== bytesSum(bytes, 24))
    throw new InvalidCheckpoint("damaged checkpoint (checksum)");
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(24);
  let body: Body;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes.subarray(28, 28 + len))) as Body;
  } catch {
    throw new InvalidCheckpoint("damaged checkpoint (header)");
  }
  if (body?.meta?.format !== CHECKPOINT_FORMAT)
    throw new InvalidCheckpoint(
      `checkpoint format ${String(body?.meta?.format)}, this engine reads ${CHECKPOINT_FORMAT}`,
    );
  const blobs: Uint8Array[] = [];
  let at = 28 + len;
  for (const n of body.blobs) {
    // a copy with its own buffer (a Node Buffer's slice is a view of a larger one)
    blobs.push(new Uint8Array(bytes.subarray(at, at + n)));
    at += n;
  }
  if (at !== bytes.length) throw new InvalidCheckpoint("damaged checkpoint (length)");
  return { body, blobs };
}

/** The header of a checkpoint (throws InvalidCheckpoint). */
export function checkpointMeta(bytes: Uint8Array): CheckpointMeta {
  return parse(bytes).body.meta;
}

/** Every class reachable from the bare lab, by name (a name two classes share is ambiguous: null). */
function classesOf(root: object, extra: object[]): Map<string, object | null> {
  const byName = new Map<string, object | null>();
  const seen = new Set<unknown>();
  const addProto = (p: object | null) => {
    for (; p && p !== Object.prototype && !seen.has(p); p = Object.getPrototypeOf(p) as object | null) {
      seen.add(p);
      const c = Object.getOwnPropertyDescriptor(p, "constructor")?.value;
      if (typeof c !== "function" || !c.name) continue;
      const had = byName.get(c.name);
      byName.set(c.name, had === undefined || had === p ? p : null);
    }
  };
  for (const p of extra) addProto(p);
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v)) continue;
    seen.add(v);
    addProto(Object.getPrototypeOf(v) as object | null);
    if (typeof v === "function" || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    for (const key of Reflect.ownKeys(v as object)) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (d && "value" in d) stack.push(d.value);
    }
  }
  return byName;
}

/** Classes a lab may hold that its bare world does not (objects made as the lab runs). */
const extraClasses: object[] = [Bitmap, DrbdDevice, BlockAllocator, BlockFs, MetaTable, DevIo, MetaStore].map(
  (c) => c.prototype as object,
);
/**
 * A lab from a checkpoint (see the file's comment): its bare world of the same scenario, seed
 * and topology, with the saved state laid into it. Throws InvalidCheckpoint for bytes it cannot
 * restore exactly (the caller replays the whole log instead).
 */
export async function restoreCheckpoint(bytes: Uint8Array): Promise<{ lab: Lab; meta: CheckpointMeta }> {
  const { body, blobs } = parse(bytes);
  const { meta } = body;
  let bare: Lab;
  try {
    bare = await createBareLab({
      scenario: meta.scenario,
      seed: meta.seed,
      topology: meta.topology,
      dataCapBytes: meta.dataCapBytes,
    });
  } catch (e) {
    throw new InvalidCheckpoint(`cannot build the lab of this checkpoint: ${(e as Error).message}`);
  }
  const known = classesOf(bare, [...extraClasses, ...(globalThis.Buffer ? [globalThis.Buffer.prototype] : [])]);
  const protos: object[] = body.classes.map(([name, hash]) => {
    const p = known.get(name);
    if (!p) throw new InvalidCheckpoint(`class ${name} is ${p === null ? "ambiguous" : "unknown"} here`);
    const ctor = Object.getOwnPropertyDescriptor(p, "constructor")?.value as object;
    if (sourceHash(ctor) !== hash) throw new InvalidCheckpoint(`class ${name} changed since the checkpoint`);
    return p;
  });
  const recs = body.records;
  const n = recs.length;
  const out: unknown[] = new Array(n);
  /** Objects of the bare lab reused in place. */
  const reused = new Set<number>();
  const claimed = new Set<unknown>();
  const protoOf = (r: Rec, fallback: object): object | null =>
    r.c === undefined ? fallback : r.c === -1 ? null : ((protos[r.c] as object | undefined) ?? fallback);
  const where = (id: number): string => {
    const parts: string[] = [];
    for (let i: number | undefined = id; i !== undefined && i > 0; ) {
      const d: Edge | undefined = recs[i]?.d;
      if (!d) break;
      parts.unshift(d.length === 1 ? "<weak>" : d[1] === "p" ? `.${String(d[2])}` : `[${String(d[2])}]`);
      i = d[0];
    }
    return `lab${parts.join("")}`;
  };
  const kindOf = (v: unknown): string => {
    if (typeof v === "function") return "F";
    if (v instanceof Promise) return "P";
    if (v instanceof Map) return "M";
    if (v instanceof Set) return "S";
    if (Array.isArray(v)) return "A";
    if (v instanceof Date || v instanceof RegExp || v instanceof WeakMap || v instanceof WeakSet) return "-";
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return "-";
    return "O";
  };

  const dec = (v: Enc): unknown => {
    if (v === null || typeof v !== "object") return v;
    if ("$" in v) {
      if (!(v.$ >= 0 && v.$ < n)) throw new InvalidCheckpoint("dangling reference");
      return out[v.$];
    }
    if ("u" in v) return undefined;
    if ("n" in v) return v.n === "-0" ? -0 : Number(v.n);
    if ("b" in v) return BigInt(v.b);
    throw new InvalidCheckpoint("bad value");
  };

  // 1. which saved objects are the bare lab's objects (same place, same class), and new ones
  for (let i = 0; i < n; i++) {
    const r = recs[i] as Rec;
    let cp: unknown;
    if (i === 0) cp = bare;
    else if (r.d && r.d.length === 3 && reused.has(r.d[0])) {
      const parent = out[r.d[0]] as object;
      const [, how, key] = r.d;
      if (how === "p") {
        const desc = Object.getOwnPropertyDescriptor(parent, String(key));
        cp = desc && "value" in desc ? desc.value : undefined;
      } else if (how === "m" && parent instanceof Map) cp = parent.get(key);
      else if (how === "i" && Array.isArray(parent)) cp = parent[key as number];
    }
    if (r.k === "F" && r.fn !== undefined) continue; // made below, once its arguments exist
    if (r.k === "F" || r.k === "P") {
      if (kindOf(cp) !== r.k || (r.k === "F" && sourceHash(cp as object) !== r.h))
        throw new InvalidCheckpoint(
          `a ${r.k === "F" ? "function" : "promise"} the bare lab does not have: ${where(i)}`,
        );
      out[i] = cp;
      continue;
    }
    const fresh = (): unknown => {
      switch (r.k) {
        case "O":
          return Object.create(protoOf(r, Object.prototype));
        case "A":
          return Object.setPrototypeOf([], protoOf(r, Array.prototype));
        case "M":
          return Object.setPrototypeOf(new Map(), protoOf(r, Map.prototype));
        case "S":
          return Object.setPrototypeOf(new Set(), protoOf(r, Set.prototype));
        case "W":
          return Object.setPrototypeOf(new WeakMap(), protoOf(r, WeakMap.prototype));
        case "V":
          return Object.setPrototypeOf(new WeakSet(), protoOf(r, WeakSet.prototype));
        case "D":
          return Object.setPrototypeOf(new Date(r.t as number), protoOf(r, Date.prototype));
        case "R": {
          const re = new RegExp(r.s as string, r.f);
          re.lastIndex = r.t ?? 0;
          return Object.setPrototypeOf(re, protoOf(r, RegExp.prototype));
        }
        case "B": {
          const b = blobs[r.x as number];
          if (!b) throw new InvalidCheckpoint(`missing blob (record ${i})`);
          return r.sh === 1 ? internBuffer(b.buffer as ArrayBuffer) : b.buffer;
        }
        case "T":
          return undefined; // after its buffer (pass 2)
        default:
          throw new InvalidCheckpoint(`unknown record kind ${r.k}`);
      }
    };
    const reusable =
      cp !== null &&
      typeof cp === "object" &&
      !claimed.has(cp) &&
      kindOf(cp) === r.k &&
      Object.isExtensible(cp) &&
      Object.getPrototypeOf(cp) === protoOf(r, defaultProto(r.k));
    if (reusable) {
      claimed.add(cp);
      reused.add(i);
      out[i] = cp;
    } else out[i] = fresh();
  }
  // typed arrays, on their buffers
  for (let i = 0; i < n; i++) {
    const r = recs[i] as Rec;
    if (r.k !== "T") continue;
    const T = TYPED_BY_NAME.get(r.ty as string);
    const buf = out[r.buf as number];
    if (!T || !(buf instanceof ArrayBuffer)) throw new InvalidCheckpoint(`bad typed array (record ${i})`);
    const view = new T(buf, r.off, r.len);
    if (r.c !== undefined) Object.setPrototypeOf(view, protos[r.c] as object);
    out[i] = view;
  }

  // closures of rebindable factories, on the restored objects
  for (let i = 0; i < n; i++) {
    const r = recs[i] as Rec;
    if (r.k !== "F" || r.fn === undefined) continue;
    const f = rebind(
      r.fn,
      (r.a ?? []).map((x) => dec(x)),
    );
    if (!f) throw new InvalidCheckpoint(`unknown closure factory ${r.fn}`);
    out[i] = f;
  }
  // 2. the saved data, laid into each object
  const accessors = new WeakMap<object, Record<string, PropertyDescriptor>>();
  const tables = new Map(sideTables());
  for (let i = 0; i < n; i++) {
    const r = recs[i] as Rec;
    const o = out[i] as Record<string, unknown>;
    if (r.k === "F" || r.k === "P" || r.k === "B" || r.k === "T") continue;
    if (reused.has(i)) {
      // the bare lab's entries of this object in the side tables are not the saved ones
      for (const t of tables.values()) t.delete(o);
      if (o instanceof Map || o instanceof Set) o.clear();
      if (Array.isArray(o)) o.length = 0;
      // every own property goes, to come back in the saved order (a key's place is part of
      // the state: iteration order); accessors the bare lab set are put back where they were saved
      for (const key of Reflect.ownKeys(o)) {
        if (typeof key === "symbol" || (Array.isArray(o) && /^(0|[1-9]\d*)$|^length$/.test(key))) continue;
        const d = Object.getOwnPropertyDescriptor(o, key) as PropertyDescriptor;
        if (!("value" in d)) accessors.set(o, { ...(accessors.get(o) ?? {}), [key]: d });
        if (!Reflect.deleteProperty(o, key)) throw new InvalidCheckpoint(`cannot clear ${key} (record ${i})`);
      }
    }
    if (r.k === "M") for (const [k, v] of r.e ?? []) (o as unknown as Map<unknown, unknown>).set(dec(k), dec(v));
    else if (r.k === "S") for (const v of r.v ?? []) (o as unknown as Set<unknown>).add(dec(v));
    else if (r.k === "A") {
      const a = o as unknown as unknown[];
      for (const v of r.v ?? []) a.push(dec(v));
    } else if (r.k === "W") {
      const w = o as unknown as WeakMap<object, unknown>;
      for (const [k, v] of r.e ?? []) w.set(dec(k) as object, dec(v));
    } else if (r.k === "V") for (const v of r.v ?? []) (o as unknown as WeakSet<object>).add(dec(v) as object);
    for (const [key, v, flags = 0] of r.p ?? []) {
      if (v !== null && typeof v === "object" && "g" in v) {
        const d = accessors.get(o)?.[key];
        const g = d && [d.get, d.set].map((f) => (f ? sourceHash(f) : "-")).join("/");
        if (!d || g !== v.g)
          throw new InvalidCheckpoint(`an accessor the bare lab does not have (${key}, record ${i})`);
        Object.defineProperty(o, key, d);
        continue;
      }
      Object.defineProperty(o, key, {
        value: dec(v),
        writable: (flags & 1) === 0,
        enumerable: (flags & 2) === 0,
        configurable: (flags & 4) === 0,
      });
    }
  }
  for (const [name, entries] of body.sides) {
    const t = tables.get(name);
    if (!t) throw new InvalidCheckpoint(`side table ${name} is unknown here`);
    for (const x of entries) {
      if (Array.isArray(x)) (t as WeakMap<object, unknown>).set(dec(x[0]) as object, dec(x[1]));
      else (t as WeakSet<object>).add(dec(x) as object);
    }
  }
  for (let i = 0; i < n; i++) {
    const z = (recs[i] as Rec).z;
    const o = out[i] as object;
    if (z === 1) Object.freeze(o);
    else if (z === 2) Object.seal(o);
    else if (z === 3) Object.preventExtensions(o);
  }
  const lab = out[0] as Lab;
  if (lab !== bare) throw new InvalidCheckpoint("the checkpoint's root is not a lab");
  return { lab, meta };
}

/**
 * Restore a checkpoint and replay the events after it: `events` is the whole log, which must
 * begin with the events the checkpoint holds (else InvalidCheckpoint). Returns the lab and how
 * many events were skipped.
 */
export async function restoreFor(
  bytes: Uint8Array,
  events: readonly ReplayEvent[],
  expect: { scenario: string; seed: number },
): Promise<{ lab: Lab; skipped: number }> {
  const meta = checkpointMeta(bytes);
  if (meta.scenario !== expect.scenario || meta.seed !== expect.seed)
    throw new InvalidCheckpoint("the checkpoint is of another lab");
  if (meta.events > events.length || eventsDigest(events.slice(0, meta.events)) !== meta.eventsDigest)
    throw new InvalidCheckpoint("the log does not begin with the checkpoint's events");
  const { lab } = await restoreCheckpoint(bytes);
  return { lab, skipped: meta.events };
}
