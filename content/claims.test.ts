// Claims of the chapters' « Dans un vrai cluster » notes that correct the workshop (issue 18),
// shown in the simulator: each test is the lab transcript of one claim. If one fails, either
// the simulator or the chapter is wrong about DRBD 9 (drbd-behavior.md decides).
import { describe, expect, it } from "vitest";
import { findOption } from "../engine/drbd/config/options";
import { createLab, type Lab } from "../engine/lab";
import { ensureGraderScenarios } from "../graders";

const T = 60_000;

async function lab(): Promise<Lab & { sh(machine: string, command: string): Promise<string> }> {
  ensureGraderScenarios();
  const l = await createLab({ scenario: "tp1.done", seed: 1 });
  return Object.assign(l, {
    async sh(machine: string, command: string) {
      const r = await l.exec(machine, command);
      return r.stdout + r.stderr;
    },
  });
}

const CUT = "iptables -A INPUT -s 172.28.0.12 -j DROP && iptables -A OUTPUT -d 172.28.0.12 -j DROP";
const UNCUT = "iptables -D INPUT -s 172.28.0.12 -j DROP && iptables -D OUTPUT -d 172.28.0.12 -j DROP";

describe("TP5 troubleshooting (08-tp5.mdx)", () => {
  it(
    "a network loss gives Connecting, not StandAlone, and heals by itself",
    async () => {
      const l = await lab();
      await l.sh("node1", CUT);
      await l.advance(30_000);
      const during = await l.sh("node1", "drbdadm status r0");
      expect(during).toContain("node2 connection:Connecting");
      expect(during).not.toContain("StandAlone");
      await l.sh("node1", UNCUT);
      await l.advance(30_000);
      expect(await l.sh("node1", "drbdadm status r0")).toMatch(/node2 role:Secondary\n\s+peer-disk:UpToDate/);
    },
    T,
  );

  it(
    "StandAlone on both nodes is an unresolved split brain: a plain connect detects it again, connect --discard-my-data on the victim resolves it",
    async () => {
      const l = await lab();
      await l.sh("node1", "/scripts/simulate-splitbrain.sh");
      await l.advance(10_000);
      for (const [me, peer] of [
        ["node1", "node2"],
        ["node2", "node1"],
      ] as const) {
        expect(await l.sh(me, "drbdadm status r0")).toContain(`${peer} connection:StandAlone`);
      }
      // StandAlone keeps the connection's configuration: connect needs no new settings...
      expect(await l.sh("node1", "drbdadm connect r0; echo rc=$?")).toContain("rc=0");
      expect(await l.sh("node2", "drbdadm connect r0; echo rc=$?")).toContain("rc=0");
      await l.advance(10_000);
      // ...but the split brain is detected again and both drop the connection.
      expect(await l.sh("node2", "dmesg | grep -c 'Split-Brain detected but unresolved'")).toMatch(/^2/);
      expect(await l.sh("node1", "drbdadm status r0")).toContain("node2 connection:StandAlone");
      expect(await l.sh("node2", "drbdadm status r0")).toContain("node1 connection:StandAlone");
      // Victim: node2 (its write is discarded).
      await l.sh("node2", "umount /mnt/drbd && drbdadm secondary r0 && drbdadm connect --discard-my-data r0");
      await l.sh("node1", "drbdadm connect r0");
      await l.advance(30_000);
      expect(await l.sh("node1", "drbdadm status r0")).toMatch(/node2 role:Secondary\n\s+peer-disk:UpToDate/);
    },
    T,
  );

  it(
    "invalidate fails with (-8) during a resync, and with (-2) on a Primary that has no UpToDate peer",
    async () => {
      const l = await lab();
      expect(await l.sh("node2", "drbdadm invalidate r0; echo rc=$?")).toContain("rc=0");
      await l.advance(100);
      expect(await l.sh("node2", "drbdadm status r0")).toContain("replication:SyncTarget");
      expect(await l.sh("node2", "drbdadm invalidate r0")).toContain(
        "(-8) Can not start OV/resync since it is already active",
      );
      // A resync that does not progress: resync-suspended: says why, resume-sync restarts it.
      await l.sh("node2", "drbdadm pause-sync r0");
      expect(await l.sh("node2", "drbdadm status r0")).toContain("replication:PausedSyncT");
      expect(await l.sh("node2", "drbdadm status r0")).toContain("resync-suspended:user");
      await l.sh("node2", "drbdadm resume-sync r0");
      expect(await l.sh("node2", "drbdadm status r0")).toContain("replication:SyncTarget");
      await l.advance(120_000);
      expect(await l.sh("node2", "drbdadm status r0")).toMatch(/disk:UpToDate/);
      await l.sh("node1", "drbdadm disconnect r0");
      expect(await l.sh("node1", "drbdadm invalidate r0")).toContain("(-2) Need access to UpToDate data");
    },
    T,
  );

  it(
    "the local-io-error handler runs only with on-io-error call-local-io-error, not with detach",
    async () => {
      const fired: Record<string, string> = {};
      for (const policy of ["detach", "call-local-io-error"]) {
        const l = await lab();
        await l.sh(
          "node1",
          `sed -i 's|^resource r0 {|resource r0 {\\n    handlers {\\n        local-io-error "/scripts/alert.sh io-error";\\n    }\\n    disk {\\n        on-io-error ${policy};\\n    }|' /etc/drbd.d/r0.res && drbdadm adjust r0`,
        );
        const out = await l.sh("node1", "/scripts/simulate-failure.sh crash");
        expect(out).toContain("disk:Diskless");
        fired[policy] = await l.sh(
          "node1",
          "dmesg | grep -c 'helper command: /sbin/drbdadm local-io-error'; cat /var/log/drbd-alerts.log",
        );
      }
      expect(fired.detach).toMatch(/^0\n/);
      expect(fired.detach).toContain("No such file");
      expect(fired["call-local-io-error"]).toMatch(/^[1-9]/);
      expect(fired["call-local-io-error"]).toMatch(/io-error/);
    },
    T,
  );
});

