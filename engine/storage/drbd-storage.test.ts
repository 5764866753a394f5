/**
 * Storage over DRBD (issue item 6): a Secondary cannot be mounted or written, `secondary`
 * fails while mounted, and after a failover the peer's filesystem shows exactly the blocks
 * that were replicated.
 */
import { describe, expect, it } from "vitest";
import { sameContent } from "../block/digest";
import { createLab, type Lab } from "../lab";

const HINT = "       dmesg(1) may have more information after failed mount system call.\n";

async function run(l: Lab, target: string, line: string) {
  const r = await l.exec(target, line);
  return { out: r.stdout, err: r.stderr, code: r.exitCode };
}

async function tp1(): Promise<Lab> {
  const l = await createLab({ scenario: "running", seed: 3 });
  for (const n of ["node1", "node2"]) expect((await run(l, n, "drbdadm create-md r0 && drbdadm up r0")).code).toBe(0);
  expect((await run(l, "node1", "drbdadm primary --force r0")).code).toBe(0);
  await l.advance(60_000); // initial sync of 1 GiB
  expect(
    (await run(l, "node1", "mkfs.ext4 -q /dev/drbd0 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd")).code,
  ).toBe(0);
  return l;
}

describe("storage on DRBD", () => {
  it("refuses to mount, format or write a Secondary while the peer is Primary", async () => {
    const l = await tp1();
    await run(l, "node2", "mkdir -p /mnt/drbd");
    expect(await run(l, "node2", "mount /dev/drbd0 /mnt/drbd")).toEqual({
      out: "",
      code: 32,
      err: `mount: /mnt/drbd: mount(2) system call failed: Wrong medium type.\n${HINT}`,
    });
    expect(await run(l, "node2", "mkfs.ext4 /dev/drbd0")).toMatchObject({
      code: 1,
      err: "mke2fs 1.47.0 (5-Feb-2023)\nmkfs.ext4: Wrong medium type while trying to determine filesystem size\n",
    });
    expect(await run(l, "node2", "dd if=/dev/zero of=/dev/drbd0 bs=4k count=1")).toMatchObject({
      code: 1,
      err: "dd: failed to open '/dev/drbd0': Read-only file system\n",
    });
    expect((await run(l, "node2", "mount | grep -c drbd0")).out).toBe("0\n");
  });

  it("refuses `drbdadm secondary` while mounted, then fails over with identical data", async () => {
    const l = await tp1();
    await run(
      l,
      "node1",
      'echo "Donnees critiques" > /mnt/drbd/test.txt && dd if=/dev/urandom of=/mnt/drbd/data.bin bs=1M count=10 status=none',
    );
    const sum1 = (await run(l, "node1", "md5sum /mnt/drbd/data.bin")).out;
    const refused = await run(l, "node1", "drbdadm secondary r0");
    expect(refused.code).toBe(11);
    expect(refused.err).toContain("State change failed: (-12) Device is held open by someone");
    expect((await run(l, "node1", "umount /mnt/drbd && drbdadm secondary r0")).code).toBe(0);
    const n1 = l.world.node("node1")?.blockDevices.get("/dev/drbd0");
    const n2 = l.world.node("node2")?.blockDevices.get("/dev/drbd0");
    if (!n1 || !n2) throw new Error("drbd0 missing");
    expect(sameContent(n1, 0, n2, 0, n1.size())).toBe(true);
    const back = await run(
      l,
      "node2",
      "drbdadm primary r0 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd && cat /mnt/drbd/test.txt && md5sum /mnt/drbd/data.bin",
    );
    expect(back).toEqual({ code: 0, err: "", out: `Donnees critiques\n${sum1}` });
  });

  it("a crash of an auto-promoted Primary is a crash, not a demotion", async () => {
    const l = await tp1();
    expect((await run(l, "node1", "umount /mnt/drbd && drbdadm secondary r0")).code).toBe(0);
    expect(await run(l, "node1", "mount /dev/drbd0 /mnt/drbd && drbdadm role r0")).toEqual({
      code: 0,
      err: "",
      out: "Primary\n",
    });
    const before = l.world.node("node2")?.dmesg.entries().length ?? 0;
    await run(l, "host", "docker stop drbd-node1 --time=0");
    const after = (l.world.node("node2")?.dmesg.entries() ?? []).slice(before).map((e) => e.text);
    expect(after.join("\n")).not.toContain("peer( Primary -> Secondary )");
  });
});
