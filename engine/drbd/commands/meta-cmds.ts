/**
 * drbdmeta as drbdadm calls it (drbd-utils user/shared/drbdmeta.c): create-md with its
 * questions, repair-md, apply-al, offline invalidate/outdate, get-gi/show-gi and dstate from meta-data.
 */
import type { BlockDevice } from "../../block/types";
import { probeSuperblock } from "../../fs/store";
import type { LabNode } from "../../world/types";
import type { DrbdKernel } from "../kernel";
import { type MetaData, mdSizeBytes } from "../metadata";
import { uuidHex } from "../uuid";
import { type RawResult, raw } from "./steps";

export function metaLine(minor: number, disk: string, cmd: string): string {
  return `drbdmeta ${minor} v09 ${disk} internal ${cmd}`;
}

function ppsize(kb: number): string {
  const units = ["KB", "MB", "GB", "TB"];
  let v = kb;
  let i = 0;
  while (v >= 10240 && i < units.length - 1) {
    v = Math.floor(v / 1024);
    i++;
  }
  return `${v} ${units[i]}`;
}

function openDisk(node: LabNode, disk: string): BlockDevice | RawResult {
  const d = node.blockDevices.get(disk);
  return d ?? raw(20, "", `open(${disk}) failed: No such file or directory\n`);
}

/** Is the minor attached in the kernel (drbdmeta refuses to modify the meta-data then)? */
function configured(k: DrbdKernel, node: LabNode, minor: number): boolean {
  return [...k.resources(node).values()].some((r) =>
    [...r.devices.values()].some((d) => d.minor === minor && d.disk !== "Diskless"),
  );
}

export function createMd(
  k: DrbdKernel,
  node: LabNode,
  minor: number,
  disk: string,
  maxPeers: number,
  force: boolean,
  stdin: string,
): RawResult {
  const dev = openDisk(node, disk);
  if ("raw" in dev) return dev;
  if (configured(k, node, minor)) return raw(20, "", `Device '${minor}' is configured!\n`);
  let stdout = "";
  let stderr = "";
  if (k.md.exists(dev)) {
    const mdOffset = dev.size() - 4096;
    stderr += `\nYou want me to create a v09 style flexible-size internal meta data block.\nThere appears to be a v09 flexible-size internal meta data block\nalready in place on ${disk} at byte offset ${mdOffset}\n`;
    stderr += "\nDo you really want to overwrite the existing meta-data?\n";
    if (force) stderr += "*** confirmation forced via --force option ***\n";
    else {
      stderr += "[need to type 'yes' to confirm] ";
      const ok = stdin.trim().startsWith("yes");
      stderr += "\n";
      if (!ok) return raw(1, "Operation cancelled.\n", stderr);
    }
  }
  const fs = existingData(dev, maxPeers, force, stdin);
  stdout += fs.stdout;
  stderr += fs.stderr;
  if (fs.exit !== 0) return raw(fs.exit, stdout, stderr);
  k.md.create(dev, maxPeers);
  // drbdmeta also prints "initializing bitmap (N KB) to all zero" on stderr; the lab's
  // transcript cannot interleave the two streams, so we show stdout as the reference does
  void ppsize(Math.ceil((mdSizeBytes(dev.size(), maxPeers) - 36 * 1024) / 1024));
  stdout += "initializing activity log\n";
  stdout += "Writing meta data...\n";
  stdout += "New drbd meta data block successfully created.\n";
  return raw(0, stdout, stderr);
}

function confirm(question: string, force: boolean, stdin: string): { ok: boolean; stderr: string } {
  let stderr = `\n${question}\n`;
  if (force) return { ok: true, stderr: `${stderr}*** confirmation forced via --force option ***\n` };
  stderr += "[need to type 'yes' to confirm] \n";
  return { ok: stdin.trim().startsWith("yes"), stderr };
}

/** drbdmeta check_for_existing_data(): a filesystem where internal meta-data would go. */
function existingData(dev: BlockDevice, maxPeers: number, force: boolean, stdin: string): RawResult {
  const sb = probeSuperblock(dev);
  if (!sb) return raw(0);
  const size = dev.size();
  const usable = size - mdSizeBytes(size, maxPeers);
  const pad = (n: number) => String(n).padStart(12, " ");
  const fsKb = Math.ceil((sb.blockSize * sb.blocks) / 1024);
  let out = `md_offset ${size - 4096}\nal_offset ${size - 4096 - 32768}\nbm_offset ${usable}\n\nFound ${sb.type === "xfs" ? "xfs filesystem" : "ext3 filesystem"}\n`;
  out += `${pad(fsKb)} kB data area apparently used\n${pad(Math.floor(usable / 1024))} kB left usable by current configuration\n`;
  if (fsKb > Math.floor(usable / 1024)) {
    out +=
      "\nDevice size would be truncated, which\nwould corrupt data and result in\n'access beyond end of device' errors.\nYou need to either\n   * use external meta data (recommended)\n   * shrink that filesystem first\n   * zero out the device (destroy the filesystem)\nOperation refused.\n\n";
    return raw(40, out);
  }
  out +=
    "\nEven though it looks like this would place the new meta data into\nunused space, you still need to confirm, as this is only a guess.\n";
  const c = confirm("Do you want to proceed?", force, stdin);
  if (!c.ok) return raw(1, `${out}Operation canceled.\n`, c.stderr);
  return { raw: true, stdout: out, stderr: c.stderr, exit: 0 };
}

