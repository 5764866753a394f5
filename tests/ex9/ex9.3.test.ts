/** Exercise 9.3: Pacemaker promotes node2 when node1 crashes (content/solutions/ex9.3.lab). */
import { describe, expect, it } from "vitest";
import { replayLab } from "../../engine/lab";
import type { LabState } from "../../engine/lab-state";
import { getExercise, grade } from "../../graders/index";
import { drbdState, failures, runSolution, solutionText } from "./solution";

const T = 180_000;

type Pcmk = {
  configured: boolean;
  partitions: {
    members: string[];
    quorate: boolean;
    clones: Record<string, { running: string[]; promoted: string[] }>;
    primitives: Record<string, string | null>;
  }[];
};
const pcmk = (state: LabState) => state.subsystems.pacemaker as Pcmk;

describe("exercise 9.3: Pacemaker/Corosync", () => {
  it(
    "promotes DRBD, mounts and raises the VIP on node1, then fails over to node2 when node1 crashes",
    async () => {
      const run = await runSolution("ex9.3");
      expect(failures(run)).toEqual([]);
      expect(run.step("node1", "cat /etc/corosync/corosync.conf").stdout).toContain("    two_node: 1\n");
      const first = run.step("node1", /^pcs status$/, 0).stdout;
      expect(first).toContain("WARNINGS:\nNo stonith devices and stonith-enabled is not false\n");
      expect(first).toContain("  * Online: [ node1 node2 ]\n");
      expect(first).toContain("Full List of Resources:\n  * No resources\n");
      expect(run.step("node1", /^pcs property$/).stdout).toContain(
        " no-quorum-policy: ignore\n stonith-enabled: false\n",
      );
      // running: node1 Promoted with the filesystem and the VIP
      const up = run.step("node1", /^pcs status$/, 1).stdout;
      expect(up).not.toContain("WARNINGS");
      expect(up).toContain(
        "Full List of Resources:\n  * Clone Set: drbd_r0-clone [drbd_r0] (promotable):\n    * Promoted: [ node1 ]\n    * Unpromoted: [ node2 ]\n" +
          "  * fs_drbd\t(ocf:heartbeat:Filesystem):\t Started node1\n  * vip\t(ocf:heartbeat:IPaddr2):\t Started node1\n",
      );
      expect(up).toMatch(/Current DC: node1 \(version 2\.1\.2-ada5c3b36e2\) - partition with quorum/);
      expect(up).toContain("  * 4 resource instances configured\n");
      expect(run.step("node1", "drbdadm status r0", 1).stdout).toMatch(/^r0 role:Primary\n/);
      // standby moves everything to node2 (and stops the DRBD instance on node1)
      expect(run.step("node1", "pcs status resources", 0).stdout).toContain(
        "    * Promoted: [ node2 ]\n    * Stopped: [ node1 ]\n",
      );
      expect(run.step("node2", "cat /mnt/drbd/test.txt", 0).stdout).toBe("ecrit sous Pacemaker\n");
      expect(run.step("node1", "pcs status resources", 1).stdout).toContain(
        "    * Promoted: [ node2 ]\n    * Unpromoted: [ node1 ]\n",
      );
      expect(run.step("node2", "pcs resource move").stderr).toContain(
        "Creating location constraint 'cli-prefer-drbd_r0-clone'",
      );
      expect(run.step("node1", "pcs status resources", 2).stdout).toContain("    * Promoted: [ node1 ]\n");
      // right after the crash the cluster has not noticed yet
      const before = run.step("node2", "crm_mon -1").stdout;
      expect(before).toContain("  * Online: [ node1 node2 ]\n");
      expect(before).toContain("    * Promoted: [ node1 ]\n");
      // after the membership timeout: node2 promoted, filesystem mounted, VIP moved
      const after = run.step("node2", "crm status").stdout;
      expect(after).toContain("  * Online: [ node2 ]\n  * OFFLINE: [ node1 ]\n");
      expect(after).toContain("    * Promoted: [ node2 ]\n    * Stopped: [ node1 ]\n");
      expect(after).toContain("  * fs_drbd\t(ocf:heartbeat:Filesystem):\t Started node2\n");
      expect(after).toContain("  * vip\t(ocf:heartbeat:IPaddr2):\t Started node2\n");
      expect(run.step("node2", "cat /mnt/drbd/test.txt", 1).stdout).toBe("ecrit sous Pacemaker\n");
      expect(run.step("node2", "ip addr show eth0").stdout).toContain(
        "inet 172.28.0.100/16 scope global secondary eth0",
      );
      // node1 back: Unpromoted, resynced; the Promoted role stays on node2 (stickiness)
      const back = run.step("node1", /^pcs status$/, 2).stdout;
      expect(back).toContain("    * Promoted: [ node2 ]\n    * Unpromoted: [ node1 ]\n");
      expect(back).toMatch(/Current DC: node2 /);
      const s = drbdState(run.lab);
      expect([s.node1?.r0?.role, s.node2?.r0?.role]).toEqual(["Secondary", "Primary"]);
      expect(s.node1?.r0?.devices[0]?.disk).toBe("UpToDate");
      const p = pcmk(run.lab.state());
      expect(p.partitions).toHaveLength(1);
      expect(p.partitions[0]).toMatchObject({
        members: ["node1", "node2"],
        quorate: true,
        primitives: { fs_drbd: "node2", vip: "node2" },
      });
      expect(p.partitions[0]?.clones.drbd_r0).toEqual({ running: ["node1", "node2"], promoted: ["node2"] });
    },
    T,
  );

  it(
    "takes the failover time from corosync's token + consensus and DRBD's peer-loss detection",
    async () => {
      const text = solutionText("ex9.3");
      const cut = text.slice(0, text.indexOf("node2$ sleep 15"));
      const run = await runSolution("ex9.3", cut);
      const lab = run.lab;
      await lab.advance(6000);
      expect((await lab.exec("node2", "crm_mon -1")).stdout).toContain("  * Online: [ node1 node2 ]\n");
      await lab.advance(1000);
      const seen = (await lab.exec("node2", "crm_mon -1")).stdout;
      expect(seen).toContain("  * OFFLINE: [ node1 ]\n");
      await lab.advance(6000);
      expect((await lab.exec("node2", "drbdadm role r0")).stdout).toBe("Primary\n");
      expect((await lab.exec("node2", "mount")).stdout).toContain("/dev/drbd0 on /mnt/drbd type ext4");
    },
    T,
  );

  it(
    "replays byte for byte: the cluster's reactions depend only on the event log",
    async () => {
      const run = await runSolution("ex9.3");
      const again = await replayLab({ scenario: "ex9.3", seed: 1, events: run.lab.events() });
      expect(again.events()).toEqual(run.lab.events());
      expect(again.state()).toEqual(run.lab.state());
    },
    T,
  );
});

