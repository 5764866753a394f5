/** Public API of the on-block filesystem. */
import type { BlockDevice } from "../block/types";
import type { FsType, Superblock } from "./layout";
import { DevIo, formatDevice } from "./store";

export { BlockFs, type BlockFsOptions, type MountFsResult, type StatFs } from "./block-fs";
export { FsError, isFsError, STRERROR } from "./errors";
export { type FsType, geometryFor, inodeCountFor, type Superblock } from "./layout";
export { probeSuperblock } from "./store";

export type MkfsResult = { ok: true; sb: Superblock; latencyUs: number } | { ok: false; errno: "EIO" };

/** Write a fresh, empty filesystem on the device. */
export function mkfs(
  dev: BlockDevice,
  opts: {
    type: FsType;
    uuid: string;
    label?: string;
    nowMs: number;
    /** The lab's virtual clock (µs): the writes then overlap in the device's queue. */
    clockUs?: () => number;
  },
): MkfsResult {
  const io = new DevIo(dev);
  if (opts.clockUs) io.clockUs = opts.clockUs;
  try {
    const sb = formatDevice(io, opts);
    return { ok: true, sb, latencyUs: io.take() };
  } catch {
    return { ok: false, errno: "EIO" };
  }
}
