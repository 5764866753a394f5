/**
 * `ls` with what just-bash's lacks: owners (LabFs side table or the filesystem's inodes),
 * modes set by chmod, device nodes, link counts and dates from the virtual clock.
 */
import type { FsStat } from "just-bash";
import type { CommandContext, CommandSpec } from "../../world/types";
import type { LabFs } from "../lab-fs";
import { fail, labWorld } from "./util";

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
