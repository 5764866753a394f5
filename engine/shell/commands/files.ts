/**
 * File commands that need what just-bash does not keep: owners (side table in LabFs) and
 * virtual-clock times. `ls` (with a real `-l`), `chown`, `touch`, `stat`.
 */
import type { FsStat } from "just-bash";
import { groupById, groupByName, userByName } from "../../world/default-files";
import type { CommandContext, CommandSpec, ExecResult } from "../../world/types";
import type { LabFs } from "../lab-fs";
import { currentUser, fail, labWorld } from "./util";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function labFs(ctx: CommandContext): LabFs {
  return ctx.fs as LabFs;
}

function abs(ctx: CommandContext, p: string): string {
  return ctx.fs.resolvePath(ctx.cwd, p);
}

/** "drwxr-xr-x" from a mode (type bits included when present). */
export function modeString(mode: number, isDir: boolean, isLink: boolean, device?: "block" | "char"): string {
  const type = isLink ? "l" : isDir ? "d" : device === "block" ? "b" : device === "char" ? "c" : "-";
  const bits = ["r", "w", "x"];
  let s = "";
  for (let i = 8; i >= 0; i--) s += mode & (1 << i) ? (bits[(8 - i) % 3] as string) : "-";
  const chars = s.split("");
  if (mode & 0o4000) chars[2] = chars[2] === "x" ? "s" : "S";
  if (mode & 0o2000) chars[5] = chars[5] === "x" ? "s" : "S";
  if (mode & 0o1000) chars[8] = chars[8] === "x" ? "t" : "T";
  return type + chars.join("");
}

/** ls's date column: "Jan 15 14:30" within six months of now, "Jan 15  2023" otherwise. */
function lsDate(mtime: Date, nowMs: number): string {
  const d = mtime;
  const mon = MONTHS[d.getUTCMonth()] as string;
  const day = String(d.getUTCDate()).padStart(2);
  const recent = Math.abs(nowMs - d.getTime()) < 182.5 * 86400 * 1000;
  if (recent)
    return `${mon} ${day} ${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
  return `${mon} ${day}  ${d.getUTCFullYear()}`;
}

function human(n: number): string {
  if (n < 1024) return String(n);
  const units = ["K", "M", "G", "T", "P"];
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? (Math.ceil(v * 10) / 10).toFixed(1) : Math.ceil(v)}${units[i]}`;
}

interface Entry {
  name: string;
  path: string;
  st: FsStat;
  device?: "block" | "char";
  target?: string;
  /** Hard links: 2 + subdirectories for a directory, 1 for a file. */
  links: number;
}

async function entryOf(ctx: CommandContext, path: string, name: string): Promise<Entry> {
  const fs = labFs(ctx);
  const st = await fs.lstat(path);
  const e: Entry = { name, path, st, links: 1 };
  if (st.isDirectory) {
    e.links = 2;
    try {
      for (const n of await fs.readdir(path))
        if ((await fs.lstat(`${path === "/" ? "" : path}/${n}`)).isDirectory) e.links++;
    } catch {
      // unreadable directory: keep 2
    }
  }
  if (path.startsWith("/dev/")) {
    const w = labWorld(ctx);
    const dev = w.devFiles(ctx.node ? (w.node(ctx.node.name) ?? null) : null).get(path.slice(4))?.device;
    if (dev) e.device = dev;
  }
  if (st.isSymbolicLink) e.target = await fs.readlink(path);
  return e;
}

function sizeCol(e: Entry, h: boolean): string {
  if (e.device === "block") return "8, 1";
  if (e.device === "char") return "1, 3";
  const size = e.st.isDirectory ? 4096 : e.st.size;
  return h ? human(size) : String(size);
}

function longLines(ctx: CommandContext, entries: Entry[], h: boolean, classify: boolean): string[] {
  const fs = labFs(ctx);
  const nowMs = labWorld(ctx).wallMs();
  const rows = entries.map((e) => {
    const o = fs.ownerOf(e.path);
    const name = e.name + (e.target !== undefined ? ` -> ${e.target}` : classify ? suffix(e) : "");
    return [
      modeString(e.st.mode, e.st.isDirectory, e.st.isSymbolicLink, e.device),
      String(e.links),
      o.user,
      o.group,
      sizeCol(e, h),
      lsDate(e.st.mtime, nowMs),
      name,
    ];
  });
  const w = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  return rows.map(
    (r) =>
      `${r[0]} ${(r[1] as string).padStart(w[1] as number)} ${(r[2] as string).padEnd(w[2] as number)} ${(r[3] as string).padEnd(w[3] as number)} ${(r[4] as string).padStart(w[4] as number)} ${r[5]} ${r[6]}`,
  );
}

