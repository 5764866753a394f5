/**
 * The typed shape of `lab.state()`: what graders, the cluster view, the replay and the CLI's
 * `--json` read. Plain JSON (it crosses worker threads and is printed), in DRBD's nouns for
 * the DRBD part (engine/drbd/snapshot.ts).
 */
import type { DrbdSnapshot } from "./drbd/snapshot";
import type { ContainerState, MountEntry } from "./world/types";

export type DrbdResourceState = DrbdSnapshot[string][string];
export type DrbdDeviceState = DrbdResourceState["devices"][number];
export type DrbdConnectionState = DrbdResourceState["connections"][number];
export type DrbdPeerDeviceState = DrbdConnectionState["peerDevices"][number];

export interface NodeState {
  container: string;
  exists: boolean;
  state: ContainerState;
  ip: string;
  site?: string;
  bootCount: number;
  containerId: string;
  exitCode: number;
  mounts: MountEntry[];
  blockDevices: string[];
  owners: Record<string, unknown>;
  dmesgLines: number;
}

export interface TerminalState {
  machine: string;
  user: string;
  cwd: string;
  /** 1 at the terminal's own shell; more inside `docker exec`, `su`, `bash`… */
  depth: number;
}

export interface LabState {
  scenario: string;
  seed: number;
  topology: string;
  time: { us: number; wall: string };
  composeNetwork: boolean;
  nodes: Record<string, NodeState>;
  network: unknown;
  /** Each subsystem's snapshot; DRBD's is typed: node → resource → state. */
  subsystems: { drbd?: DrbdSnapshot; [name: string]: unknown };
  terminals: Record<string, TerminalState>;
  pendingTimers: number;
}
