/** Exercise 9.4: two sites, protocol C inside a site, A across the WAN (content/solutions/ex9.4.lab). */
import { describe, expect, it } from "vitest";
import { drbdState, failures, runSolution, solutionText } from "./solution";

const T = 180_000;

describe("exercise 9.4: disaster recovery across sites", () => {
  it(
    "loses the order still in flight on the WAN when Paris goes down; Lyon takes over with the rest",
    async () => {
      const run = await runSolution("ex9.4");
      expect(failures(run)).toEqual([]);
      // the WAN is really slower than the LAN
      expect(run.step("host", "ping -c 2 node2").stdout).toMatch(/time=0\.\d+ ms/);
      expect(run.step("host", "ping -c 2 node3").stdout).toMatch(/time=20\.\d ms/);
      // per-connection protocols as the kernel was given them (C, the default, is not shown)
      const show = run.step("node1", "drbdsetup show r0").stdout;
      expect(show).not.toContain('"node2"');
      // drbdsetup prints the net options in drbd-utils' field order (`_name` last): the
      // solution's `grep -B3 protocol` shows each connection's path just above it
      expect(show).toMatch(/_remote_host ipv4 172\.28\.0\.13:7788;\n\s+\}\n\s+net \{\n\s+protocol\s+A;/);
      expect(show).toMatch(/_remote_host ipv4 172\.28\.0\.14:7788;\n\s+\}\n\s+net \{\n\s+protocol\s+A;/);
      // Paris had both orders; node3 sees the crash only after the ping timeout
      expect(run.step("node1", 'echo "commande 2"').stdout).toBe("commande 1\ncommande 2\n");
      expect(run.step("node3", "drbdadm status r0", 0).stdout).toContain("node1 role:Primary");
      expect(run.step("node3", "drbdadm status r0", 1).stdout).toContain(
        "node1 connection:Connecting\n  node2 connection:Connecting\n  node4 role:Secondary",
      );
      // what Lyon has: the old data intact, the last order lost (RPO > 0)
      const md5 = run.step("node1", "md5sum /mnt/drbd/avant.bin").stdout.split(" ")[0];
      expect(run.step("node3", "md5sum /mnt/drbd/avant.bin").stdout.split(" ")[0]).toBe(md5);
      expect(run.step("node3", "cat /mnt/drbd/commandes.txt").stdout).toBe("commande 1\n");
      const s = drbdState(run.lab);
      expect(s.node3?.r0?.role).toBe("Primary");
      expect(s.node1).toEqual({});
      expect(s.node4?.r0?.connections.find((c) => c.peer === "node3")?.peerDevices[0]?.peerDisk).toBe("UpToDate");
    },
    T,
  );

  it(
    "with protocol C across the WAN as well, the same disaster loses nothing (RPO 0)",
    async () => {
      const text = solutionText("ex9.4").replaceAll("protocol A;", "protocol C;");
      const run = await runSolution("ex9.4", text);
      expect(run.step("node1", "drbdsetup show r0").stdout).not.toMatch(/protocol\s+A;/);
      expect(run.step("node3", "cat /mnt/drbd/commandes.txt").stdout).toBe("commande 1\ncommande 2\n");
      // the price: every committed write waits for the WAN round trip
      const a = await runSolution("ex9.4");
      expect(run.step("node1", 'echo "commande 2"').durationMs).toBeGreaterThan(
        a.step("node1", 'echo "commande 2"').durationMs + 15,
      );
    },
    T,
  );
});
