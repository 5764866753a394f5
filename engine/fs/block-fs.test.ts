import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { materialize, prngPayload } from "../block/payload";
import { SparseDisk } from "../block/sparse-disk";
import { BlockFs, FsError, mkfs } from "./index";

const MiB = 1024 * 1024;
const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");
const clock = 1_700_000_000_000;
const nowMs = () => clock;

function fresh(size = 64 * MiB, type: "ext4" | "xfs" = "ext4"): { disk: SparseDisk; fs: BlockFs } {
  const disk = new SparseDisk("/dev/drbd0", size);
  const r = mkfs(disk, { type, uuid: "0b8e6c4f-3a1d-4c2e-9f7a-1d2c3b4a5e6f", nowMs: clock });
  if (!r.ok) throw new Error("mkfs failed");
  return { disk, fs: mount(disk) };
}

function mount(disk: SparseDisk, readOnly = false): BlockFs {
  const m = BlockFs.mount(disk, { nowMs, readOnly });
  if (!m.ok) throw new Error(`mount failed: ${m.why}`);
  return m.fs;
}

async function tree(fs: BlockFs): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of fs.getAllPaths()) {
    const st = await fs.lstat(p);
    out[p] = st.isDirectory
      ? "dir"
      : st.isSymbolicLink
        ? `-> ${await fs.readlink(p)}`
        : `${st.size}:${md5(await fs.readFileBuffer(p))}`;
  }
  return out;
}

