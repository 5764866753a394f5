/** Exercise 9.2: three nodes, DRBD 9 native, quorum (content/solutions/ex9.2.lab). */
import { describe, expect, it } from "vitest";
import { drbdState, runSolution, solutionText } from "./solution";

const T = 180_000;

describe("exercise 9.2: three nodes with quorum", () => {
  it(
    "one Primary, two Secondaries; the isolated Primary loses quorum, the majority promotes node2",
    async () => {
      const run = await runSolution("ex9.2");
      const mesh = run.step("node1", "drbdadm status r0", 0).stdout;
      expect(mesh).toBe(
        "r0 role:Primary\n  disk:UpToDate\n  node2 role:Secondary\n    peer-disk:UpToDate\n  node3 role:Secondary\n    peer-disk:UpToDate\n\n",
      );
      expect(run.step("node3", "drbdadm status r0", 0).stdout).toContain(
        "node2 role:Secondary\n    peer-disk:UpToDate",
      );
      // a second Primary is refused while node1 is Primary
      const second = run.step("node2", "drbdadm primary r0", 0);
      expect(second.exitCode).toBe(11);
      expect(second.stderr).toContain("(-1) Multiple primaries not allowed by config");
      // isolated: quorum lost, writes fail (on-no-quorum io-error)
      expect(run.step("node1", "drbdadm status r0", 1).stdout).toBe(
        "r0 role:Primary\n  disk:UpToDate quorum:no\n  node2 connection:Connecting\n  node3 connection:Connecting\n\n",
      );
      const write = run.step("node1", "isole.txt");
      expect(write.exitCode).not.toBe(0);
      expect(write.stderr).toContain("Input/output error");
      expect(run.step("node1", "dmesg | grep quorum").stdout).toMatch(/drbd r0\/0 drbd0: quorum\( yes -> no \)/);
      // the majority partition: node2 promoted, data from before the isolation is there
      expect(run.step("node2", "drbdadm primary r0", 1).exitCode).toBe(0);
      expect(run.step("node2", "cat /mnt/drbd/test.txt").stdout).toBe("ecrit par node1\n");
      const noQuorum = run.step("node1", "drbdadm primary r0");
      expect(noQuorum.exitCode).toBe(11);
      expect(noQuorum.stderr).toContain("(-25) No quorum");
      // back together: node1 resynced from node2, full mesh connected
      const s = drbdState(run.lab);
      expect([s.node1?.r0?.role, s.node2?.r0?.role, s.node3?.r0?.role]).toEqual(["Secondary", "Primary", "Secondary"]);
      for (const n of ["node1", "node2", "node3"]) {
        const r = s[n]?.r0;
        expect(r?.devices[0]).toMatchObject({ disk: "UpToDate", quorum: true });
        expect(r?.connections.map((c) => [c.cstate, c.peerDevices[0]?.peerDisk])).toEqual([
          ["Connected", "UpToDate"],
          ["Connected", "UpToDate"],
        ]);
      }
      // the isolated node never wrote: node2's view is the only history
      expect((await run.lab.exec("node2", "ls /mnt/drbd")).stdout).toBe("lost+found\nnode2.txt\ntest.txt\n");
    },
    T,
  );

  it(
    "without quorum the isolated Primary keeps writing and a second Primary appears (split brain)",
    async () => {
      const text = solutionText("ex9.2").replace(/ {4}options \{\n[^}]*\}\n\n/, "");
      expect(text).not.toContain("quorum majority");
      const run = await runSolution("ex9.2", text);
      expect(run.step("node1", "drbdadm status r0", 1).stdout).not.toContain("quorum:no");
      expect(run.step("node1", "isole.txt").exitCode).toBe(0);
      expect(run.step("node2", "drbdadm primary r0", 1).exitCode).toBe(0);
      // nothing stops node1 from being promoted again: both sides diverged
      expect(run.step("node1", "drbdadm primary r0").exitCode).toBe(0);
    },
    T,
  );

  it(
    "with on-no-quorum suspend-io (DRBD's default) the isolated Primary shows suspended:quorum",
    async () => {
      const text = solutionText("ex9.2").replaceAll("on-no-quorum io-error;", "on-no-quorum suspend-io;");
      const run = await runSolution("ex9.2", text);
      expect(run.step("node1", "drbdadm status r0", 1).stdout).toMatch(
        /^r0 role:Primary suspended:quorum\n {2}disk:UpToDate quorum:no\n/,
      );
      expect(drbdState(run.lab).node1?.r0?.role).toBe("Secondary");
    },
    T,
  );
});
