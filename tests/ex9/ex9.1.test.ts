/** Exercise 9.1: r0 and r1 side by side, replicating independently (content/solutions/ex9.1.lab). */
import { describe, expect, it } from "vitest";
import { createLab } from "../../engine/lab";
import { drbdState, failures, runSolution } from "./solution";

const T = 180_000;

describe("exercise 9.1: two resources", () => {
  it(
    "runs r0 (protocol C, drbd0, 7788) and r1 (protocol A, drbd1 on sdb1, 7789) side by side",
    async () => {
      const run = await runSolution("ex9.1");
      expect(failures(run)).toEqual([]);
      expect(run.step("node1", "lsblk").stdout).toMatch(/└─sdb1\s+8:17\s+0\s+512M\s+0 part/);
      // while both initial syncs run, then both UpToDate/UpToDate
      const during = run.step("node1", "drbdadm status", 0).stdout;
      expect(during).toMatch(/^r0 role:Primary\n[\s\S]*SyncSource[\s\S]*\n\nr1 role:Primary\n[\s\S]*SyncSource/);
      const after = run.step("node1", "drbdadm status", 1).stdout;
      expect(after).toBe(
        "r0 role:Primary\n  disk:UpToDate\n  node2 role:Secondary\n    peer-disk:UpToDate\n\n" +
          "r1 role:Primary\n  disk:UpToDate\n  node2 role:Secondary\n    peer-disk:UpToDate\n\n",
      );
      expect(run.step("node1", "cat /proc/drbd").stdout).toMatch(/^version: 9\.\d+\.\d+ \(api:2\/proto:86-1\d\d\)/);
      expect(run.step("node1", "drbdsetup show r1").stdout).toMatch(/protocol\s+A;/);
      expect((await run.lab.exec("node1", "drbdsetup show r0")).stdout).not.toMatch(/protocol\s+[AB];/);
      expect(run.step("node1", "df -h").stdout).toMatch(/\/dev\/drbd0 .* \/mnt\/drbd\n\/dev\/drbd1 .* \/mnt\/logs\n/);
      // r1 moved to node2 on its own; r0 stayed Primary on node1
      expect(run.step("node2", "mount /dev/drbd1").stdout).toBe("2024-01-15 14:30 commande 42\n");
      const s = drbdState(run.lab);
      expect([s.node1?.r0?.role, s.node1?.r1?.role, s.node2?.r0?.role, s.node2?.r1?.role]).toEqual([
        "Primary",
        "Secondary",
        "Secondary",
        "Primary",
      ]);
      for (const n of ["node1", "node2"])
        for (const r of ["r0", "r1"]) {
          const res = s[n]?.[r];
          expect(res?.devices[0]?.disk, `${n} ${r}`).toBe("UpToDate");
          expect(res?.connections[0]?.cstate, `${n} ${r}`).toBe("Connected");
          expect(res?.connections[0]?.peerDevices[0]?.peerDisk, `${n} ${r}`).toBe("UpToDate");
        }
      expect(s.node2?.r1?.devices[0]?.minor).toBe(1);
      expect(run.step("node1", "drbdadm role r0").stdout).toBe("Primary\nSecondary\n");
    },
    T,
  );

  it(
    "refuses a second resource on r0's port, and the plain two-node world has no second disk",
    async () => {
      const lab = await createLab({ scenario: "ex9.1" });
      await lab.exec(
        "node1",
        "sed -e 's/r0/r1/' -e 's#/dev/drbd0#/dev/drbd1#' -e 's#/dev/sda1#/dev/sdb1#' /etc/drbd.d/r0.res > /etc/drbd.d/r1.res",
      );
      const dump = await lab.exec("node1", "drbdadm dump all");
      expect(dump.exitCode).not.toBe(0);
      expect(dump.stderr).toMatch(/ipv4:172\.28\.0\.11:7788 is also used .*\(resource r0\)/);
      const plain = await createLab({ scenario: "running" });
      expect((await plain.exec("node1", "lsblk")).stdout).not.toContain("sdb");
    },
    T,
  );
});
