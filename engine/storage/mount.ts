/**
 * mount(8) and umount(8) as util-linux 2.38 behaves, including libmount's retry read-only
 * when the device refuses a read-write open (a DRBD Secondary whose auto-promote fails) and
 * the messages of mnt_context_get_mount_excode(). Exit codes: 32 = MNT_EX_FAIL, 1 = usage,
 * 0 = success.
 */

import { rebindable } from "../core/rebind";
import { BlockFs } from "../fs/block-fs";
import { normalizePath } from "../fs/paths";
import { procMounts } from "../shell/proc-files";
import type { CommandContext, CommandSpec, ExecResult, LabNode } from "../world/types";
import { strerror } from "./errno";
import { absPath, MOUNT_OPENER, type Mounted } from "./registry";
import { type StorageSubsystem, storageClockUs, storageNowMs } from "./storage";

const DMESG_HINT = "       dmesg(1) may have more information after failed mount system call.\n";
const KNOWN_TYPES = new Set(["ext4", "ext3", "ext2", "xfs", "btrfs", "vfat", "tmpfs", "auto"]);

function res(stdout: string, stderr: string, exitCode: number): ExecResult {
  return { stdout, stderr, exitCode };
}

/** A failure after mount(2) was attempted: message plus util-linux 2.38's dmesg hint. */
function sysFail(target: string, msg: string): ExecResult {
  return res("", `mount: ${target}: ${msg}.\n${DMESG_HINT}`, 32);
}

/** Mount options shown in /proc/mounts for a filesystem type. */
export function mountOptions(type: string, readOnly: boolean, user: string[]): string[] {
  const opts = [readOnly ? "ro" : "rw"];
  for (const o of ["nosuid", "nodev", "noexec", "sync"]) if (user.includes(o)) opts.push(o);
  opts.push(user.includes("noatime") ? "noatime" : "relatime");
  if (type === "xfs") opts.push("attr2", "inode64", "logbufs=8", "logbsize=32k", "noquota");
  return opts;
}

function listMounts(node: LabNode, typeFilter?: string): string {
  const lines: string[] = [];
  for (const line of procMounts(node).split("\n")) {
    const [dev, dir, type, opts] = line.split(" ");
    if (!dev || !dir || !type) continue;
    if (typeFilter && type !== typeFilter) continue;
    lines.push(`${dev} on ${dir} type ${type} (${opts ?? ""})`);
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}

interface MountArgs {
  type?: string;
  options: string[];
  positional: string[];
  bad?: string;
}

function parseArgs(args: string[]): MountArgs {
  const out: MountArgs = { options: [], positional: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "-t" || a === "--types") out.type = args[++i];
    else if (a.startsWith("-t") && a.length > 2) out.type = a.slice(2);
    else if (a === "-o" || a === "--options") out.options.push(...(args[++i] ?? "").split(",").filter(Boolean));
    else if (a.startsWith("-o") && a.length > 2) out.options.push(...a.slice(2).split(",").filter(Boolean));
    else if (a === "-r" || a === "--read-only") out.options.push("ro");
    else if (a === "-w" || a === "--rw" || a === "--read-write") out.options.push("rw");
    else if (a === "-v" || a === "-n" || a === "--verbose") continue;
    else if (a.startsWith("-") && a !== "-") out.bad = a;
    else out.positional.push(a);
  }
  return out;
}

async function isDirectory(ctx: CommandContext, p: string): Promise<boolean | null> {
  try {
    return (await ctx.fs.stat(p)).isDirectory;
  } catch {
    return null;
  }
}

