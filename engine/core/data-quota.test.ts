import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesPayload, materialize, prngPayload, zeroPayload } from "../block/payload";
import { SparseDisk } from "../block/sparse-disk";
import { createLab, type Lab } from "../lab";
import { DataQuota, LAB_DATA_CAP_BYTES, utf8Length } from "./data-quota";

const MiB = 1024 * 1024;

/** A running two-node lab whose data cap leaves `roomBytes` above what the fresh lab holds. */
async function labWithRoom(roomBytes: number): Promise<Lab> {
  const probe = await createLab({ scenario: "running" });
  const base = probe.world.dataQuota.used();
  return createLab({ scenario: "running", dataCapBytes: base + roomBytes });
}

/** node1 with DRBD Primary and /dev/drbd0 (ext4) mounted on /mnt/drbd. */
async function mountDrbd(lab: Lab): Promise<void> {
  for (const [t, line] of [
    ["node1", "drbdadm create-md r0 && drbdadm up r0"],
    ["node2", "drbdadm create-md r0 && drbdadm up r0"],
    [
      "node1",
      "drbdadm primary --force r0 && mkfs.ext4 -q /dev/drbd0 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd",
    ],
  ] as const) {
    const r = await lab.exec(t, line);
    expect(r.exitCode, r.shown).toBe(0);
  }
}

describe("SparseDisk literal byte count", () => {
  it("matches a recount of the extents after any sequence of writes", () => {
    const write = fc.record({
      off: fc.integer({ min: 0, max: 60_000 }),
      kind: fc.constantFrom("bytes", "prng", "zero"),
      len: fc.integer({ min: 1, max: 9_000 }),
    });
    fc.assert(
      fc.property(fc.array(write, { maxLength: 40 }), (writes) => {
        const disk = new SparseDisk("/dev/sdz", 128 * 1024);
        for (const w of writes) {
          const p =
            w.kind === "bytes"
              ? bytesPayload(new Uint8Array(w.len).fill(7))
              : w.kind === "prng"
                ? prngPayload(3, w.off, w.len)
                : zeroPayload(w.len);
          disk.write(w.off, p);
        }
        const recount = disk
          .describe()
          .filter((e) => e.kind === "bytes")
          .reduce((n, e) => n + e.length, 0);
        expect(disk.literalBytes()).toBe(recount);
      }),
      { numRuns: 200 },
    );
  });
});

describe("SparseDisk zero pages", () => {
  it("stores the zero pages of a large literal write as holes, and reads the same bytes back", () => {
    const disk = new SparseDisk("/dev/sdz", 4 * MiB);
    const data = new Uint8Array(MiB);
    data.fill(1, 0, 100); // first page
    data.fill(2, MiB - 5000, MiB); // last two pages (not page-aligned)
    disk.write(8192, bytesPayload(data));
    expect(disk.literalBytes()).toBe(3 * 4096);
    const r = disk.read(8192, MiB);
    const back = r.ok ? materialize(r.value) : new Uint8Array(0);
    expect(back.length).toBe(MiB);
    expect(back.findIndex((b, i) => b !== data[i])).toBe(-1);
    // a write without zero pages stays one literal extent
    const full = new Uint8Array(128 * 1024).fill(9);
    disk.write(2 * MiB, bytesPayload(full));
    expect(disk.literalBytes()).toBe(3 * 4096 + 128 * 1024);
  });
});

