/**
 * The subsystems a lab runs with by default, and the factory for backing disks. Each
 * subsystem team adds its factory here (one line) once it is usable end to end.
 */
import { SparseDisk } from "./block/sparse-disk";
import type { BlockDevice } from "./block/types";
import { drbdSubsystem } from "./drbd";
import { toolboxSubsystem } from "./scripts/index";
import { pacemakerSubsystem } from "./services/pacemaker/index";
import { postgresSubsystem } from "./services/postgres/index";
import { createStorage } from "./storage/index";
import type { LabNode, Subsystem } from "./world/types";

export function defaultSubsystems(): Subsystem[] {
  // DRBD last: at shutdown the filesystems are unmounted before `drbdadm down`
  return [createStorage(), drbdSubsystem(), toolboxSubsystem(), pacemakerSubsystem(), postgresSubsystem()];
}

/** Backing disks (/dev/sda1) for lab nodes: sparse, extent-based, SSD-like performance. */
export const defaultCreateDisk: ((node: LabNode, path: string, sizeBytes: number) => BlockDevice) | undefined = (
  _node,
  path,
  sizeBytes,
) => new SparseDisk(path, sizeBytes);
