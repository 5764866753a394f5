/** The pcs subset: refusals with pcs's messages, STONITH, placement without constraints, stop. */
import { describe, expect, it } from "vitest";
import { createLab, type Lab } from "../../lab";

const T = 120_000;

async function run(lab: Lab, target: string, line: string) {
  return lab.exec(target, line);
}

async function cluster(): Promise<Lab> {
  const lab = await createLab({ scenario: "ex9.3" });
  for (const l of [
    "pcs host auth node1 node2 -u hacluster -p secret",
    "pcs cluster setup lab node1 node2 --start",
    "pcs property set stonith-enabled=false",
    "pcs resource create drbd_r0 ocf:linbit:drbd drbd_resource=r0",
    "pcs resource promotable drbd_r0 promoted-max=1 clone-max=2 notify=true",
  ]) {
    const r = await run(lab, "node1", l);
    if (r.exitCode !== 0) throw new Error(`${l}: ${r.stderr}`);
  }
  return lab;
}

describe("pcs refusals", () => {
  it(
    "needs a running cluster, authenticated hosts, and prints usage for unknown commands",
    async () => {
      const lab = await createLab({ scenario: "ex9.3" });
      const st = await run(lab, "node1", "pcs status");
      expect(st.exitCode).toBe(1);
      expect(st.stderr).toContain("Error: error running crm_mon, is pacemaker running?");
      expect((await run(lab, "node1", "crm_mon -1")).exitCode).toBe(102);
      const setup = await run(lab, "node1", "pcs cluster setup lab node1 node2");
      expect(setup.stderr).toBe(
        "Error: Host 'node1' is not known to pcs, try to authenticate the host using 'pcs host auth node1' command\n",
      );
      expect((await run(lab, "node1", "pcs host auth node1 node2 -u root -p x")).stderr).toContain(
        "Username and/or password is incorrect",
      );
      expect((await run(lab, "node1", "pcs cluster start")).stderr).toBe(
        "Error: cluster is not currently configured on this node\n",
      );
      const bogus = await run(lab, "node1", "pcs frobnicate");
      expect(bogus.exitCode).toBe(1);
      expect(bogus.stderr).toContain("Usage: pcs [-f file] [-h] [commands]...");
      expect((await run(lab, "node1", "pcs resource frobnicate")).stderr).toContain(
        "Usage: pcs resource [commands]...",
      );
      expect((await run(lab, "node1", "pcs resource create x ocf:heartbeat:Dummy")).stderr).toBe(
        "Error: unable to get cib\n",
      );
    },
    T,
  );

  it(
    "checks agents, options, properties and constraint targets",
    async () => {
      const lab = await cluster();
      const agent = await run(lab, "node1", "pcs resource create web ocf:heartbeat:apache");
      expect(agent.exitCode).toBe(1);
      expect(agent.stderr).toMatch(
        /^Error: Agent 'ocf:heartbeat:apache' is not installed or does not provide valid metadata/,
      );
      expect((await run(lab, "node1", "pcs resource create fs Filesystem device=/dev/drbd0")).stderr).toBe(
        "Error: required resource options 'directory', 'fstype' are missing, use --force to override\n",
      );
      expect((await run(lab, "node1", "pcs resource create ip IPaddr2 ip=172.28.0.100 netmask=16")).stderr).toMatch(
        /^Error: invalid resource option: 'netmask', allowed options are: .*'cidr_netmask'/,
      );
      expect((await run(lab, "node1", "pcs resource create drbd_r0 ocf:linbit:drbd drbd_resource=r0")).stderr).toBe(
        "Error: 'drbd_r0' already exists\n",
      );
      expect((await run(lab, "node1", "pcs property set stonith=false")).stderr).toBe(
        "Error: unknown cluster property: 'stonith', (use --force to override)\n",
      );
      expect((await run(lab, "node1", "pcs property set no-quorum-policy=maybe")).exitCode).toBe(1);
      await run(
        lab,
        "node1",
        "pcs resource create fs_drbd ocf:heartbeat:Filesystem device=/dev/drbd0 directory=/mnt/drbd fstype=ext4",
      );
      const inner = await run(lab, "node1", "pcs constraint colocation add fs_drbd with Promoted drbd_r0 INFINITY");
      expect(inner.stderr).toBe(
        "Error: drbd_r0 is a clone resource, you should use the clone id: drbd_r0-clone when adding constraints, use --force to override\n",
      );
      expect((await run(lab, "node1", "pcs constraint order promote nothing then start fs_drbd")).stderr).toBe(
        "Error: Resource 'nothing' does not exist\n",
      );
      expect((await run(lab, "node1", "pcs constraint colocation add fs_drbd with Boss drbd_r0-clone")).exitCode).toBe(
        1,
      );
    },
    T,
  );
});