describe("DataQuota", () => {
  it("admits what fits and refuses what does not", () => {
    let used = 90;
    const q = new DataQuota(100, () => used);
    expect(q.room()).toBe(10);
    expect(q.fits(10)).toBe(true);
    expect(q.fits(11)).toBe(false);
    expect(q.fits(-5)).toBe(true);
    used = 120;
    expect(q.room()).toBe(0);
    expect(q.fits(1)).toBe(false);
    expect(q.fits(0)).toBe(true);
    expect(() => new DataQuota(-1, () => 0)).toThrow(RangeError);
  });

  it("measures UTF-8 like TextEncoder", () => {
    for (const s of ["", "abc", "é", "日本語", "😀x", "\ud800", "a\udc00b"])
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it("defaults to 256 MiB per lab", async () => {
    const lab = await createLab({ scenario: "fresh" });
    expect(lab.world.dataQuota.capBytes).toBe(LAB_DATA_CAP_BYTES);
    expect(LAB_DATA_CAP_BYTES).toBe(256 * MiB);
    // the image's own files are counted, and leave nearly all of it free
    expect(lab.world.dataQuota.used()).toBeGreaterThan(0);
    expect(lab.world.dataQuota.used()).toBeLessThan(MiB);
  });
});

describe("the lab's data cap", () => {
  it("dd to the root filesystem writes what fits, then fails with ENOSPC; rm frees the space", async () => {
    const lab = await labWithRoom(3 * MiB + 100_000);
    const r = await lab.exec("node1", "dd if=/dev/urandom of=/root/big bs=1M count=5");
    expect(r.exitCode).toBe(1);
    // GNU dd: the 4th record is a short write (3+1 out), then write(2) fails
    expect(r.stderr).toMatch(
      /^dd: error writing '\/root\/big': No space left on device\n4\+0 records in\n3\+1 records out\n3245728 bytes /,
    );
    expect((await lab.exec("node1", "stat -c %s /root/big")).stdout).toBe("3245728\n");
    expect(lab.world.dataQuota.used()).toBeLessThanOrEqual(lab.world.dataQuota.capBytes);
    // a shell redirection and cp cannot add more
    const cat = await lab.exec("node1", "cat /root/big > /root/copy");
    expect(cat.stderr).toBe("bash: /root/copy: No space left on device\n");
    expect(cat.exitCode).not.toBe(0);
    const cp = await lab.exec("node1", "cp /root/big /root/copy2");
    expect(cp.stderr).toContain("No space left on device");
    expect(cp.exitCode).toBe(1);
    expect((await lab.exec("node1", "ls /root")).stdout).not.toContain("copy2");
    // another machine shares the lab's cap
    const other = await lab.exec("node2", "dd if=/dev/urandom of=/root/x bs=1M count=1");
    expect(other.stderr).toContain("No space left on device");
    // once the file is removed, the same copy goes through
    await lab.exec("node1", "rm /root/big");
    const again = await lab.exec("node1", "dd if=/dev/urandom of=/root/big bs=1M count=1 && cp /root/big /root/b2");
    expect(again.stderr).not.toContain("No space left on device");
    expect(again.exitCode).toBe(0);
  });

  it("leaves writes under the cap alone", async () => {
    const lab = await labWithRoom(4 * MiB + 10);
    const r = await lab.exec(
      "node1",
      "dd if=/dev/urandom of=/root/a bs=512k count=2 && cat /root/a > /root/b && cp /root/b /root/c && cat /root/a >> /root/c && echo ok",
    );
    expect(r.stdout).toContain("ok\n");
    expect(r.exitCode).toBe(0);
    expect((await lab.exec("node1", "stat -c %s /root/c")).stdout).toBe(`${2 * MiB}\n`);
    expect(lab.world.dataQuota.room()).toBe(10);
  });

  it("a filesystem on DRBD refuses literal data past the cap, not PRNG data (which costs no memory)", async () => {
    const lab = await labWithRoom(3 * MiB);
    await mountDrbd(lab);
    const rnd = await lab.exec("node1", "dd if=/dev/urandom of=/mnt/drbd/rnd bs=1M count=50");
    expect(rnd.exitCode, rnd.shown).toBe(0);
    // literal bytes: 1 MiB in /root, then copied onto DRBD (stored on both nodes' disks)
    expect((await lab.exec("node1", "dd if=/dev/urandom of=/root/a bs=1M count=1 status=none")).exitCode).toBe(0);
    const first = await lab.exec("node1", "cp /root/a /mnt/drbd/a1");
    expect(first.exitCode, first.shown).toBe(0);
    const second = await lab.exec("node1", "cat /root/a > /mnt/drbd/a2");
    expect(second.stderr).toBe("bash: /mnt/drbd/a2: No space left on device\n");
    const dd = await lab.exec("node1", "dd if=/root/a of=/mnt/drbd/a3 bs=1M");
    expect(dd.stderr).toContain("dd: error writing '/mnt/drbd/a3': No space left on device");
    expect(dd.exitCode).toBe(1);
  });

  it("is deterministic: a replay reaches the same usage and the same outputs", async () => {
    const script = [
      "dd if=/dev/urandom of=/root/big bs=1M count=5",
      "cat /root/big > /root/copy",
      "rm /root/big",
      "cat /root/copy > /root/copy2; ls -l /root",
    ];
    const run = async () => {
      const lab = await labWithRoom(3 * MiB);
      const outs: string[] = [];
      for (const line of script) outs.push((await lab.exec("node1", line)).shown);
      return { outs, used: lab.world.dataQuota.used() };
    };
    const [a, b] = [await run(), await run()];
    expect(b).toEqual(a);
  });
});