describe("Roles (02-concepts.mdx, TP1, quiz q4)", () => {
  it(
    "a Secondary refuses even a read-only mount while its peer is Primary (wrong medium type); read-only works with no Primary",
    async () => {
      const l = await lab();
      await l.sh("node2", "mkdir -p /mnt/drbd");
      expect(await l.sh("node2", "mount /dev/drbd0 /mnt/drbd")).toContain("Wrong medium type");
      expect(await l.sh("node2", "mount -o ro /dev/drbd0 /mnt/drbd")).toContain("Wrong medium type");
      await l.sh("node1", "umount /mnt/drbd && drbdadm secondary r0");
      expect(await l.sh("node2", "mount -o ro /dev/drbd0 /mnt/drbd && drbdadm role r0; echo rc=$?")).toBe(
        "Secondary\nrc=0\n",
      );
    },
    T,
  );

  it(
    "umount demotes an auto-promoted node, not one promoted with drbdadm primary",
    async () => {
      const l = await lab();
      // TP1: node1 was made Primary with drbdadm primary --force, then mounted.
      expect(await l.sh("node1", "umount /mnt/drbd && drbdadm role r0")).toBe("Primary\n");
      await l.sh("node1", "drbdadm secondary r0");
      // Auto-promotion: the mount promotes, the last close (umount) demotes.
      expect(await l.sh("node1", "mount /dev/drbd0 /mnt/drbd && drbdadm role r0")).toBe("Primary\n");
      expect(await l.sh("node1", "umount /mnt/drbd && drbdadm role r0")).toBe("Secondary\n");
    },
    T,
  );
});

describe("TP1 exercise 1.2 (04-tp1.mdx)", () => {
  it("c-max-rate 100M is already DRBD 9's default (102400 KiB/s), resync-rate 250 KiB/s", () => {
    expect(findOption("peer-device", "c-max-rate")?.def.default).toBe(100 * 1024);
    expect(findOption("peer-device", "resync-rate")?.def.default).toBe(250);
    expect(findOption("peer-device", "c-plan-ahead")?.def.default).toBe(20);
  });
});