export function mountCommand(storage: StorageSubsystem): CommandSpec {
  return {
    name: "mount",
    where: "node",
    async run(ctx) {
      const node = ctx.node;
      if (!node) return res("", "mount: not supported here\n", 1);
      const a = parseArgs(ctx.args);
      if (a.bad) return res("", `mount: unrecognized option '${a.bad}'\nTry 'mount --help' for more information.\n`, 1);
      if (a.options.includes("remount") && a.positional.length >= 1) {
        const ro = a.options.lastIndexOf("ro") > a.options.lastIndexOf("rw");
        return remount(
          storage,
          node,
          normalizePath(absPath(ctx.cwd, a.positional[a.positional.length - 1] as string)),
          ro,
        );
      }
      if (a.positional.length === 0) return res(listMounts(node, a.type), "", 0);
      if (a.positional.length === 1) return res("", `mount: ${a.positional[0]}: can't find in /etc/fstab.\n`, 1);
      if (a.positional.length > 2) return res("", "mount: bad usage\nTry 'mount --help' for more information.\n", 1);
      const device = normalizePath(absPath(ctx.cwd, a.positional[0] as string));
      const target = normalizePath(absPath(ctx.cwd, a.positional[1] as string));
      const shown = a.positional[1] as string;
      const spec = target; // libmount reports the canonical target path
      void shown;
      if (a.type && !KNOWN_TYPES.has(a.type)) return sysFail(spec, `unknown filesystem type '${a.type}'`);
      const explicitRo = a.options.includes("ro") && a.options.lastIndexOf("ro") > a.options.lastIndexOf("rw");
      const explicitRw = a.options.includes("rw") && !explicitRo;

      const targetDir = await isDirectory(ctx, target);
      if (targetDir === null) return sysFail(spec, "mount point does not exist");
      if (!targetDir) return sysFail(spec, "mount point is not a directory");
      const dev = storage.device(node, device);
      if (!dev) {
        const exists = await ctx.fs.exists(device).catch(() => false);
        return sysFail(spec, exists ? `${device} is not a block device` : `special device ${device} does not exist`);
      }
      const same = storage.mounts.byMountpoint(node, target);
      if (same)
        return sysFail(
          spec,
          same.device === device
            ? `${device} already mounted on ${target}`
            : `${device} already mounted or mount point busy`,
        );

      // The same device mounted elsewhere shares its superblock (one BlockFs), as in Linux.
      const shared = storage.mounts.byDevice(node, device)[0];
      let fs: BlockFs;
      let forcedRo = false;
      if (shared) {
        fs = shared.fs;
      } else {
        let mode: "rw" | "ro" = explicitRo ? "ro" : "rw";
        let open = dev.open(mode, MOUNT_OPENER);
        if (!open.ok && open.errno === "EROFS" && mode === "rw" && !explicitRw) {
          // libmount: "write-protected source, trying RDONLY"
          mode = "ro";
          forcedRo = true;
          open = dev.open(mode, MOUNT_OPENER);
        }
        if (!open.ok) {
          if (open.errno === "EBUSY") return sysFail(spec, `${device} already mounted or mount point busy`);
          if (open.errno === "EROFS" || open.errno === "EACCES") {
            return sysFail(
              spec,
              mode === "ro"
                ? `cannot mount ${device} read-only`
                : `${device} is write-protected but explicit read-write mode requested`,
            );
          }
          if (open.errno === "ENXIO") return sysFail(spec, `${device} is not a valid block device`);
          return sysFail(spec, `mount(2) system call failed: ${strerror(open.errno)}`);
        }
        const m = BlockFs.mount(dev, {
          readOnly: mode === "ro",
          nowMs: storageNowMs(storage),
          clockUs: storageClockUs(storage),
          onAbort: onJournalAbort(node, device),
          ...(storage.world.dataQuota ? { quota: storage.world.dataQuota } : {}),
        });
        if (!m.ok || (a.type && a.type !== "auto" && a.type !== m.fs.type)) {
          dev.close(MOUNT_OPENER);
          if (!m.ok && m.why === "io-error") return sysFail(spec, `can't read superblock on ${device}`);
          return sysFail(
            spec,
            `wrong fs type, bad option, bad superblock on ${device}, missing codepage or helper program, or other error`,
          );
        }
        fs = m.fs;
        kernelMountLog(node, device, fs);
      }
      const entry = {
        device,
        mountpoint: target,
        fstype: fs.type,
        options: mountOptions(fs.type, fs.readOnly, a.options),
      };
      const mounted: Mounted = { device, dev, fs, mountpoint: target };
      try {
        storage.mounts.add(node, mounted, entry);
      } catch {
        if (!shared) dev.close(MOUNT_OPENER);
        return sysFail(spec, `${device} already mounted or mount point busy`);
      }
      storage.world.clock.advanceBy(fs.consumeLatencyUs());
      return res("", forcedRo ? `mount: ${spec}: WARNING: source write-protected, mounted read-only.\n` : "", 0);
    },
  };
}