function suffix(e: Entry): string {
  if (e.st.isDirectory) return "/";
  if (e.st.isSymbolicLink) return "@";
  if (e.st.mode & 0o111) return "*";
  return "";
}

function blocksTotal(entries: Entry[]): number {
  return entries.reduce((a, e) => a + (e.st.isDirectory ? 4 : Math.ceil(e.st.size / 4096) * 4), 0);
}

export const lsCommand: CommandSpec = {
  name: "ls",
  where: "both",
  async run(ctx) {
    const flags = new Set<string>();
    const paths: string[] = [];
    for (const a of ctx.args) {
      if (a === "--all") flags.add("a");
      else if (a === "--almost-all") flags.add("A");
      else if (a === "--human-readable") flags.add("h");
      else if (a === "--directory") flags.add("d");
      else if (a === "--classify") flags.add("F");
      else if (a === "--color" || a.startsWith("--color=")) continue;
      else if (a.startsWith("--"))
        return fail(`ls: unrecognized option '${a}'\nTry 'ls --help' for more information.`, 2);
      else if (a.startsWith("-") && a.length > 1) {
        for (const c of a.slice(1)) {
          if (!"laAhd1trSFRi".includes(c))
            return fail(`ls: invalid option -- '${c}'\nTry 'ls --help' for more information.`, 2);
          flags.add(c);
        }
      } else paths.push(a);
    }
    if (paths.length === 0) paths.push(".");
    const fs = labFs(ctx);
    const long = flags.has("l");
    let out = "";
    let err = "";
    let code = 0;
    const files: Entry[] = [];
    const dirs: string[] = [];
    for (const p of paths) {
      const path = abs(ctx, p);
      if (!(await fs.exists(path))) {
        err += `ls: cannot access '${p}': No such file or directory\n`;
        code = 2;
        continue;
      }
      const st = await fs.stat(path);
      if (st.isDirectory && !flags.has("d")) dirs.push(p);
      else files.push(await entryOf(ctx, path, p));
    }
    const sortEntries = (es: Entry[]) => {
      es.sort(
        (a, b) =>
          (flags.has("t") ? b.st.mtime.getTime() - a.st.mtime.getTime() : 0) ||
          (flags.has("S") ? b.st.size - a.st.size : 0) ||
          cmpName(a.name, b.name),
      );
      if (flags.has("r")) es.reverse();
      return es;
    };
    const render = (es: Entry[]) =>
      long
        ? longLines(ctx, es, flags.has("h"), flags.has("F"))
            .map((l) => `${l}\n`)
            .join("")
        : es.map((e) => `${e.name}${flags.has("F") ? suffix(e) : ""}\n`).join("");
    if (files.length > 0) out += render(sortEntries(files));
    for (const [i, p] of dirs.entries()) {
      const path = abs(ctx, p);
      let names: string[];
      try {
        names = await fs.readdir(path);
      } catch {
        err += `ls: cannot open directory '${p}': Permission denied\n`;
        code = 2;
        continue;
      }
      if (!flags.has("a") && !flags.has("A")) names = names.filter((n) => !n.startsWith("."));
      const es: Entry[] = [];
      for (const n of names) es.push(await entryOf(ctx, `${path === "/" ? "" : path}/${n}`, n));
      sortEntries(es);
      if (flags.has("a")) {
        const parent = path === "/" ? "/" : path.slice(0, path.lastIndexOf("/")) || "/";
        es.unshift(await entryOf(ctx, path, "."), await entryOf(ctx, parent, ".."));
      }
      if (dirs.length > 1 || files.length > 0) out += `${files.length > 0 || i > 0 ? "\n" : ""}${p}:\n`;
      if (long) out += `total ${blocksTotal(es)}\n`;
      out += render(es);
    }
    return { stdout: out, stderr: err, exitCode: code };
  },
};

/** GNU ls in the C locale sorts by bytes; with a UTF-8 locale dots and case are ignored. */
function cmpName(a: string, b: string): number {
  const ka = a.replace(/^\.+/, "").toLowerCase();
  const kb = b.replace(/^\.+/, "").toLowerCase();
  return ka < kb ? -1 : ka > kb ? 1 : a < b ? -1 : a > b ? 1 : 0;
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
