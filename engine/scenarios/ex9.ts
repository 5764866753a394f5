/**
 * Starting points of the advanced exercises (workshop chapter 9). Plain data: the registry
 * loads them with its built-ins, so `createLab({ scenario: "ex9.3" })` works from any entry
 * point (CLI, graders, app) without an import for its side effect.
 */
import type { Scenario } from "./registry";

const UP = "host$ cd ~/drbd-workshop && docker-compose up -d\n";

/**
 * 9.3 starts where a Pacemaker deployment starts: DRBD initialised and synced, ext4 created
 * on r0, the resource left Secondary on both nodes so that the cluster manager promotes it
 * (UG9 "Integrating DRBD with Pacemaker clusters": DRBD must not be started by init).
 */
const EX93_SETUP = `node1$ drbdadm create-md r0 && drbdadm up r0
node2$ drbdadm create-md r0 && drbdadm up r0
node1$ drbdadm primary --force r0
wait 30s
node1$ mkfs.ext4 -q /dev/drbd0
node1$ drbdadm secondary r0
node1$ mkdir -p /mnt/drbd
node2$ mkdir -p /mnt/drbd
`;

export const CHAPTER9_SCENARIOS: Scenario[] = [
  {
    id: "ex9.1",
    topology: "two-nodes-two-disks",
    script: UP,
    description:
      "Two nodes, each with a second backing disk /dev/sdb1 (512 MiB) for a second resource r1; r0 configured, nothing initialised.",
  },
  {
    id: "ex9.2",
    topology: "three-nodes",
    base: "three-nodes-running",
    description: "Three nodes up, r0 configured DRBD 9 style (node-id, connection-mesh), not initialised.",
  },
  {
    id: "ex9.3",
    topology: "two-nodes",
    base: "running",
    script: EX93_SETUP,
    description:
      "Two nodes, r0 initialised and synced with ext4 on it, Secondary on both nodes; Pacemaker/Corosync installed, no cluster set up yet.",
  },
  {
    id: "ex9.4",
    topology: "two-sites",
    base: "two-sites-running",
    description:
      "Four nodes on two sites (paris: node1, node2; lyon: node3, node4) linked by a WAN, r0 as a 4-node mesh, not initialised.",
  },
];