function devName(device: string): string {
  return device.replace(/^\/dev\//, "");
}

function kernelMountLog(node: LabNode, device: string, fs: BlockFs): void {
  const name = devName(device);
  if (fs.type === "xfs") {
    node.dmesg.append(`XFS (${name}): Mounting V5 Filesystem ${fs.uuid}`);
    if (fs.recovered) {
      node.dmesg.append(`XFS (${name}): Starting recovery (logdev: internal)`);
      node.dmesg.append(`XFS (${name}): Ending recovery (logdev: internal)`);
    } else {
      node.dmesg.append(`XFS (${name}): Ending clean mount`);
    }
  } else {
    if (fs.recovered) node.dmesg.append(`EXT4-fs (${name}): recovery complete`);
    node.dmesg.append(
      `EXT4-fs (${name}): mounted filesystem ${fs.uuid} ${fs.readOnly ? "ro" : "r/w"} with ordered data mode. Quota mode: none.`,
    );
  }
}

/** ext4 aborts its journal and remounts read-only; xfs shuts down (K: ext4_handle_error, xfs_do_force_shutdown). */
const onJournalAbort = rebindable(
  "storage.journalAborted",
  (node: LabNode, device: string) => (fs: BlockFs) => journalAborted(node, device, fs),
);

function journalAborted(node: LabNode, device: string, fs: BlockFs): void {
  const name = devName(device);
  if (fs.type === "xfs") {
    node.dmesg.append(`XFS (${name}): log I/O error -5`);
    node.dmesg.append(`XFS (${name}): Filesystem has been shut down due to log error (0x2).`);
    node.dmesg.append(`XFS (${name}): Please unmount the filesystem and rectify the problem(s).`);
    return;
  }
  node.dmesg.append(`Buffer I/O error on dev ${name}, logical block 0, lost sync page write`);
  node.dmesg.append(`Aborting journal on device ${name}-8.`);
  node.dmesg.append(`EXT4-fs error (device ${name}): ext4_journal_check_start:84: comm bash: Detected aborted journal`);
  node.dmesg.append(`EXT4-fs (${name}): Remounting filesystem read-only`);
  for (const e of node.mounts)
    if (e.device === device && e.options[0] === "rw") e.options = ["ro", ...e.options.slice(1)];
}

function kernelUmountLog(node: LabNode, m: Mounted): void {
  const name = devName(m.device);
  if (m.fs.type === "xfs") node.dmesg.append(`XFS (${name}): Unmounting Filesystem ${m.fs.uuid}`);
  else node.dmesg.append(`EXT4-fs (${name}): unmounting filesystem ${m.fs.uuid}.`);
}

function remount(storage: StorageSubsystem, node: LabNode, target: string, ro: boolean): ExecResult {
  const m = storage.mounts.byMountpoint(node, target);
  if (!m) return sysFail(target, "mount point not mounted or bad option");
  if (m.fs.readOnly === ro) return res("", "", 0);
  if (!ro) {
    const open = m.dev.open("rw", "remount");
    if (!open.ok) return sysFail(target, `cannot remount ${m.device} read-write, is write-protected`);
    m.dev.close("remount");
  }
  const again = BlockFs.mount(m.dev, {
    readOnly: ro,
    nowMs: storageNowMs(storage),
    clockUs: storageClockUs(storage),
    ...(storage.world.dataQuota ? { quota: storage.world.dataQuota } : {}),
  });
  if (!again.ok) return sysFail(target, `can't read superblock on ${m.device}`);
  if (ro) m.fs.sync();
  const entry = node.mounts.find((e) => e.mountpoint === target);
  storage.mounts.remove(node, m);
  storage.mounts.add(
    node,
    { ...m, fs: again.fs },
    {
      device: m.device,
      mountpoint: target,
      fstype: again.fs.type,
      options: mountOptions(again.fs.type, ro, entry?.options ?? []),
    },
  );
  return res("", "", 0);
}

/** Unmount one mount point; the device is closed when its last mount goes. */
export function unmount(storage: StorageSubsystem, node: LabNode, m: Mounted): void {
  const others = storage.mounts.byDevice(node, m.device).filter((x) => x !== m);
  if (others.length === 0) {
    try {
      m.fs.unmountClean();
    } catch {
      // The device may have failed (DRBD lost its disk): umount still detaches it.
    }
    kernelUmountLog(node, m);
  }
  storage.mounts.remove(node, m);
  if (others.length === 0) m.dev.close(MOUNT_OPENER);
  storage.world.clock.advanceBy(m.fs.consumeLatencyUs());
}

/** Clean shutdown: every mount goes, most recent first. */
export function unmountAll(storage: StorageSubsystem, node: LabNode): void {
  for (const m of [...storage.mounts.list(node)].reverse()) unmount(storage, node, m);
}

export function umountCommand(storage: StorageSubsystem): CommandSpec {
  return {
    name: "umount",
    where: "node",
    async run(ctx) {
      const node = ctx.node;
      if (!node) return res("", "umount: not supported here\n", 1);
      const targets = ctx.args.filter((x) => !x.startsWith("-"));
      const bad = ctx.args.find((x) => x.startsWith("-") && !["-f", "-l", "-v", "-n", "--force", "--lazy"].includes(x));
      if (bad) return res("", `umount: unrecognized option '${bad}'\nTry 'umount --help' for more information.\n`, 1);
      if (targets.length === 0) return res("", "umount: bad usage\nTry 'umount --help' for more information.\n", 1);
      const lazy = ctx.args.includes("-l") || ctx.args.includes("--lazy");
      let out = "";
      let code = 0;
      for (const t of targets) {
        const p = normalizePath(absPath(ctx.cwd, t));
        const m = storage.mounts.byMountpoint(node, p) ?? storage.mounts.byDevice(node, p).slice(-1)[0];
        if (!m) {
          const exists = await ctx.fs.exists(p).catch(() => false);
          out += exists ? `umount: ${p}: not mounted.\n` : `umount: ${p}: no mount point specified.\n`;
          code = 32;
          continue;
        }
        if (!lazy && storage.busy(node, m.mountpoint, [ctx.cwd])) {
          out += `umount: ${m.mountpoint}: target is busy.\n`;
          code = 32;
          continue;
        }
        unmount(storage, node, m);
      }
      return res("", out, code);
    },
  };
}

/** findmnt (util-linux 2.38) for the node's block-device mounts: TARGET SOURCE FSTYPE OPTIONS. */
export function findmntCommand(storage: StorageSubsystem): CommandSpec {
  return {
    name: "findmnt",
    where: "node",
    async run(ctx) {
      const node = ctx.node;
      if (!node) return res("", "", 1);
      const want = ctx.args.filter((a) => !a.startsWith("-")).map((a) => normalizePath(absPath(ctx.cwd, a)));
      const rows = node.mounts.filter(
        (e) => want.length === 0 || want.includes(e.mountpoint) || want.includes(e.device),
      );
      if (rows.length === 0) return res("", "", 1);
      const cells = rows.map((e) => [e.mountpoint, e.device, e.fstype, e.options.join(",")]);
      const header = ["TARGET", "SOURCE", "FSTYPE", "OPTIONS"];
      const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
      const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i] ?? 0))).join(" ");
      void storage;
      return res(`${[line(header), ...cells.map(line)].join("\n")}\n`, "", 0);
    },
  };
}
