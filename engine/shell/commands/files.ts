/**
 * File commands that need what just-bash does not keep: owners (side table in LabFs) and
 * virtual-clock times: `chown`, `touch`, `stat` (and `ls`, from ls.ts).
 */
import type { FsStat } from "just-bash";
import { groupById, groupByName, userByName } from "../../world/default-files";
import type { CommandContext, CommandSpec, ExecResult } from "../../world/types";
import type { LabFs } from "../lab-fs";
import { lsCommand, modeString } from "./ls";
import { currentUser, fail, labWorld } from "./util";

function labFs(ctx: CommandContext): LabFs {
  return ctx.fs as LabFs;
}

function abs(ctx: CommandContext, p: string): string {
  return ctx.fs.resolvePath(ctx.cwd, p);
}

async function walk(ctx: CommandContext, path: string, fn: (p: string) => void): Promise<void> {
  fn(path);
  const st = await ctx.fs.lstat(path);
  if (!st.isDirectory) return;
  for (const n of await ctx.fs.readdir(path)) await walk(ctx, `${path === "/" ? "" : path}/${n}`, fn);
}

export const chownCommand: CommandSpec = {
  name: "chown",
  where: "node",
  async run(ctx) {
    const recursive = ctx.args.some((a) => a === "-R" || a === "--recursive");
    const rest = ctx.args.filter((a) => !a.startsWith("-"));
    const bad = ctx.args.find((a) => a.startsWith("-") && !["-R", "--recursive", "-v", "-h"].includes(a));
    if (bad) return fail(`chown: invalid option -- '${bad.slice(1, 2)}'\nTry 'chown --help' for more information.`);
    const [spec, ...targets] = rest;
    if (spec === undefined) return fail("chown: missing operand\nTry 'chown --help' for more information.");
    if (targets.length === 0)
      return fail(`chown: missing operand after '${spec}'\nTry 'chown --help' for more information.`);
    const [u, g] = spec.split(/[:.]/);
    const user = u ? userByName(u) : undefined;
    if (u && !user) return fail(`chown: invalid user: '${spec}'`);
    if (g !== undefined && g !== "" && !groupByName(g)) return fail(`chown: invalid group: '${spec}'`);
    const fs = labFs(ctx);
    let err = "";
    for (const t of targets) {
      const path = abs(ctx, t);
      if (!(await fs.exists(path))) {
        err += `chown: cannot access '${t}': No such file or directory\n`;
        continue;
      }
      if (currentUser(ctx) !== "root") {
        err += `chown: changing ownership of '${t}': Operation not permitted\n`;
        continue;
      }
      const apply = (p: string) => {
        const cur = fs.ownerOf(p);
        // "user:" means the user's login group
        const group = g === undefined ? cur.group : g === "" ? (user ? groupById(user.gid) : cur.group) : g;
        fs.setOwner(p, { user: user?.name ?? cur.user, group });
      };
      try {
        if (recursive) await walk(ctx, path, apply);
        else apply(path);
      } catch (e) {
        err += `chown: changing ownership of '${t}': ${/EROFS/.test(String((e as { code?: string }).code ?? e)) ? "Read-only file system" : "Operation not permitted"}\n`;
      }
    }
    return { stdout: "", stderr: err, exitCode: err ? 1 : 0 };
  },
};

function parseTouchDate(ctx: CommandContext, s: string): Date | undefined {
  const nowMs = labWorld(ctx).wallMs();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m)
    return new Date(
      Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)),
    );
  if (s === "now") return new Date(nowMs);
  const at = /^@(\d+)$/.exec(s);
  if (at) return new Date(Number(at[1]) * 1000);
  return undefined;
}