/** apply-al at up/attach: only checks that meta-data exists (the kernel replays the AL on attach). */
export function applyAl(k: DrbdKernel, node: LabNode, minor: number, disk: string): RawResult {
  const dev = openDisk(node, disk);
  if ("raw" in dev) return dev;
  if (configured(k, node, minor)) return raw(20, "", `Device '${minor}' is configured!\n`);
  const md = k.md.load(dev);
  if (!md) return raw(255, "", "No valid meta data found\n");
  // the hot extents go to the bitmap when the kernel attaches (ops-lifecycle attach); the
  // activity log is clean from now on (drbdmeta meta_apply_al sets MDF_AL_CLEAN)
  md.alClean = true;
  return raw(0);
}

/**
 * drbdmeta repair-md (drbd-utils ≥ 9.24, run by drbdadm before apply-al on every attach): puts
 * the day-0 bitmap UUID back in every day-0 peer slot. The lab's meta-data never holds a stale
 * day-0 slot, so there is nothing to repair; it refuses on an attached minor and without meta-data.
 */
export function repairMd(k: DrbdKernel, node: LabNode, minor: number, disk: string): RawResult {
  const dev = openDisk(node, disk);
  if ("raw" in dev) return dev;
  if (configured(k, node, minor)) return raw(20, "", `Device '${minor}' is configured!\n`);
  if (!k.md.exists(dev)) return raw(255, "", "No valid meta data found\n");
  return raw(0);
}

function withMd(
  k: DrbdKernel,
  node: LabNode,
  minor: number,
  disk: string,
  fn: (md: MetaData) => RawResult,
  modifies: boolean,
): RawResult {
  const dev = openDisk(node, disk);
  if ("raw" in dev) return dev;
  if (modifies && configured(k, node, minor)) return raw(20, "", `Device '${minor}' is configured!\n`);
  const md = k.md.load(dev);
  if (!md) return raw(255, "", "No valid meta data found\n");
  return fn(md);
}

export function offlineInvalidate(k: DrbdKernel, node: LabNode, minor: number, disk: string): RawResult {
  return withMd(
    k,
    node,
    minor,
    disk,
    (md) => {
      md.consistent = false;
      md.wasUpToDate = false;
      for (const p of md.peers.values()) p.bitmap.setRange(0, Math.ceil(md.dataSize / 4096));
      return raw(0);
    },
    true,
  );
}

export function offlineOutdate(k: DrbdKernel, node: LabNode, minor: number, disk: string): RawResult {
  return withMd(
    k,
    node,
    minor,
    disk,
    (md) => {
      if (!md.consistent) return raw(5, "", "Disk state is lower than outdated\n");
      md.wasUpToDate = false;
      return raw(0);
    },
    true,
  );
}

/** `get-gi`: CURRENT:BITMAP:HIST1:HIST2:c:u:p:C:f:o:x (USH dt_print_uuids). */
export function giLine(md: MetaData, peerId: number, connected: boolean): string {
  const p = md.peers.get(peerId);
  const b = (v: boolean) => (v ? "1" : "0");
  return `${uuidHex(md.current)}:${uuidHex(p?.bitmapUuid ?? 0n)}:${uuidHex(md.history[0])}:${uuidHex(md.history[1])}:${b(md.consistent)}:${b(md.wasUpToDate)}:${b(md.primary)}:${b(connected)}:0:${b(p?.peerOutdated ?? false)}:${b(md.crashedPrimary)}`;
}

export function showGi(md: MetaData, peerId: number, connected: boolean, flags: string): string {
  return `
       +--<  Current data generation UUID  >-
       |               +--<  Bitmap's base data generation UUID  >-
       |               |                 +--<  younger history UUID  >-
       |               |                 |         +-<  older history  >-
       V               V                 V         V
${giLine(md, peerId, connected)}
                                                                    ^ ^ ^ ^ ^ ^ ^
                                          -<  Data consistency flag  >--+ | | | | | |
                                 -<  Data was/is currently up-to-date  >--+ | | | | |
                                      -<  Node was/is currently primary  >--+ | | | |
                                      -<  Node was/is currently connected  >--+ | | |
             -<  Node was in the progress of setting all bits in the bitmap  >--+ | |
                            -<  The peer's disk was out-dated or inconsistent  >--+ |
          -<  This node was a crashed primary, and has not seen its peer since   >--+

flags: ${flags}
meta-data: ${md.primary ? "need apply-al" : "clean"}
`.slice(1);
}

/** dstate of a resource that is down: from the meta-data flags (USH meta_dstate). */
export function offlineDstate(k: DrbdKernel, node: LabNode, disk: string): RawResult {
  const dev = node.blockDevices.get(disk);
  const md = dev ? k.md.load(dev) : null;
  if (!md) return raw(255, "", "No valid meta data found\n");
  const allOutdated = [...md.peers.values()].length > 0 && [...md.peers.values()].every((p) => p.peerOutdated);
  const s = !md.consistent ? "Inconsistent" : !md.wasUpToDate ? "Outdated" : allOutdated ? "UpToDate" : "Consistent";
  return raw(0, `${s}\n`);
}
