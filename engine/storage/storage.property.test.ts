/**
 * Random sequences of storage commands (a learner trying things in any order) never make the
 * engine throw, every command answers with an exit code, and the storage invariants hold:
 * the mount table matches the mounted filesystems and every mounted filesystem passes fsck.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLab } from "../lab";
import { createStorage, type StorageSubsystem } from "./index";

const commands = [
  "mkfs.ext4 -q /dev/sda1",
  "mkfs.xfs -f /dev/sda1",
  "mkdir -p /mnt/drbd",
  "mount /dev/sda1 /mnt/drbd",
  "mount -o ro /dev/sda1 /mnt/drbd",
  "mount -o remount,rw /mnt/drbd",
  "umount /mnt/drbd",
  "cd /mnt/drbd",
  "cd /",
  "echo data >> /mnt/drbd/log.txt",
  "dd if=/dev/urandom of=/mnt/drbd/data.bin bs=1M count=3 status=none",
  "dd if=/dev/zero of=/mnt/drbd/data.bin bs=64k seek=5 count=2 conv=notrunc status=none",
  "dd if=/dev/zero of=/mnt/drbd/fill bs=4M count=300 status=none",
  "rm -f /mnt/drbd/fill /mnt/drbd/data.bin",
  "mv /mnt/drbd/log.txt /mnt/drbd/old.txt",
  "mkdir -p /mnt/drbd/d/e && cp /mnt/drbd/old.txt /mnt/drbd/d/e/",
  "sync",
  "df -h",
  "e2fsck -n /dev/sda1",
  "md5sum /mnt/drbd/data.bin",
];

describe("storage commands in random order", () => {
  it("never throw and keep the storage invariants", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...commands), fc.constant("@crash")), { minLength: 1, maxLength: 14 }),
        async (steps) => {
          const storage = createStorage();
          const lab = await createLab({ scenario: "running", seed: 11, subsystems: [storage] });
          for (const step of steps) {
            if (step === "@crash") {
              await lab.exec("host", "docker stop drbd-node1 --time=0 && docker start drbd-node1");
              continue;
            }
            const r = await lab.exec("node1", step);
            expect(Number.isInteger(r.exitCode)).toBe(true);
            expect((storage as StorageSubsystem).invariants()).toEqual([]);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
