/**
 * mkfs.ext4 (e2fsprogs 1.47.0, mke2fs) and mkfs.xfs (xfsprogs 6.1) over a BlockDevice, with
 * their refusals: a mounted device, an existing filesystem without -F/-f, a device whose open
 * fails (a DRBD Secondary: "Wrong medium type" / "Read-only file system").
 */

import type { BlockDevice } from "../block/types";
import { mkfs, probeSuperblock } from "../fs/index";
import { ext4JournalBlocks, inodeCountFor } from "../fs/layout";
import { normalizePath } from "../fs/paths";
import type { CommandContext, CommandSpec, ExecResult, LabNode } from "../world/types";
import { strerror } from "./errno";
import { absPath } from "./registry";
import { type StorageSubsystem, storageClockUs } from "./storage";

const MKE2FS_BANNER = "mke2fs 1.47.0 (5-Feb-2023)\n";
const DONE = "done                            \n";

function res(stdout: string, stderr: string, exitCode: number): ExecResult {
  return { stdout, stderr, exitCode };
}

/** RFC 4122 version-4 UUID from the lab's seeded generator. */
function uuidFrom(storage: StorageSubsystem): string {
  const hex = Array.from({ length: 4 }, () => storage.rng("fs-uuid").nextU32().toString(16).padStart(8, "0")).join("");
  const v = `${hex.slice(0, 12)}4${hex.slice(13, 16)}${((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17)}`;
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20, 32)}`;
}

function ctime(ms: number): string {
  const d = new Date(ms);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** Superblock backup locations of sparse_super: groups 1 and powers of 3, 5, 7. */
function backupGroups(groups: number): number[] {
  const set = new Set<number>();
  if (groups > 1) set.add(1);
  for (const b of [3, 5, 7]) for (let g = b; g < groups; g *= b) set.add(g);
  return [...set].sort((x, y) => x - y);
}

/** The figures mke2fs prints, from the device size (mke2fs.conf: "small" below 512 MiB). */
export function ext4Figures(bytes: number): {
  blockSize: number;
  blocks: number;
  inodes: number;
  journal: number;
  backups: number[];
} {
  const small = bytes < 512 * 1024 * 1024;
  const blockSize = small ? 1024 : 4096;
  const blocks = Math.floor(bytes / blockSize);
  const perGroup = blockSize * 8;
  const groups = Math.ceil(blocks / perGroup);
  const inodeSize = small ? 128 : 256;
  const perTableBlock = blockSize / inodeSize;
  const wanted = small ? Math.floor(bytes / 4096) : inodeCountFor(bytes);
  const ipg = Math.ceil(Math.ceil(wanted / groups) / perTableBlock) * perTableBlock;
  const first = small ? 1 : 0;
  return {
    blockSize,
    blocks,
    inodes: ipg * groups,
    journal: ext4JournalBlocks(blocks),
    backups: backupGroups(groups).map((g) => g * perGroup + first),
  };
}

function wrapBackups(list: number[]): string {
  const lines: string[] = [];
  let line = "";
  list.forEach((b, i) => {
    const item = `${b}${i < list.length - 1 ? ", " : ""}`;
    if (line.length + item.length > 71 && line) {
      lines.push(line.trimEnd());
      line = "";
    }
    line += item;
  });
  if (line) lines.push(line.trimEnd());
  return lines.map((l) => `\t${l}`).join("\n");
}

interface Parsed {
  force: boolean;
  label?: string;
  quiet: boolean;
  device?: string;
  bad?: string;
}

function parse(args: string[], forceFlag: string): Parsed {
  const p: Parsed = { force: false, quiet: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === forceFlag || (forceFlag === "-F" && a === "-FF")) p.force = true;
    else if (a === "-L") p.label = args[++i] ?? "";
    else if (a === "-q") p.quiet = true;
    else if (a === "-t" || a === "-T" || a === "-b" || a === "-N" || a === "-m" || a === "-O" || a === "-E") i++;
    else if (a.startsWith("-")) p.bad = a;
    else if (!p.device) p.device = a;
  }
  return p;
}

async function prepare(
  storage: StorageSubsystem,
  ctx: CommandContext,
  prog: string,
  deviceArg: string,
): Promise<{ node: LabNode; dev: BlockDevice; path: string } | ExecResult> {
  const node = ctx.node;
  const path = normalizePath(absPath(ctx.cwd, deviceArg));
  if (!node) return res("", `${prog}: not supported here\n`, 1);
  const dev = storage.device(node, path);
  if (!dev) {
    if (prog === "mkfs.xfs")
      return res("", `Error accessing specified device ${deviceArg}: No such file or directory\n`, 1);
    return res("", `${MKE2FS_BANNER}The file ${deviceArg} does not exist and no size was specified.\n`, 1);
  }
  return { node, dev, path };
}

function runExt4(
  storage: StorageSubsystem,
  ctx: CommandContext,
  prog: string,
  args: string[],
): Promise<ExecResult> | ExecResult {
  const p = parse(args, "-F");
  if (p.bad)
    return res(
      "",
      `${prog}: invalid option -- '${p.bad.replace(/^-+/, "").slice(0, 1)}'\nUsage: mke2fs [-c|-l filename] [-b block-size] [-C cluster-size]\n\t[-i bytes-per-inode] [-I inode-size] [-J journal-options]\n\t[-G flex-group-size] [-N number-of-inodes] [-d root-directory]\n\t[-m reserved-blocks-percentage] [-o creator-os]\n\t[-g blocks-per-group] [-L volume-label] [-M last-mounted-directory]\n\t[-O feature[,...]] [-r fs-revision] [-E extended-option[,...]]\n\t[-t fs-type] [-T usage-type ] [-U UUID] [-e errors_behavior][-z undo_file]\n\t[-jnqvDFSV] device [blocks-count]\n`,
      1,
    );
  if (!p.device) return res("", "Usage: mke2fs [-c|-l filename] [-b block-size] [-C cluster-size]\n", 1);
  return (async () => {
    const r = await prepare(storage, ctx, prog, p.device as string);
    if ("exitCode" in r) return r;
    const { node, dev, path } = r;
    if (storage.mounts.byDevice(node, path).length > 0)
      return res("", `${MKE2FS_BANNER}${path} is mounted; will not make a filesystem here!\n`, 1);
    // Size probe: a read-only open (a DRBD Secondary next to a Primary refuses it).
    const probe = dev.open("ro", "mkfs-probe");
    if (!probe.ok)
      return res(
        "",
        `${MKE2FS_BANNER}${prog}: ${strerror(probe.errno)} while trying to determine filesystem size\n`,
        1,
      );
    const existing = probeSuperblock(dev);
    dev.close("mkfs-probe");
    let out = "";
    if (existing && !p.force) {
      const ask = `${path} contains a ${existing.type} file system${existing.label ? ` labelled '${existing.label}'` : ""}\n\tcreated on ${ctime(existing.created)}\nProceed anyway? (y,N) `;
      // The banner (stderr) is printed before the question (stdout); the lab returns the two
      // streams separately, so the banner leads stdout whenever stdout has something to say.
      if (!/^y/i.test(ctx.stdin.trim())) return res(MKE2FS_BANNER + ask, "", 1);
      out += MKE2FS_BANNER + ask;
    }
    const banner = out ? "" : MKE2FS_BANNER;
    const open = dev.open("rw", "mkfs");
    if (!open.ok) {
      // e2fsprogs check_mount(): the O_EXCL open fails when DRBD (or anyone) holds the device.
      if (open.errno === "EBUSY")
        return res(out, `${banner}${path} is apparently in use by the system; will not make a filesystem here!\n`, 1);
      return res(out, `${banner}${prog}: ${strerror(open.errno)} while setting up superblock\n`, 1);
    }
    const uuid = uuidFrom(storage);
    const made = mkfs(dev, {
      type: "ext4",
      uuid,
      ...(p.label !== undefined ? { label: p.label } : {}),
      nowMs: storage.nowMs(),
      clockUs: storageClockUs(storage),
    });
    dev.close("mkfs");
    if (!made.ok)
      return res(out, `${banner}${prog}: Input/output error while writing out and closing file system\n`, 1);
    storage.world.clock.advanceBy(made.latencyUs);
    if (p.quiet) return res(out, "", 0);
    const f = ext4Figures(dev.size());
    out += banner;
    out += "Discarding device blocks: done                            \n";
    out += `Creating filesystem with ${f.blocks} ${f.blockSize / 1024}k blocks and ${f.inodes} inodes\n`;
    out += `Filesystem UUID: ${uuid}\n`;
    if (f.backups.length > 0) out += `Superblock backups stored on blocks: \n${wrapBackups(f.backups)}\n\n`;
    out += `Allocating group tables: ${DONE}Writing inode tables: ${DONE}`;
    if (f.journal > 0) out += `Creating journal (${f.journal} blocks): done\n`;
    out += "Writing superblocks and filesystem accounting information: done\n\n";
    return res(out, "", 0);
  })();
}

/** xfsprogs geometry: 4 allocation groups below 4 TiB-ish small devices, 512-byte inodes. */
function xfsReport(path: string, bytes: number): string {
  const blocks = Math.floor(bytes / 4096);
  const agcount = blocks < 4096 * 4 ? 1 : 4;
  const agsize = Math.ceil(blocks / agcount);
  const log = Math.max(854, Math.min(16384, Math.floor(blocks / 16)));
  const col = (s: string) => s.padEnd(23);
  return [
    `meta-data=${col(path)}isize=512    agcount=${agcount}, agsize=${agsize} blks`,
    "         =                       sectsz=512   attr=2, projid32bit=1",
    "         =                       crc=1        finobt=1, sparse=1, rmapbt=0",
    "         =                       reflink=1    bigtime=1 inobtcount=1 nrext64=0",
    `data     =                       bsize=4096   blocks=${blocks}, imaxpct=25`,
    "         =                       sunit=0      swidth=0 blks",
    "naming   =version 2              bsize=4096   ascii-ci=0, ftype=1",
    `log      =internal log           bsize=4096   blocks=${log}, version=2`,
    "         =                       sectsz=512   sunit=0 blks, lazy-count=1",
    "realtime =none                   extsz=4096   blocks=0, rtextents=0",
    "",
  ].join("\n");
}

function runXfs(storage: StorageSubsystem, ctx: CommandContext, args: string[]): Promise<ExecResult> | ExecResult {
  const p = parse(args, "-f");
  if (p.bad) return res("", `mkfs.xfs: invalid option -- '${p.bad.replace(/^-+/, "").slice(0, 1)}'\n`, 1);
  if (!p.device) return res("", "no device name given in argument list\n", 1);
  return (async () => {
    const r = await prepare(storage, ctx, "mkfs.xfs", p.device as string);
    if ("exitCode" in r) return r;
    const { node, dev, path } = r;
    if (storage.mounts.byDevice(node, path).length > 0)
      return res("", `mkfs.xfs: ${path} contains a mounted filesystem\n`, 1);
    const probe = dev.open("ro", "mkfs-probe");
    if (!probe.ok) return res("", `mkfs.xfs: cannot open ${path}: ${strerror(probe.errno)}\n`, 1);
    const existing = probeSuperblock(dev);
    dev.close("mkfs-probe");
    if (existing && !p.force) {
      return res(
        "",
        `mkfs.xfs: ${path} appears to contain an existing filesystem (${existing.type}).\nmkfs.xfs: Use the -f option to force overwrite.\n`,
        1,
      );
    }
    const open = dev.open("rw", "mkfs");
    if (!open.ok)
      return res(
        "",
        `mkfs.xfs: cannot open ${path}: ${open.errno === "EBUSY" ? "Device or resource busy" : strerror(open.errno)}\n`,
        1,
      );
    const made = mkfs(dev, {
      type: "xfs",
      uuid: uuidFrom(storage),
      ...(p.label !== undefined ? { label: p.label } : {}),
      nowMs: storage.nowMs(),
      clockUs: storageClockUs(storage),
    });
    dev.close("mkfs");
    if (!made.ok) return res("", `mkfs.xfs: pwrite failed: Input/output error\n`, 1);
    storage.world.clock.advanceBy(made.latencyUs);
    return res(p.quiet ? "" : `Discarding blocks...Done.\n${xfsReport(path, dev.size())}`, "", 0);
  })();
}

export function mkfsCommands(storage: StorageSubsystem): CommandSpec[] {
  const ext = (name: string): CommandSpec => ({
    name,
    where: "node",
    run: (ctx) => Promise.resolve(runExt4(storage, ctx, name, ctx.args)),
  });
  return [
    ext("mkfs.ext4"),
    ext("mke2fs"),
    { name: "mkfs.xfs", where: "node", run: (ctx) => Promise.resolve(runXfs(storage, ctx, ctx.args)) },
    {
      name: "mkfs",
      where: "node",
      run(ctx) {
        const i = ctx.args.indexOf("-t");
        const type = i >= 0 ? ctx.args[i + 1] : "ext2";
        const rest = i >= 0 ? [...ctx.args.slice(0, i), ...ctx.args.slice(i + 2)] : ctx.args;
        if (type === "ext4" || type === "ext3" || type === "ext2")
          return Promise.resolve(runExt4(storage, ctx, `mkfs.${type}`, rest));
        if (type === "xfs") return Promise.resolve(runXfs(storage, ctx, rest));
        return Promise.resolve(res("", `mkfs: failed to execute mkfs.${type}: No such file or directory\n`, 1));
      },
    },
  ];
}