export const touchCommand: CommandSpec = {
  name: "touch",
  where: "both",
  async run(ctx) {
    const fs = labFs(ctx);
    let noCreate = false;
    let when: Date | undefined;
    const files: string[] = [];
    for (let i = 0; i < ctx.args.length; i++) {
      const a = ctx.args[i] as string;
      if (a === "-c" || a === "--no-create") noCreate = true;
      else if (a === "-d" || a === "--date") {
        const v = ctx.args[++i] ?? "";
        when = parseTouchDate(ctx, v);
        if (!when) return fail(`touch: invalid date format '${v}'`);
      } else if (a === "-a" || a === "-m") continue;
      else if (a.startsWith("-") && a !== "-")
        return fail(`touch: invalid option -- '${a.slice(1, 2)}'\nTry 'touch --help' for more information.`);
      else files.push(a);
    }
    if (files.length === 0) return fail("touch: missing file operand\nTry 'touch --help' for more information.");
    let err = "";
    for (const f of files) {
      const path = abs(ctx, f);
      try {
        if (!(await fs.exists(path))) {
          if (noCreate) continue;
          const parent = path.slice(0, path.lastIndexOf("/")) || "/";
          if (!(await fs.exists(parent))) {
            err += `touch: cannot touch '${f}': No such file or directory\n`;
            continue;
          }
          await fs.writeFile(path, "");
        }
        const d = when ?? fs.now();
        await fs.utimes(path, d, d);
      } catch (e) {
        // storage's FsError carries the errno in `code` and strerror as its message
        const code = (e as { code?: unknown }).code;
        const text =
          code === "ENOSPC"
            ? "No space left on device"
            : code === "EIO"
              ? "Input/output error"
              : /EROFS/.test(String(e)) || code === "EROFS"
                ? "Read-only file system"
                : "Permission denied";
        err += `touch: cannot touch '${f}': ${text}\n`;
      }
    }
    return { stdout: "", stderr: err, exitCode: err ? 1 : 0 };
  },
};

const FILE_TYPE = (st: FsStat) =>
  st.isDirectory
    ? "directory"
    : st.isSymbolicLink
      ? "symbolic link"
      : st.size === 0
        ? "regular empty file"
        : "regular file";

function statTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, "0")}000000 +0000`;
}

export const statCommand: CommandSpec = {
  name: "stat",
  where: "both",
  async run(ctx): Promise<ExecResult> {
    const fs = labFs(ctx);
    const fmtIdx = ctx.args.findIndex((a) => a === "-c" || a === "--format" || a.startsWith("--format="));
    let format: string | undefined;
    const args = [...ctx.args];
    if (fmtIdx >= 0) {
      const a = args[fmtIdx] as string;
      format = a.startsWith("--format=") ? a.slice(9) : args[fmtIdx + 1];
      args.splice(fmtIdx, a.startsWith("--format=") ? 1 : 2);
    }
    const files = args.filter((a) => !a.startsWith("-"));
    if (files.length === 0) return fail("stat: missing operand\nTry 'stat --help' for more information.");
    let out = "";
    let err = "";
    for (const f of files) {
      const path = abs(ctx, f);
      if (!(await fs.exists(path))) {
        err += `stat: cannot statx '${f}': No such file or directory\n`;
        continue;
      }
      const st = await fs.lstat(path);
      const o = fs.ownerOf(path);
      const uid = userByName(o.user)?.uid ?? 0;
      const gid = groupByName(o.group)?.gid ?? 0;
      const perm = (st.mode & 0o7777).toString(8).padStart(4, "0");
      const ms = modeString(st.mode, st.isDirectory, st.isSymbolicLink);
      if (format !== undefined) {
        out += `${format.replace(/%([nsUGugaAyYF%])/g, (_, c: string) => {
          switch (c) {
            case "n":
              return f;
            case "s":
              return String(st.size);
            case "U":
              return o.user;
            case "G":
              return o.group;
            case "u":
              return String(uid);
            case "g":
              return String(gid);
            case "a":
              return String(Number.parseInt(perm, 8).toString(8));
            case "A":
              return ms;
            case "y":
              return statTime(st.mtime);
            case "Y":
              return String(Math.floor(st.mtime.getTime() / 1000));
            case "F":
              return FILE_TYPE(st);
            default:
              return "%";
          }
        })}\n`;
        continue;
      }
      const size = st.isDirectory ? 4096 : st.size;
      out += `  File: ${f}\n  Size: ${String(size).padEnd(15)} Blocks: ${String(Math.ceil(size / 4096) * 8).padEnd(10)} IO Block: 4096   ${FILE_TYPE(st)}\n`;
      out += `Device: 0,54\tInode: ${inodeOf(path)}     Links: ${st.isDirectory ? 2 : 1}\n`;
      out += `Access: (${perm}/${ms})  Uid: (${String(uid).padStart(5)}/${o.user.padStart(8)})   Gid: (${String(gid).padStart(5)}/${o.group.padStart(8)})\n`;
      out += `Access: ${statTime(st.mtime)}\nModify: ${statTime(st.mtime)}\nChange: ${statTime(st.mtime)}\n Birth: -\n`;
    }
    return { stdout: out, stderr: err, exitCode: err ? 1 : 0 };
  },
};

/** A stable inode number per path. */
function inodeOf(path: string): number {
  let h = 2166136261;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 16777619);
  return 1_000_000 + ((h >>> 0) % 8_000_000);
}

export const fileCommands = [lsCommand, chownCommand, touchCommand, statCommand];
