import { describe, expect, it } from "vitest";
import type { SparseDisk } from "../block/sparse-disk";
import { createLab, type Lab } from "../lab";
import { defaultSubsystems } from "../subsystems";
import type { Subsystem } from "../world/types";
import { createStorage } from "./index";

const HINT = "       dmesg(1) may have more information after failed mount system call.\n";

async function lab(extra: Subsystem[] = []): Promise<Lab> {
  return createLab({ scenario: "running", seed: 7, subsystems: [createStorage(), ...extra] });
}

async function run(l: Lab, target: string, line: string) {
  const r = await l.exec(target, line);
  return { out: r.stdout, err: r.stderr, code: r.exitCode, ms: r.durationMs };
}

async function mounted(l: Lab): Promise<void> {
  expect(
    (await run(l, "node1", "mkfs.ext4 -q /dev/sda1 && mkdir -p /mnt/drbd && mount /dev/sda1 /mnt/drbd")).code,
  ).toBe(0);
}

describe("mkfs", () => {
  it("prints mke2fs's report with figures from the device", async () => {
    const l = await lab();
    const r = await run(l, "node1", "mkfs.ext4 /dev/sda1");
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toMatch(
      /^mke2fs 1\.47\.0 \(5-Feb-2023\)\nDiscarding device blocks: done {28}\nCreating filesystem with 262144 4k blocks and 65536 inodes\nFilesystem UUID: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\nSuperblock backups stored on blocks: \n\t32768, 98304, 163840, 229376\n\nAllocating group tables: done {28}\nWriting inode tables: done {28}\nCreating journal \(8192 blocks\): done\nWriting superblocks and filesystem accounting information: done\n\n$/,
    );
  });

  it("asks before overwriting a filesystem, refuses a mounted device, and mkfs.xfs wants -f", async () => {
    const l = await lab();
    await mounted(l);
    const busy = await run(l, "node1", "mkfs.ext4 /dev/sda1");
    expect(busy).toMatchObject({
      code: 1,
      err: "mke2fs 1.47.0 (5-Feb-2023)\n/dev/sda1 is mounted; will not make a filesystem here!\n",
    });
    await run(l, "node1", "umount /mnt/drbd");
    const ask = await run(l, "node1", "mkfs.ext4 /dev/sda1");
    expect(ask.code).toBe(1);
    expect(ask.out).toMatch(
      /^mke2fs 1\.47\.0 \(5-Feb-2023\)\n\/dev\/sda1 contains a ext4 file system\n\tcreated on Mon Jan 15 14:30:\d\d 2024\nProceed anyway\? \(y,N\) $/,
    );
    const xfs = await run(l, "node1", "mkfs.xfs /dev/sda1");
    expect(xfs).toMatchObject({
      code: 1,
      err: "mkfs.xfs: /dev/sda1 appears to contain an existing filesystem (ext4).\nmkfs.xfs: Use the -f option to force overwrite.\n",
    });
    const forced = await run(l, "node1", "mkfs.xfs -f /dev/sda1 && blkid /dev/sda1");
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(
      /^Discarding blocks\.\.\.Done\.\nmeta-data=\/dev\/sda1 +isize=512 +agcount=4, agsize=65536 blks\n/,
    );
    expect(forced.out).toMatch(/\n\/dev\/sda1: UUID="[0-9a-f-]{36}" BLOCK_SIZE="512" TYPE="xfs"\n$/);
    expect((await run(l, "node1", "mount /dev/sda1 /mnt/drbd && df -h /mnt/drbd")).out).toBe(
      "Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1      1014M   41M  973M   5% /mnt/drbd\n",
    );
    await run(l, "node1", "umount /mnt/drbd");
    expect((await run(l, "node1", "mkfs -t ext5 /dev/sda1")).err).toBe(
      "mkfs: failed to execute mkfs.ext5: No such file or directory\n",
    );
  });
});