describe("exercise 9.3 grader: the learner's cluster, then node1's crash", () => {
  const def = () => {
    const d = getExercise("ex9.3");
    if (!d) throw new Error("ex9.3 not registered");
    return d;
  };
  const failed = async (submission: unknown) => {
    const r = await grade(def(), submission);
    expect(r.valid, r.invalidReason).toBe(true);
    return Object.fromEntries(r.checks.filter((c) => !c.passed).map((c) => [c.id, c.message]));
  };

  it(
    "gives full marks to the chapter's solution, from its script or from its recorded event log",
    async () => {
      expect(def().kind).toBe("lab");
      expect(await failed(solutionText("ex9.3"))).toEqual({});
      const run = await runSolution("ex9.3");
      expect(await failed({ scenario: "ex9.3", seed: 1, events: run.lab.events() })).toEqual({});
    },
    T,
  );

  it(
    "sees a failover done by hand after the crash, and a crash of a node that was not Primary",
    async () => {
      const text = solutionText("ex9.3");
      // no cluster: the learner promotes, mounts and raises the address on node2 himself
      const manual = def().wrong.find((w) => w.name.startsWith("bascule à la main"));
      const m = await failed(manual?.submission);
      expect(m["ex9.3.promoted"]).toMatch(/node2 a été promu à la main \(« drbdadm primary r0 »\)/);
      expect(m["ex9.3.services"]).toMatch(/fait à la main sur node2 \(« mount \/dev\/drbd0 \/mnt\/drbd »\)/);
      expect(m["ex9.3.crash"]).toBeUndefined();
      // everything moved to node2 first (standby): node1's crash tests nothing
      const idle = text.replace(
        "host$ docker stop drbd-node1 --time=0\n",
        "node1$ pcs node standby node1\nnode1$ sleep 5\nhost$ docker stop drbd-node1 --time=0\n",
      );
      expect(Object.keys(await failed(idle))).toEqual(["ex9.3.crash", "ex9.3.promoted", "ex9.3.services"]);
    },
    T,
  );
});