describe("BlockFs on a SparseDisk", () => {
  it("refuses to mount a device without a superblock", () => {
    const disk = new SparseDisk("/dev/drbd0", 16 * MiB);
    expect(BlockFs.mount(disk, { nowMs })).toEqual({ ok: false, why: "no-superblock" });
  });

  it("creates, appends, overwrites, renames and removes files; a remount shows the same tree", async () => {
    const { disk, fs } = fresh();
    await fs.mkdir("/dir/sub", { recursive: true });
    await fs.writeFile("/test.txt", "Donnees critiques\n");
    await fs.appendFile("/test.txt", "ligne 2\n");
    await fs.writeFile("/dir/a", "x".repeat(10_000));
    await fs.writeFile("/dir/a", "short");
    await fs.writeFile("/dir/sub/b", "bbb");
    await fs.mv("/dir/sub/b", "/dir/c");
    await fs.cp("/test.txt", "/dir/copy.txt");
    await fs.symlink("../test.txt", "/dir/link");
    await fs.writeFile("/gone", "to delete");
    await fs.rm("/gone");
    expect(await fs.readFile("/test.txt")).toBe("Donnees critiques\nligne 2\n");
    expect(await fs.readFile("/dir/a")).toBe("short");
    expect(await fs.readFile("/dir/link")).toBe("Donnees critiques\nligne 2\n");
    expect(await fs.readdir("/dir")).toEqual(["a", "c", "copy.txt", "link", "sub"]);
    expect(await fs.exists("/gone")).toBe(false);
    expect(fs.check()).toEqual([]);
    const before = await tree(fs);
    const again = mount(disk);
    expect(await tree(again)).toEqual(before);
    expect(again.check()).toEqual([]);
  });

  it("keeps what was written before a crash: nothing is cached in memory", async () => {
    const { disk, fs } = fresh();
    await fs.writeFile("/a", "committed");
    await fs.appendFile("/a", " and appended");
    // No umount, no sync: the machine dies; a new mount (on this node or the peer) reads the device.
    const after = mount(disk);
    expect(await after.readFile("/a")).toBe("committed and appended");
  });

  it("stores a 10 MiB PRNG file as one extent and reads it back identically", async () => {
    const { disk, fs } = fresh();
    const extentsBefore = disk.extentCount();
    for (let i = 0; i < 10; i++)
      fs.writePayload("/data.bin", i * MiB, prngPayload(77, i * MiB, MiB), { truncate: i === 0 });
    expect((await fs.stat("/data.bin")).size).toBe(10 * MiB);
    expect(disk.extentCount() - extentsBefore).toBeLessThanOrEqual(2); // one data extent (+ the log tail block may split)
    const p = fs.readPayload("/data.bin");
    expect(p).toEqual([{ kind: "prng", seed: 77, offset: 0, length: 10 * MiB }]);
    expect(md5(await fs.readFileBuffer("/data.bin"))).toBe(md5(materialize(prngPayload(77, 0, 10 * MiB))));
  });

  it("writes at an offset past the end with zero fill, and dd-style truncation keeps the head", async () => {
    const { fs } = fresh();
    await fs.writeFile("/f", "abcdefgh");
    fs.writePayload("/f", 12, [{ kind: "bytes", data: new TextEncoder().encode("XY") }]);
    expect(await fs.readFile("/f")).toBe("abcdefgh\0\0\0\0XY");
    fs.writePayload("/f", 2, [{ kind: "bytes", data: new TextEncoder().encode("--") }], { truncate: true });
    expect(await fs.readFile("/f")).toBe("ab--");
    expect(fs.check()).toEqual([]);
  });

  it("reports ENOSPC when the data area is full and leaves the filesystem consistent", async () => {
    const { fs } = fresh(4 * MiB);
    const free = fs.statfs().free;
    expect(() => fs.writePayload("/big", 0, prngPayload(1, 0, (free + 1) * 4096), { truncate: true })).toThrow(
      /No space left on device/,
    );
    expect(await fs.exists("/big")).toBe(false);
    expect(fs.statfs().free).toBe(free);
    fs.writePayload("/fits", 0, prngPayload(1, 0, free * 4096), { truncate: true });
    expect(fs.statfs().free).toBe(0);
    await expect(fs.writeFile("/more", "x")).rejects.toMatchObject({
      code: "ENOSPC",
      message: "No space left on device",
    });
    await fs.rm("/fits");
    expect(fs.statfs().free).toBe(free);
    expect(fs.check()).toEqual([]);
  });

  it("rejects every mutation on a read-only mount with EROFS, but reads work", async () => {
    const { disk, fs } = fresh();
    await fs.writeFile("/a", "hello");
    const ro = mount(disk, true);
    expect(await ro.readFile("/a")).toBe("hello");
    for (const op of [
      () => ro.writeFile("/b", "x"),
      () => ro.appendFile("/a", "x"),
      () => ro.mkdir("/d"),
      () => ro.rm("/a"),
      () => ro.mv("/a", "/b"),
      () => ro.chmod("/a", 0o600),
    ]) {
      await expect(op()).rejects.toMatchObject({ code: "EROFS", message: "Read-only file system" });
    }
  });

  it("gives EIO to the writer when the device refuses writes, without changing the view", async () => {
    const { disk, fs } = fresh();
    await fs.writeFile("/a", "v1");
    disk.setFault({ kind: "eio" });
    await expect(fs.writeFile("/a", "v2")).rejects.toMatchObject({ code: "EIO", message: "Input/output error" });
    disk.setFault(null);
    // Like ext4's aborted journal: the filesystem stays read-only until it is mounted again.
    await expect(fs.writeFile("/new", "x")).rejects.toMatchObject({ code: "EROFS" });
    await expect(fs.writeFile("/new", "x")).rejects.toBeInstanceOf(FsError);
    expect(fs.aborted).toBe(true);
    expect(await fs.readFile("/a")).toBe("v1");
    expect(await fs.exists("/new")).toBe(false);
    expect(fs.check()).toEqual([]);
    const again = mount(disk);
    await again.writeFile("/new", "x");
    expect(await again.readFile("/new")).toBe("x");
  });

  it("mirrors InMemoryFs errors for lookups", async () => {
    const { fs } = fresh();
    await expect(fs.readFile("/nope")).rejects.toThrow("ENOENT: no such file or directory, open '/nope'");
    await fs.mkdir("/d");
    await fs.writeFile("/d/f", "x");
    await expect(fs.mkdir("/d")).rejects.toMatchObject({ code: "EEXIST" });
    await expect(fs.rm("/d")).rejects.toMatchObject({ code: "ENOTEMPTY" });
    await expect(fs.readdir("/d/f")).rejects.toMatchObject({ code: "ENOTDIR" });
    await expect(fs.writeFile("/missing/f", "x")).rejects.toMatchObject({ code: "ENOENT" });
    await expect(fs.readFile("/d")).rejects.toMatchObject({ code: "EISDIR" });
    await fs.rm("/d", { recursive: true });
    expect(await fs.readdir("/")).toEqual(["lost+found"]);
  });

  it("survives many metadata mutations through log checkpoints", async () => {
    const { disk, fs } = fresh(4 * MiB);
    for (let i = 0; i < 400; i++) await fs.writeFile(`/f${i}`, `content ${i}\n`);
    for (let i = 0; i < 400; i += 2) await fs.rm(`/f${i}`);
    const again = mount(disk);
    expect((await again.readdir("/")).length).toBe(201);
    expect(await again.readFile("/f399")).toBe("content 399\n");
    expect(again.check()).toEqual([]);
  });

  it("reports real usage figures in statfs", async () => {
    const { fs } = fresh(64 * MiB, "xfs");
    const st0 = fs.statfs();
    fs.writePayload("/x", 0, prngPayload(3, 0, 10 * MiB), { truncate: true });
    const st1 = fs.statfs();
    expect(st0.free - st1.free).toBe((10 * MiB) / 4096);
    expect(st1.avail).toBe(st1.free); // xfs keeps no reserve
    const ext = fresh(64 * MiB, "ext4").fs.statfs();
    expect(ext.avail).toBeLessThan(ext.free);
  });
});

