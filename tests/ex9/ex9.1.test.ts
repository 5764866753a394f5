/** Exercise 9.1: r0 and r1 side by side, replicating independently (content/solutions/ex9.1.lab). */
import { describe, expect, it } from "vitest";
import { createLab } from "../../engine/lab";
import { getExercise, grade } from "../../graders/index";
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

describe("exercise 9.1 grader: the learner's r1.res applied in the lab", () => {
  const def = () => {
    const d = getExercise("ex9.1");
    if (!d) throw new Error("ex9.1 not registered");
    return d;
  };
  const solution = () => def().solution as string;
  const failed = async (text: string) => {
    const r = await grade(def(), text);
    expect(r.valid, r.invalidReason).toBe(true);
    return Object.fromEntries(r.checks.filter((c) => !c.passed).map((c) => [c.id, c.message]));
  };

  it(
    "runs r1 next to r0 in the two-disk lab: connected, synced, protocol A on its own port",
    async () => {
      const r = await grade(def(), solution());
      expect(r.score).toBe(r.max);
      expect(r.checks.find((c) => c.id === "ex9.1.lab-sync")?.message).toMatch(
        /\(protocole A, port 7789, \/dev\/drbd1\)$/,
      );
      // a minor and a port of the learner's choice work as well
      const other = solution().replaceAll("/dev/drbd1", "/dev/drbd7").replaceAll(":7789", ":7800");
      expect(await failed(other)).toEqual({});
    },
    T,
  );

  it(
    "reports what the lab said when a config that parses cannot run",
    async () => {
      const missing = await failed(solution().replaceAll("/dev/sdb1", "/dev/sdc1"));
      expect(Object.keys(missing)).toEqual(["ex9.1.lab-up", "ex9.1.lab-sync"]);
      expect(missing["ex9.1.lab-up"]).toMatch(
        /« drbdadm create-md r1 » échoue sur node1 \(code 20\) ; le lab répond : « open\(\/dev\/sdc1\) failed: No such file or directory »/,
      );
      // r0's disk: static check, and the lab refuses to overwrite r0's metadata
      const shared = await failed(solution().replaceAll("/dev/sdb1", "/dev/sda1"));
      expect(shared["ex9.1.lab-up"]).toMatch(/Operation cancelled\. … already in place on \/dev\/sda1/);
      // protocol C parses and runs, but the running resource is not asynchronous
      const sync = await failed(solution().replace("protocol A;", "protocol C;"));
      expect(sync["ex9.1.lab-sync"]).toMatch(/r1 tourne en protocole C \(drbdsetup show r1\)/);
      expect(sync["ex9.1.lab-up"]).toBeUndefined();
    },
    T,
  );

  it(
    "refuses r0's port or minor before any lab, with drbdadm's own words (no attempt spent)",
    async () => {
      const port = await grade(def(), solution().replaceAll(":7789", ":7788"));
      expect(port.valid).toBe(false);
      expect(port.diagnostics?.[0]).toMatchObject({ file: "/etc/drbd.d/r1.res", line: 6 });
      expect(port.diagnostics?.[0]?.message).toMatch(/déjà utilisée par la ressource r0 .* is also used/);
      const minor = await grade(def(), solution().replaceAll("/dev/drbd1", "/dev/drbd0"));
      expect(minor.valid).toBe(false);
      expect(minor.invalidReason).toMatch(/conflicting use of device-minor/);
    },
    T,
  );
});
