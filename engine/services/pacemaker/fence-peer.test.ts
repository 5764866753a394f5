/**
 * drbd-utils' crm-fence-peer.9.sh / crm-unfence-peer.9.sh in /usr/lib/drbd (exercise 9.3's
 * « Dans un vrai cluster » note): resource-level fencing through a Pacemaker constraint.
 */
import { describe, expect, it } from "vitest";
import { createLab, type Lab } from "../../lab";

const T = 180_000;
const ID = "drbd-fence-by-handler-r0-drbd_r0-clone";
const FENCING =
  'sed -i \'s|protocol C;|protocol C;\\n    net { fencing resource-only; }\\n    handlers {\\n        fence-peer "/usr/lib/drbd/crm-fence-peer.9.sh";\\n        after-resync-target "/usr/lib/drbd/crm-unfence-peer.9.sh";\\n    }|\' /etc/drbd.d/r0.res && drbdadm adjust r0';
const CUT = [
  "iptables -A INPUT -p tcp --dport 7788 -j DROP",
  "iptables -A INPUT -p tcp --sport 7788 -j DROP",
  "iptables -A OUTPUT -p tcp --dport 7788 -j DROP",
  "iptables -A OUTPUT -p tcp --sport 7788 -j DROP",
];

async function sh(lab: Lab, node: string, line: string) {
  const r = await lab.exec(node, line);
  if (r.exitCode !== 0) throw new Error(`${node}: ${line}: ${r.exitCode} ${r.stdout}${r.stderr}`);
  return r.stdout;
}

async function fencedCluster(): Promise<Lab> {
  const lab = await createLab({ scenario: "ex9.3" });
  for (const n of ["node1", "node2"]) await sh(lab, n, FENCING);
  for (const l of [
    "pcs host auth node1 node2 -u hacluster -p secret",
    "pcs cluster setup lab node1 node2 --start",
    "pcs property set stonith-enabled=false",
    "pcs resource create drbd_r0 ocf:linbit:drbd drbd_resource=r0",
    "pcs resource promotable drbd_r0 promoted-max=1 clone-max=2 notify=true",
    "pcs constraint location drbd_r0-clone prefers node2=100",
  ])
    await sh(lab, "node1", l);
  await lab.advance(15_000);
  expect(await sh(lab, "node2", "drbdadm role r0")).toBe("Primary\n");
  return lab;
}

describe("crm-fence-peer.9.sh under Pacemaker", () => {
  it(
    "places the constraint on a cut replication link, Pacemaker keeps the peer unpromoted, unfence removes it",
    async () => {
      const lab = await fencedCluster();
      expect(await sh(lab, "node1", "cat /usr/lib/drbd/crm-fence-peer.9.sh")).toContain("drbd-fence-by-handler");
      for (const n of ["node1", "node2"]) for (const l of CUT) await sh(lab, n, l);
      await sh(lab, "node2", "dd if=/dev/zero of=/dev/drbd0 bs=4k count=64 oflag=direct");
      await lab.advance(20_000);
      const dmesg = await sh(lab, "node2", "dmesg");
      expect(dmesg).toContain("helper command: /sbin/drbdadm fence-peer exit code 4 (0x400)");
      expect(dmesg).toContain("fence-peer helper returned 4 (peer was fenced)");
      expect(await sh(lab, "node2", "cat /var/log/syslog")).toMatch(
        /crm-fence-peer\.9\.sh\[\d+\]: INFO peers are reachable, my disk is UpToDate: placed constraint 'drbd-fence-by-handler-r0-drbd_r0-clone'/,
      );
      const cons = await sh(lab, "node1", "pcs constraint");
      expect(cons).toContain(
        `  Resource: drbd_r0-clone\n    Constraint: ${ID}\n      Rule: role=Promoted score=-INFINITY\n        Expression: #uname ne node2\n`,
      );
      expect(await sh(lab, "node1", "cibadmin -Ql")).toContain(
        `<expression attribute="#uname" operation="ne" value="node2" id="${ID}-rule-expr"/>`,
      );
      // corosync still sees both nodes: only DRBD's link is cut
      expect(await sh(lab, "node1", "crm_mon -1")).toContain("Online: [ node1 node2 ]");
      // the administrator asks for node1 as Promoted: the fencing constraint wins (-INFINITY)
      await sh(lab, "node1", "pcs resource move drbd_r0-clone node1 --promoted");
      await lab.advance(10_000);
      expect(await sh(lab, "node1", "drbdadm role r0")).toBe("Secondary\n");
      expect(await sh(lab, "node2", "drbdadm role r0")).toBe("Primary\n");
      await sh(lab, "node1", "pcs resource clear drbd_r0-clone");
      // the link comes back: node1 resyncs, its after-resync-target handler removes the constraint
      for (const n of ["node1", "node2"]) await sh(lab, n, "iptables -F");
      await lab.advance(60_000);
      expect(await sh(lab, "node1", "drbdadm dstate r0")).toBe("UpToDate/UpToDate\n");
      const d1 = await sh(lab, "node1", "dmesg");
      expect(d1).toContain("helper command: /sbin/drbdadm after-resync-target");
      expect(d1).toContain("helper command: /sbin/drbdadm after-resync-target exit code 0");
      expect(await sh(lab, "node1", "cat /var/log/syslog")).toContain(`INFO Removed constraint '${ID}'`);
      expect(await sh(lab, "node2", "pcs constraint")).not.toContain(ID);
      expect(await sh(lab, "node2", "cibadmin -Q")).not.toContain("drbd-fence-by-handler");
    },
    T,
  );

  it(
    "without the constraint the same move promotes node1 (the constraint is what holds it)",
    async () => {
      const lab = await fencedCluster();
      for (const n of ["node1", "node2"]) for (const l of CUT) await sh(lab, n, l);
      await lab.advance(20_000);
      expect(await sh(lab, "node1", "pcs constraint")).toContain(ID);
      await sh(lab, "node1", `pcs constraint delete ${ID}`);
      expect((await lab.exec("node1", `pcs constraint delete ${ID}`)).stderr).toBe(
        `Error: Unable to find constraint - '${ID}'\n`,
      );
      await sh(lab, "node1", "pcs resource move drbd_r0-clone node1 --promoted");
      await lab.advance(10_000);
      expect(await sh(lab, "node1", "drbdadm role r0")).toBe("Primary\n");
    },
    T,
  );
});

describe("crm-fence-peer.9.sh without Pacemaker", () => {
  it(
    "fails like the real script (no CIB): DRBD reports a broken helper and keeps the peer unknown",
    async () => {
      const lab = await createLab({ scenario: "ex9.3" });
      for (const n of ["node1", "node2"]) await sh(lab, n, FENCING);
      await sh(lab, "node1", "drbdadm primary r0");
      for (const n of ["node1", "node2"]) for (const l of CUT) await sh(lab, n, l);
      await lab.advance(20_000);
      const dmesg = await sh(lab, "node1", "dmesg");
      expect(dmesg).toContain("helper command: /sbin/drbdadm fence-peer exit code 1 (0x100)");
      expect(dmesg).toContain("fence-peer helper broken, returned 1");
      expect(dmesg).not.toContain("fence-peer helper returned 4");
      expect(await sh(lab, "node1", "cat /var/log/syslog")).toContain(
        "Could not connect to the CIB: Transport endpoint is not connected",
      );
      expect(await sh(lab, "node1", "drbdadm dstate r0")).toBe("UpToDate/DUnknown\n");
      const q = await lab.exec("node1", "cibadmin -Ql");
      expect(q.exitCode).toBe(102);
    },
    T,
  );
});
