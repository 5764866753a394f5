import { SparseDisk } from "../../engine/block/sparse-disk";
import { DrbdSubsystem } from "../../engine/drbd/index";
import { setLabEngineOptions } from "./context";

/**
 * Tests wire the DRBD subsystem explicitly, as engine/drbd/testkit.ts does, while the engine's
 * defaultSubsystems() does not include it yet. Drop this once the engine registers DRBD (and
 * storage) by default: production grading uses the defaults.
 */
export function wireDrbdEngineForTests(): void {
  setLabEngineOptions(() => ({
    subsystems: [new DrbdSubsystem()],
    createDisk: (_n, path, size) => new SparseDisk(path, size),
  }));
}