describe("the policy engine", () => {
  it(
    "starts nothing while STONITH is enabled without fence devices",
    async () => {
      const lab = await createLab({ scenario: "ex9.3" });
      await run(lab, "node1", "pcs host auth node1 node2 -u hacluster -p secret");
      await run(lab, "node1", "pcs cluster setup lab node1 node2 --start");
      await run(lab, "node1", "pcs resource create drbd_r0 ocf:linbit:drbd drbd_resource=r0 promotable");
      await lab.advance(5000);
      const st = (await run(lab, "node1", "pcs status")).stdout;
      expect(st).toContain("No stonith devices and stonith-enabled is not false");
      expect(st).toContain("  * Clone Set: drbd_r0-clone [drbd_r0] (promotable):\n    * Unpromoted: [ node1 node2 ]\n");
      expect((await run(lab, "node1", "drbdadm role r0")).stdout).toBe("Secondary\n");
    },
    T,
  );

  it(
    "without a colocation the filesystem can land on the Unpromoted node: the start fails and it moves",
    async () => {
      const lab = await cluster();
      await run(lab, "node1", "pcs constraint location drbd_r0-clone prefers node2=100");
      await lab.advance(3000);
      expect((await run(lab, "node2", "drbdadm role r0")).stdout).toBe("Primary\n");
      await run(
        lab,
        "node1",
        "pcs resource create fs_drbd ocf:heartbeat:Filesystem device=/dev/drbd0 directory=/mnt/drbd fstype=ext4",
      );
      await lab.advance(5000);
      const st = (await run(lab, "node1", "pcs status")).stdout;
      expect(st).toContain("  * fs_drbd\t(ocf:heartbeat:Filesystem):\t Started node2\n");
      expect(st).toMatch(/Failed Resource Actions:\n {2}\* fs_drbd_start_0 on node1 'error' \(1\)/);
      expect((await run(lab, "node1", "pcs resource cleanup fs_drbd")).exitCode).toBe(0);
      expect((await run(lab, "node1", "pcs status")).stdout).not.toContain("Failed Resource Actions");
    },
    T,
  );

  it(
    "pcs cluster stop --all stops the resources cleanly before the daemons",
    async () => {
      const lab = await cluster();
      await run(
        lab,
        "node1",
        "pcs resource create fs_drbd ocf:heartbeat:Filesystem device=/dev/drbd0 directory=/mnt/drbd fstype=ext4",
      );
      await run(lab, "node1", "pcs constraint colocation add fs_drbd with Promoted drbd_r0-clone");
      await run(lab, "node1", "pcs constraint order promote drbd_r0-clone then start fs_drbd");
      await lab.advance(3000);
      expect((await run(lab, "node1", "mount")).stdout).toContain("/dev/drbd0 on /mnt/drbd");
      const stop = await run(lab, "node1", "pcs cluster stop --all");
      expect(stop.stdout).toBe(
        "node1: Stopping Cluster (pacemaker)...\nnode2: Stopping Cluster (pacemaker)...\nnode1: Stopping Cluster (corosync)...\nnode2: Stopping Cluster (corosync)...\n",
      );
      expect((await run(lab, "node1", "mount")).stdout).not.toContain("/dev/drbd0");
      expect((await run(lab, "node1", "drbdadm status r0")).exitCode).not.toBe(0);
      expect((await run(lab, "node1", "pcs status")).exitCode).toBe(1);
    },
    T,
  );

  it(
    "a moved promotable clone follows its cli-prefer constraint until cleared",
    async () => {
      const lab = await cluster();
      await lab.advance(3000);
      expect((await run(lab, "node1", "drbdadm role r0")).stdout).toBe("Primary\n");
      expect((await run(lab, "node1", "pcs resource move drbd_r0-clone node2")).stderr).toBe(
        "Error: cannot move cloned resources\n",
      );
      await run(lab, "node1", "pcs resource move drbd_r0-clone --promoted node2");
      await lab.advance(3000);
      expect((await run(lab, "node2", "drbdadm role r0")).stdout).toBe("Primary\n");
      expect((await run(lab, "node1", "pcs constraint")).stdout).toContain(
        "Location Constraints:\n  Resource: drbd_r0-clone\n    Enabled on:\n      Node: node2 (score:INFINITY) (role:Promoted)\n",
      );
      expect((await run(lab, "node1", "pcs resource clear drbd_r0-clone")).stdout).toBe(
        "Removing constraint: cli-prefer-drbd_r0-clone\n",
      );
      await lab.advance(3000);
      // stickiness keeps it on node2
      expect((await run(lab, "node2", "drbdadm role r0")).stdout).toBe("Primary\n");
    },
    T,
  );

  it(
    "without fencing a cut link promotes both sides (two_node keeps quorum); once healed one Primary is kept",
    async () => {
      const lab = await cluster();
      await run(
        lab,
        "node1",
        "pcs resource create fs_drbd Filesystem device=/dev/drbd0 directory=/mnt/drbd fstype=ext4",
      );
      await run(lab, "node1", "pcs constraint colocation add fs_drbd with Promoted drbd_r0-clone");
      await run(lab, "node1", "pcs constraint order promote drbd_r0-clone then start fs_drbd");
      await lab.advance(3000);
      await run(lab, "node1", "iptables -A INPUT -s 172.28.0.12 -j DROP; iptables -A OUTPUT -d 172.28.0.12 -j DROP");
      await lab.advance(20_000);
      expect((await run(lab, "node1", "pcs status resources")).stdout).toContain(
        "    * Promoted: [ node1 ]\n    * Stopped: [ node2 ]\n",
      );
      expect((await run(lab, "node2", "pcs status resources")).stdout).toContain(
        "    * Promoted: [ node2 ]\n    * Stopped: [ node1 ]\n",
      );
      expect((await run(lab, "node2", "mount")).stdout).toContain("/dev/drbd0 on /mnt/drbd");
      await run(lab, "node1", "iptables -F");
      await lab.advance(20_000);
      const st = (await run(lab, "node1", "pcs status")).stdout;
      expect(st).toContain("  * Online: [ node1 node2 ]\n");
      expect(st).toContain(
        "    * Promoted: [ node1 ]\n    * Unpromoted: [ node2 ]\n  * fs_drbd\t(ocf:heartbeat:Filesystem):\t Started node1\n",
      );
      expect((await run(lab, "node2", "mount")).stdout).not.toContain("/dev/drbd0");
    },
    T,
  );

  it(
    "three nodes: the isolated node loses quorum and stops its resources, the majority promotes",
    async () => {
      const lab = await createLab({ scenario: "ex9.2" });
      for (const n of ["node1", "node2", "node3"]) await run(lab, n, "drbdadm create-md r0 && drbdadm up r0");
      await run(lab, "node1", "drbdadm primary --force r0");
      await lab.advance(30_000);
      await run(lab, "node1", "mkfs.ext4 -q /dev/drbd0 && drbdadm secondary r0");
      await run(lab, "node1", "pcs host auth node1 node2 node3 -u hacluster -p x");
      const setup = await run(lab, "node1", "pcs cluster setup c node1 node2 node3 --start");
      expect(setup.exitCode).toBe(0);
      expect((await run(lab, "node2", "cat /etc/corosync/corosync.conf")).stdout).not.toContain("two_node");
      await run(lab, "node1", "pcs property set stonith-enabled=false");
      await run(lab, "node1", "pcs resource create drbd_r0 ocf:linbit:drbd drbd_resource=r0 promotable clone-max=3");
      await run(
        lab,
        "node1",
        "pcs resource create fs_drbd Filesystem device=/dev/drbd0 directory=/mnt/drbd fstype=ext4",
      );
      await run(lab, "node1", "pcs constraint colocation add fs_drbd with Promoted drbd_r0-clone");
      await run(lab, "node1", "pcs constraint order promote drbd_r0-clone then start fs_drbd");
      await lab.advance(3000);
      expect((await run(lab, "node1", "pcs status resources")).stdout).toContain(
        "    * Promoted: [ node1 ]\n    * Unpromoted: [ node2 node3 ]\n",
      );
      for (const ip of ["172.28.0.12", "172.28.0.13"])
        await run(lab, "node1", `iptables -A INPUT -s ${ip} -j DROP; iptables -A OUTPUT -d ${ip} -j DROP`);
      await lab.advance(20_000);
      const alone = (await run(lab, "node1", "pcs status")).stdout;
      expect(alone).toContain("partition WITHOUT quorum");
      expect(alone).toContain("  * Online: [ node1 ]\n  * OFFLINE: [ node2 node3 ]\n");
      expect((await run(lab, "node1", "mount")).stdout).not.toContain("/dev/drbd0");
      const majority = (await run(lab, "node2", "pcs status")).stdout;
      expect(majority).toContain("partition with quorum");
      expect(majority).toContain("    * Promoted: [ node2 ]\n    * Unpromoted: [ node3 ]\n    * Stopped: [ node1 ]\n");
      expect((await run(lab, "node2", "drbdadm role r0")).stdout).toBe("Primary\n");
    },
    T,
  );
});
