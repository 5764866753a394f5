/**
 * A lab node: one Docker container of the compose project. Besides the LabNode contract it
 * keeps Docker's bookkeeping (container id, creation/start/finish times, exit code).
 */

import type { IFileSystem } from "just-bash";
import type { BlockDevice } from "../block/types";
import type { Clock } from "../core/clock";
import { LabFs } from "../shell/lab-fs";
import { RingKernelLog } from "./kernel-log";
import type { ContainerState, LabNode, MountEntry } from "./types";

export class Node implements LabNode {
  readonly container: string;
  state: ContainerState = "created";
  bootCount = 0;
  readonly fs: LabFs;
  readonly blockDevices = new Map<string, BlockDevice>();
  readonly dmesg: RingKernelLog;
  mounts: MountEntry[] = [];

  /** Does the container exist (`docker-compose up` created it, `down` removes it)? */
  exists = false;
  /** The root filesystem was wiped by `docker rm` and must be laid again on creation. */
  imageMissing = true;
  /** 64 hex digits; `docker ps` shows the first 12. Drawn from the seeded RNG at creation. */
  containerId = "";
  createdAtUs = 0;
  startedAtUs = 0;
  finishedAtUs = 0;
  exitCode = 0;
  /** What the container printed on stdout/stderr (`docker logs`). */
  logs: string[] = [];
  /** Last PID handed out in the container (each command line forks). */
  lastPid = 7;

  constructor(
    readonly name: string,
    readonly ip: string,
    clock: Clock,
    readonly site?: string,
  ) {
    this.container = `drbd-${name}`;
    this.fs = new LabFs(clock);
    this.dmesg = new RingKernelLog(clock);
  }

  mountFs(mountpoint: string, fs: IFileSystem): void {
    this.fs.mount(mountpoint, fs);
  }

  unmountFs(mountpoint: string): void {
    if (this.fs.isMountPoint(mountpoint)) this.fs.unmount(mountpoint);
  }

  get running(): boolean {
    return this.exists && this.state === "running";
  }
}
