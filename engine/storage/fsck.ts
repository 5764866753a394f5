/**
 * e2fsck (e2fsprogs 1.47.0) over the lab filesystem: a read-only consistency check of the
 * on-disk metadata (BlockFs.check) with e2fsck's summary line and exit codes
 * (0 clean, 4 errors left uncorrected, 8 operational error).
 */
import { BlockFs } from "../fs/block-fs";
import { probeSuperblock } from "../fs/index";
import { normalizePath } from "../fs/paths";
import type { CommandContext, CommandSpec, ExecResult } from "../world/types";
import { strerror } from "./errno";
import { absPath } from "./registry";
import type { StorageSubsystem } from "./storage";

const BANNER = "e2fsck 1.47.0 (5-Feb-2023)\n";

function res(stdout: string, stderr: string, exitCode: number): ExecResult {
  return { stdout, stderr, exitCode };
}

async function e2fsck(storage: StorageSubsystem, ctx: CommandContext, prog: string): Promise<ExecResult> {
  const node = ctx.node;
  const flags = ctx.args.filter((a) => a.startsWith("-")).join("");
  const target = ctx.args.find((a) => !a.startsWith("-"));
  if (!node || !target)
    return res(
      "",
      `Usage: ${prog} [-panyrcdfktvDFV] [-b superblock] [-B blocksize]\n\t\t[-l|-L bad_blocks_file] [-C fd] [-j external_journal]\n\t\t[-E extended-options] [-z undo_file] device\n`,
      16,
    );
  const path = normalizePath(absPath(ctx.cwd, target));
  const dev = storage.device(node, path);
  if (!dev)
    return res(
      "",
      `${BANNER}${prog}: No such file or directory while trying to open ${target}\nPossibly non-existent device?\n`,
      8,
    );
  const readOnly = flags.includes("n");
  let out = "";
  if (storage.mounts.byDevice(node, path).length > 0) {
    if (!readOnly) return res("", `${BANNER}${path} is mounted.\n${prog}: Cannot continue, aborting.\n\n\n`, 8);
    out += `Warning!  ${path} is mounted.\n`;
  }
  const open = dev.open("ro", "e2fsck");
  if (!open.ok) return res("", `${BANNER}${prog}: ${strerror(open.errno)} while trying to open ${path}\n`, 8);
  try {
    const sb = probeSuperblock(dev);
    const m = sb ? BlockFs.mount(dev, { readOnly: true, nowMs: () => storage.nowMs() }) : null;
    if (sb?.type !== "ext4" || !m?.ok) {
      return res(
        out,
        `${BANNER}ext2fs_open2: Bad magic number in super-block\n${prog}: Superblock invalid, trying backup blocks....\n${prog}: Bad magic number in super-block while trying to open ${path}\n\nThe superblock could not be read or does not describe a valid ext2/ext3/ext4\nfilesystem.\n`,
        8,
      );
    }
    const fs = m.fs;
    const st = fs.statfs();
    const files = 10 + (st.inodes - st.inodesFree);
    const usedBlocks = sb.dataStart + (st.blocks - st.free);
    const summary = `${path}: ${files}/${st.inodes} files`;
    const problems = fs.check();
    const forced = flags.includes("f") || sb.dirty === true || problems.length > 0;
    if (!forced)
      return res(`${out}${summary.replace(": ", ": clean, ")}, ${usedBlocks}/${sb.blocks} blocks\n`, BANNER, 0);
    out +=
      "Pass 1: Checking inodes, blocks, and sizes\nPass 2: Checking directory structure\nPass 3: Checking directory connectivity\nPass 4: Checking reference counts\nPass 5: Checking group summary information\n";
    for (const p of problems) out += `${p}.  Fix? no\n\n`;
    if (problems.length > 0) out += `\n${path}: ********** WARNING: Filesystem still has errors **********\n\n`;
    out += `${summary} (0.0% non-contiguous), ${usedBlocks}/${sb.blocks} blocks\n`;
    return res(out, BANNER, problems.length > 0 ? 4 : 0);
  } finally {
    dev.close("e2fsck");
  }
}

export function fsckCommands(storage: StorageSubsystem): CommandSpec[] {
  return ["e2fsck", "fsck.ext4", "fsck"].map((name) => ({
    name,
    where: "node" as const,
    run: (ctx: CommandContext) => e2fsck(storage, ctx, name === "fsck" ? "fsck.ext4" : name),
  }));
}