describe("BlockFs scale and replication", () => {
  it("costs a handful of extents for mkfs + a 10 MiB dd on a 1 TiB disk", async () => {
    const disk = new SparseDisk("/dev/drbd0", 2 ** 40);
    expect(mkfs(disk, { type: "ext4", uuid: "u", nowMs: clock }).ok).toBe(true);
    const fs = mount(disk);
    for (let i = 0; i < 10; i++)
      fs.writePayload("/data.bin", i * MiB, prngPayload(5, i * MiB, MiB), { truncate: i === 0 });
    await fs.writeFile("/test.txt", "Donnees critiques\n");
    expect(disk.extentCount()).toBeLessThan(16);
    expect(disk.literalBytes()).toBeLessThan(256 * 1024);
    expect(fs.statfs().blocks).toBeGreaterThan(2 ** 40 / 4096 / 2);
  });

  it("reads the same bytes through a second device that received the same writes", async () => {
    const primary = new SparseDisk("/dev/drbd0", 64 * MiB);
    const peer = new SparseDisk("/dev/drbd0", 64 * MiB);
    // A replicating wrapper: every write goes to both disks, as DRBD protocol C does.
    const mirror = Object.create(primary) as SparseDisk;
    mirror.write = (off, data) => {
      peer.write(off, data);
      return primary.write(off, data);
    };
    expect(mkfs(mirror, { type: "xfs", uuid: "u", nowMs: clock }).ok).toBe(true);
    const fs = mount(mirror);
    fs.writePayload("/data.bin", 0, prngPayload(11, 0, 10 * MiB), { truncate: true });
    await fs.writeFile("/note", "hello");
    const onPeer = mount(peer);
    expect(md5(await onPeer.readFileBuffer("/data.bin"))).toBe(md5(await fs.readFileBuffer("/data.bin")));
    expect(await onPeer.readFile("/note")).toBe("hello");
    expect(onPeer.check()).toEqual([]);
  });
});

describe("fsck-like check", () => {
  it("reports blocks claimed twice and entries pointing nowhere", async () => {
    const { fs } = fresh();
    await fs.writeFile("/a", "x".repeat(5000));
    const a = (await fs.stat("/a")).ino as number;
    // Corrupt the metadata through the log, as a buggy writer would.
    const store = (
      fs as unknown as {
        store: {
          commit(ops: unknown[], s: string, p: string): void;
          table: { get(i: number): { runs: [number, number][] } | undefined };
        };
      }
    ).store;
    const runs = store.table.get(a)?.runs ?? [];
    store.commit(
      [
        { p: { i: 99, t: "f", m: 420, u: 0, g: 0, s: 4096, mt: 0, n: 1, r: [runs[0]] } },
        { l: [2, "b", 99] },
        { l: [2, "ghost", 1234] },
      ],
      "test",
      "/",
    );
    const problems = fs.check();
    expect(problems.some((p) => /claimed by inode \d+ and inode \d+/.test(p))).toBe(true);
    expect(problems).toContain("/ghost: entry points to missing inode 1234");
  });
});

describe("symlinks", () => {
  it("creates the target when writing through a dangling link, and refuses link loops", async () => {
    const { fs } = fresh();
    await fs.mkdir("/d");
    await fs.symlink("d/target", "/link");
    await fs.writeFile("/link", "via link");
    expect(await fs.readFile("/d/target")).toBe("via link");
    expect((await fs.lstat("/link")).isSymbolicLink).toBe(true);
    await fs.symlink("loop2", "/loop1");
    await fs.symlink("loop1", "/loop2");
    await expect(fs.writeFile("/loop1", "x")).rejects.toMatchObject({ code: "ELOOP" });
    expect(fs.check()).toEqual([]);
  });
});
