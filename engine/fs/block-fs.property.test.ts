/**
 * Model-based test: random sequences of filesystem operations applied to a BlockFs and to a
 * plain map of path → content. After every sequence the mounted view, a fresh mount of the
 * device (what a peer would see after failover), and the model agree, and fsck is clean.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { materialize, prngPayload } from "../block/payload";
import { SparseDisk } from "../block/sparse-disk";
import { BlockFs, mkfs } from "./index";

const names = ["a", "b", "c", "d"];
const dirs = ["", "/x", "/x/y"];
const pathArb = fc.tuple(fc.constantFrom(...dirs), fc.constantFrom(...names)).map(([d, n]) => `${d}/${n}`);
const dataArb = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => new TextEncoder().encode(s)),
  fc
    .record({ seed: fc.nat(5), len: fc.integer({ min: 1, max: 20_000 }) })
    .map((r) => materialize(prngPayload(r.seed, 0, r.len))),
);

type Op =
  | { op: "write"; path: string; data: Uint8Array }
  | { op: "append"; path: string; data: Uint8Array }
  | { op: "at"; path: string; off: number; data: Uint8Array; trunc: boolean }
  | { op: "rm"; path: string }
  | { op: "mv"; from: string; to: string }
  | { op: "cp"; from: string; to: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("write" as const), path: pathArb, data: dataArb }),
  fc.record({ op: fc.constant("append" as const), path: pathArb, data: dataArb }),
  fc.record({ op: fc.constant("at" as const), path: pathArb, off: fc.nat(30_000), data: dataArb, trunc: fc.boolean() }),
  fc.record({ op: fc.constant("rm" as const), path: pathArb }),
  fc.record({ op: fc.constant("mv" as const), from: pathArb, to: pathArb }),
  fc.record({ op: fc.constant("cp" as const), from: pathArb, to: pathArb }),
);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function writeAt(old: Uint8Array, off: number, data: Uint8Array, trunc: boolean): Uint8Array {
  const keep = trunc ? Math.min(old.length, off) : old.length;
  const out = new Uint8Array(Math.max(trunc ? off + data.length : keep, off + data.length));
  out.set(old.subarray(0, keep));
  out.set(data, off);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function apply(fs: BlockFs, model: Map<string, Uint8Array>, o: Op): Promise<void> {
  try {
    if (o.op === "write") {
      await fs.writeFile(o.path, o.data);
      model.set(o.path, o.data);
    } else if (o.op === "append") {
      await fs.appendFile(o.path, o.data);
      model.set(o.path, concat(model.get(o.path) ?? new Uint8Array(0), o.data));
    } else if (o.op === "at") {
      fs.writePayload(o.path, o.off, [{ kind: "bytes", data: o.data }], { truncate: o.trunc });
      model.set(o.path, writeAt(model.get(o.path) ?? new Uint8Array(0), o.off, o.data, o.trunc));
    } else if (o.op === "rm") {
      const had = model.has(o.path);
      await fs.rm(o.path, { force: true });
      if (had) model.delete(o.path);
    } else if (o.op === "mv") {
      const src = model.get(o.from);
      await fs.mv(o.from, o.to);
      if (src && o.from !== o.to) {
        model.delete(o.from);
        model.set(o.to, src);
      }
    } else {
      const src = model.get(o.from);
      await fs.cp(o.from, o.to);
      if (src) model.set(o.to, src);
    }
  } catch (e) {
    // Operations on missing sources are refused; the model must agree they were impossible.
    const code = (e as { code?: string }).code;
    expect(code).toBe("ENOENT");
    if (o.op === "mv" || o.op === "cp") expect(model.has(o.from)).toBe(false);
    else throw e;
  }
}

async function files(fs: BlockFs): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const p of fs.getAllPaths()) if ((await fs.stat(p)).isFile) out.set(p, await fs.readFileBuffer(p));
  return out;
}

describe("BlockFs against a model", () => {
  it("matches the model live and after a remount, with a clean fsck", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), async (ops) => {
        const disk = new SparseDisk("/dev/drbd0", 8 * 1024 * 1024);
        expect(mkfs(disk, { type: "xfs", uuid: "u", nowMs: 0 }).ok).toBe(true);
        const m = BlockFs.mount(disk, { nowMs: () => 0 });
        if (!m.ok) throw new Error("mount");
        await m.fs.mkdir("/x/y", { recursive: true });
        const model = new Map<string, Uint8Array>();
        for (const o of ops) await apply(m.fs, model, o);
        const again = BlockFs.mount(disk, { nowMs: () => 0 });
        if (!again.ok) throw new Error("remount");
        for (const view of [m.fs, again.fs]) {
          const got = await files(view);
          expect([...got.keys()].sort()).toEqual([...model.keys()].sort());
          for (const [p, bytes] of model) expect(sameBytes(got.get(p) as Uint8Array, bytes)).toBe(true);
          expect(view.check()).toEqual([]);
        }
      }),
      { numRuns: 120 },
    );
  });
});