describe("mount and umount", () => {
  it("answers like util-linux 2.38 for the usual mistakes", async () => {
    const l = await lab();
    expect(await run(l, "node1", "mount /dev/sda1 /mnt/drbd")).toMatchObject({
      code: 32,
      err: `mount: /mnt/drbd: mount point does not exist.\n${HINT}`,
    });
    await run(l, "node1", "mkdir -p /mnt/drbd");
    expect(await run(l, "node1", "mount /dev/sda1 /mnt/drbd")).toMatchObject({
      code: 32,
      err: `mount: /mnt/drbd: wrong fs type, bad option, bad superblock on /dev/sda1, missing codepage or helper program, or other error.\n${HINT}`,
    });
    expect(await run(l, "node1", "mount /dev/sdz1 /mnt/drbd")).toMatchObject({
      code: 32,
      err: `mount: /mnt/drbd: special device /dev/sdz1 does not exist.\n${HINT}`,
    });
    await run(l, "node1", "mkfs.ext4 -q /dev/sda1");
    expect(await run(l, "node1", "mount -t xfs /dev/sda1 /mnt/drbd")).toMatchObject({ code: 32 });
    expect(await run(l, "node1", "mount -t ext9 /dev/sda1 /mnt/drbd")).toMatchObject({
      code: 32,
      err: `mount: /mnt/drbd: unknown filesystem type 'ext9'.\n${HINT}`,
    });
    expect(await run(l, "node1", "mount /dev/sda1 /mnt/drbd")).toMatchObject({ code: 0, err: "", out: "" });
    expect(await run(l, "node1", "mount /dev/sda1 /mnt/drbd")).toMatchObject({
      code: 32,
      err: `mount: /mnt/drbd: /dev/sda1 already mounted on /mnt/drbd.\n${HINT}`,
    });
    expect((await run(l, "node1", "mount")).out).toMatch(/\n\/dev\/sda1 on \/mnt\/drbd type ext4 \(rw,relatime\)\n$/);
    expect((await run(l, "node1", "cat /proc/mounts")).out).toMatch(
      /\n\/dev\/sda1 \/mnt\/drbd ext4 rw,relatime 0 0\n$/,
    );
    expect(await run(l, "node1", "umount /mnt/drbd")).toMatchObject({ code: 0, err: "" });
    expect(await run(l, "node1", "umount /mnt/drbd")).toMatchObject({
      code: 32,
      err: "umount: /mnt/drbd: not mounted.\n",
    });
    expect(await run(l, "node1", "umount /mnt/nowhere")).toMatchObject({
      code: 32,
      err: "umount: /mnt/nowhere: no mount point specified.\n",
    });
    expect((await run(l, "node1", "dmesg | tail -1")).out).toMatch(
      /EXT4-fs \(sda1\): unmounting filesystem [0-9a-f-]{36}\.\n$/,
    );
  });

  it("is busy while a shell or a service uses the mount point", async () => {
    const holder: Subsystem = {
      name: "pg",
      busyMounts: (node) => (node.name === "node1" && held ? ["/mnt/drbd/pgdata"] : []),
    };
    let held = true;
    const l = await lab([holder]);
    await mounted(l);
    expect(await run(l, "node1", "umount /mnt/drbd")).toMatchObject({
      code: 32,
      err: "umount: /mnt/drbd: target is busy.\n",
    });
    held = false;
    expect(await run(l, "node1", "cd /mnt/drbd && umount /mnt/drbd")).toMatchObject({
      code: 32,
      err: "umount: /mnt/drbd: target is busy.\n",
    });
    // Another terminal sitting in the mount point keeps it busy too.
    await l.exec({ machine: "node1", session: "second" }, "cd /mnt/drbd");
    expect(await run(l, "node1", "cd / && umount /dev/sda1")).toMatchObject({
      code: 32,
      err: "umount: /mnt/drbd: target is busy.\n",
    });
    await l.exec({ machine: "node1", session: "second" }, "cd /root");
    expect(await run(l, "node1", "cd / && umount /dev/sda1")).toMatchObject({ code: 0, err: "" });
  });

  it("makes every write fail with EROFS on a read-only mount", async () => {
    const l = await lab();
    await mounted(l);
    await run(l, "node1", "echo keep > /mnt/drbd/a && umount /mnt/drbd && mount -o ro /dev/sda1 /mnt/drbd");
    expect(await run(l, "node1", "echo x > /mnt/drbd/f")).toMatchObject({
      code: 1,
      err: "bash: /mnt/drbd/f: Read-only file system\n",
    });
    expect(await run(l, "node1", "mkdir /mnt/drbd/d")).toMatchObject({
      code: 1,
      err: "mkdir: cannot create directory '/mnt/drbd/d': Read-only file system\n",
    });
    expect(await run(l, "node1", "touch /mnt/drbd/t")).toMatchObject({
      code: 1,
      err: "touch: cannot touch '/mnt/drbd/t': Read-only file system\n",
    });
    expect((await run(l, "node1", "cat /mnt/drbd/a")).out).toBe("keep\n");
    expect((await run(l, "node1", "mount | grep sda1")).out).toBe("/dev/sda1 on /mnt/drbd type ext4 (ro,relatime)\n");
  });

  it("loses the mounts, not the data, when the container is killed", async () => {
    const l = await lab();
    await mounted(l);
    await run(l, "node1", "echo 'Donnees critiques' > /mnt/drbd/test.txt");
    await run(l, "host", "docker stop drbd-node1 --time=0");
    await run(l, "host", "docker start drbd-node1");
    expect((await run(l, "node1", "mount | grep -c sda1")).out).toBe("0\n");
    expect(await run(l, "node1", "ls /mnt/drbd")).toMatchObject({ out: "" });
    const back = await run(l, "node1", "mount /dev/sda1 /mnt/drbd && cat /mnt/drbd/test.txt");
    expect(back).toMatchObject({ code: 0, out: "Donnees critiques\n" });
    expect((await run(l, "node1", "dmesg | tail -2")).out).toMatch(
      /EXT4-fs \(sda1\): recovery complete\n.*EXT4-fs \(sda1\): mounted filesystem [0-9a-f-]{36} r\/w with ordered data mode\. Quota mode: none\.\n$/,
    );
    // A clean umount leaves nothing to recover.
    await run(l, "node1", "umount /mnt/drbd && mount /dev/sda1 /mnt/drbd");
    expect((await run(l, "node1", "dmesg | tail -3")).out).not.toContain("recovery complete");
  });
});

describe("dd, df and friends", () => {
  it("writes 10 MiB of /dev/urandom as GNU dd reports it, and the clock moves by its duration", async () => {
    const l = await lab();
    await mounted(l);
    const r = await run(l, "node1", "dd if=/dev/urandom of=/mnt/drbd/data.bin bs=1M count=10");
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /^10\+0 records in\n10\+0 records out\n10485760 bytes \(10 MB, 10 MiB\) copied, 0\.0\d+ s, \d+ MB\/s\n$/,
    );
    const secs = Number(/copied, ([\d.]+) s/.exec(r.err)?.[1]);
    expect(r.ms).toBeGreaterThanOrEqual(secs * 1000);
    expect((await run(l, "node1", "stat -c %s /mnt/drbd/data.bin")).out).toBe("10485760\n");
    const df = await run(l, "node1", "df /mnt/drbd");
    expect(df.out).toMatch(
      /^Filesystem +1K-blocks +Used Available Use% Mounted on\n\/dev\/sda1 +\d+ +102\d\d +\d+ +2% \/mnt\/drbd\n$/,
    );
  });

  it("gives the same md5 for the same seed, and another one for another seed", async () => {
    const sums: string[] = [];
    for (const seed of [7, 7, 8]) {
      const l = await createLab({ scenario: "running", seed, subsystems: defaultSubsystems() });
      await mounted(l);
      await run(l, "node1", "dd if=/dev/urandom of=/mnt/drbd/data.bin bs=1M count=10 status=none");
      sums.push((await run(l, "node1", "md5sum /mnt/drbd/data.bin")).out);
    }
    expect(sums[0]).toMatch(/^[0-9a-f]{32} {2}\/mnt\/drbd\/data.bin\n$/);
    expect(sums[1]).toBe(sums[0]);
    expect(sums[2]).not.toBe(sums[0]);
  });

  it("stops at the end of the filesystem with ENOSPC", async () => {
    const l = await lab();
    await mounted(l);
    const r = await run(l, "node1", "dd if=/dev/zero of=/mnt/drbd/fill bs=1M");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^dd: error writing '\/mnt\/drbd\/fill': No space left on device\n\d+\+0 records in\n\d+\+[01] records out\n\d+ bytes \(1\.0 GB, 97\d MiB\) copied, [\d.]+ s, \d+ MB\/s\n$/,
    );
    expect((await run(l, "node1", "df -h /mnt/drbd")).out).toMatch(/\/dev\/sda1 +\d+M +\d+M +0 100% \/mnt\/drbd\n$/);
    expect(await run(l, "node1", "echo x > /mnt/drbd/more")).toMatchObject({
      code: 1,
      err: "bash: /mnt/drbd/more: No space left on device\n",
    });
    await run(l, "node1", "rm /mnt/drbd/fill");
    expect((await run(l, "node1", "echo x > /mnt/drbd/more && cat /mnt/drbd/more")).out).toBe("x\n");
  });

  it("writes raw devices, refusing to go past their end", async () => {
    const l = await lab();
    const r = await run(l, "node1", "dd if=/dev/zero of=/dev/sda1 bs=1M seek=1023 count=2");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^dd: error writing '\/dev\/sda1': No space left on device\n2\+0 records in\n1\+0 records out\n1048576 bytes \(1\.0 MB, 1\.0 MiB\) copied/,
    );
    expect((await run(l, "node1", "blockdev --getsize64 /dev/sda1")).out).toBe("1073741824\n");
    (l.world.node("node1")?.blockDevices.get("/dev/sda1") as SparseDisk | undefined)?.setFault({ kind: "eio" });
    const bad = await run(l, "node1", "dd if=/dev/sda1 of=/dev/null bs=4k count=1");
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(
      /^dd: error reading '\/dev\/sda1': Input\/output error\n0\+0 records in\n0\+0 records out\n0 bytes copied/,
    );
  });

  it("lists the disk tree and partitions", async () => {
    const l = await lab();
    await mounted(l);
    expect((await run(l, "node1", "lsblk")).out).toBe(
      "NAME   MAJ:MIN RM SIZE RO TYPE MOUNTPOINTS\nsda      8:0    0   1G  0 disk\n└─sda1   8:1    0   1G  0 part /mnt/drbd\n",
    );
    expect((await run(l, "node1", "cat /proc/partitions")).out).toBe(
      "major minor  #blocks  name\n\n   8        0    1049600 sda\n   8        1    1048576 sda1\n",
    );
  });

  it("checks a filesystem with e2fsck and shows mounts with findmnt", async () => {
    const l = await lab();
    await mounted(l);
    await run(l, "node1", "echo a > /mnt/drbd/a && mkdir /mnt/drbd/d");
    expect(await run(l, "node1", "e2fsck /dev/sda1")).toMatchObject({
      code: 8,
      err: "e2fsck 1.47.0 (5-Feb-2023)\n/dev/sda1 is mounted.\ne2fsck: Cannot continue, aborting.\n\n\n",
    });
    expect((await run(l, "node1", "findmnt /mnt/drbd")).out).toBe(
      "TARGET    SOURCE    FSTYPE OPTIONS\n/mnt/drbd /dev/sda1 ext4   rw,relatime\n",
    );
    await run(l, "node1", "umount /mnt/drbd");
    const clean = await run(l, "node1", "e2fsck -n /dev/sda1");
    expect(clean).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^\/dev\/sda1: clean, 14\/65536 files, \d+\/262144 blocks\n$/),
    });
    const full = await run(l, "node1", "e2fsck -fn /dev/sda1");
    expect(full.code).toBe(0);
    expect(full.out).toMatch(
      /^Pass 1: Checking inodes, blocks, and sizes\n(.*\n){4}\/dev\/sda1: 14\/65536 files \(0\.0% non-contiguous\), \d+\/262144 blocks\n$/,
    );
    expect((await run(l, "node1", "e2fsck -n /dev/sdz")).code).toBe(8);
  });

  it("remounts read-only and back", async () => {
    const l = await lab();
    await mounted(l);
    expect((await run(l, "node1", "mount -o remount,ro /mnt/drbd && mount | grep sda1")).out).toBe(
      "/dev/sda1 on /mnt/drbd type ext4 (ro,relatime)\n",
    );
    expect((await run(l, "node1", "echo x > /mnt/drbd/x")).err).toBe("bash: /mnt/drbd/x: Read-only file system\n");
    expect(
      (await run(l, "node1", "mount -o remount,rw /mnt/drbd && echo x > /mnt/drbd/x && cat /mnt/drbd/x")).out,
    ).toBe("x\n");
  });

  it("unmounts cleanly on a graceful docker stop", async () => {
    const l = await lab();
    await mounted(l);
    await run(l, "node1", "echo kept > /mnt/drbd/a");
    await run(l, "host", "docker stop drbd-node1");
    await run(l, "host", "docker start drbd-node1");
    const back = await run(
      l,
      "node1",
      "mount /dev/sda1 /mnt/drbd && cat /mnt/drbd/a && dmesg | grep -c 'recovery complete'",
    );
    expect(back.out).toBe("kept\n0\n");
  });

  it("handles dd's other sources and sinks: files, stdout, /dev/null, notrunc and seek", async () => {
    const l = await lab();
    await mounted(l);
    await run(l, "node1", "printf 'abcdefgh' > /mnt/drbd/src");
    expect(
      (await run(l, "node1", "dd if=/mnt/drbd/src of=/mnt/drbd/dst bs=3 status=none && cat /mnt/drbd/dst")).out,
    ).toBe("abcdefgh");
    const partial = await run(l, "node1", "dd if=/mnt/drbd/src of=/mnt/drbd/dst bs=3");
    expect(partial.err).toMatch(/^2\+1 records in\n2\+1 records out\n8 bytes copied, [\d.e-]+ s, [\d.]+ [kM]?B\/s\n$/);
    await run(l, "node1", "printf 'XY' | dd of=/mnt/drbd/dst bs=1 seek=2 conv=notrunc status=none");
    expect((await run(l, "node1", "cat /mnt/drbd/dst")).out).toBe("abXYefgh");
    await run(l, "node1", "printf 'Z' | dd of=/mnt/drbd/dst bs=1 seek=3 status=none");
    expect((await run(l, "node1", "cat /mnt/drbd/dst")).out).toBe("abXZ");
    expect((await run(l, "node1", "dd if=/mnt/drbd/src bs=4 skip=1 status=none")).out).toBe("efgh");
    const endless = await run(l, "node1", "dd if=/dev/zero of=/dev/null bs=1M");
    expect(endless.code).toBe(130);
    expect(await run(l, "node1", "dd if=/nope of=/dev/null")).toMatchObject({
      code: 1,
      err: "dd: failed to open '/nope': No such file or directory\n",
    });
    expect(await run(l, "node1", "dd if=/dev/zero of=/mnt/drbd/x bs=1Q count=1")).toMatchObject({
      code: 1,
      err: "dd: invalid number: '1Q'\n",
    });
    expect(await run(l, "node1", "dd foo")).toMatchObject({
      code: 1,
      err: "dd: unrecognized operand 'foo'\nTry 'dd --help' for more information.\n",
    });
  });

  it("turns a failing disk into EIO for the writer, then a read-only filesystem", async () => {
    const l = await lab();
    await mounted(l);
    await run(l, "node1", "echo keep > /mnt/drbd/a");
    const disk = l.world.node("node1")?.blockDevices.get("/dev/sda1") as SparseDisk;
    disk.setFault({ kind: "eio" });
    expect(await run(l, "node1", "echo x > /mnt/drbd/f")).toMatchObject({
      code: 1,
      err: "bash: /mnt/drbd/f: Input/output error\n",
    });
    disk.setFault(null);
    expect(await run(l, "node1", "echo y > /mnt/drbd/g")).toMatchObject({
      code: 1,
      err: "bash: /mnt/drbd/g: Read-only file system\n",
    });
    expect((await run(l, "node1", "mount | grep sda1")).out).toBe("/dev/sda1 on /mnt/drbd type ext4 (ro,relatime)\n");
    expect((await run(l, "node1", "dmesg | tail -1")).out).toMatch(
      /EXT4-fs \(sda1\): Remounting filesystem read-only\n$/,
    );
    expect((await run(l, "node1", "cat /mnt/drbd/a")).out).toBe("keep\n");
  });

  it("lets queued writes drain with time: sync waits for them, a later umount does not", async () => {
    const l = await lab();
    await mounted(l);
    await run(l, "node1", "dd if=/dev/urandom of=/mnt/drbd/big bs=1M count=50 status=none");
    await run(l, "node1", "cp /mnt/drbd/big /mnt/drbd/copy");
    const sync = await l.exec("node1", "sync");
    expect(sync.durationMs).toBeGreaterThan(100); // 50 MiB at 500 MB/s still queued
    await run(l, "node1", "cp /mnt/drbd/big /mnt/drbd/copy2 && sleep 60");
    const umount = await l.exec("node1", "umount /mnt/drbd");
    expect(umount.exitCode).toBe(0);
    expect(umount.durationMs).toBeLessThan(50);
  });
});
