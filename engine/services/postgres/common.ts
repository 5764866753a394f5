/** Helpers shared by the PostgreSQL client and server programs. */
import type { IFileSystem } from "just-bash";
import type { CommandContext, ExecResult } from "../../world/types";
import type { PostgresSubsystem } from "./index";

export function ok(stdout = "", stderr = ""): ExecResult {
  return { stdout, stderr, exitCode: 0 };
}

export function fail(stderr: string, exitCode = 1, stdout = ""): ExecResult {
  return { stdout, stderr: stderr === "" || stderr.endsWith("\n") ? stderr : `${stderr}\n`, exitCode };
}

export function userOf(ctx: CommandContext): string {
  return ctx.session?.user ?? ctx.env.USER ?? "root";
}

export function pgOf(ctx: CommandContext): PostgresSubsystem {
  const s = ctx.world.subsystem<PostgresSubsystem>("postgres");
  if (!s) throw new Error("postgres subsystem missing");
  return s;
}

export function absPath(cwd: string, p: string): string {
  const joined = p.startsWith("/") ? p : `${cwd}/${p}`;
  const parts: string[] = [];
  for (const seg of joined.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join("/")}`;
}

/** Owner of a path when the shell's filesystem keeps owners (LabFs), else undefined. */
export function ownerOf(fs: IFileSystem, path: string): string | undefined {
  const f = fs as IFileSystem & { ownerOf?: (p: string) => { user: string } };
  return typeof f.ownerOf === "function" ? f.ownerOf(path).user : undefined;
}

/** errno name of a filesystem error thrown by just-bash or our filesystems. */
export function errnoOf(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err.code) return err.code;
  const m = /\b(E[A-Z]+)\b/.exec(err.message ?? "");
  return m?.[1] ?? "EIO";
}

export const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EROFS: "Read-only file system",
  ENOSPC: "No space left on device",
  EIO: "Input/output error",
  ENOTDIR: "Not a directory",
  EEXIST: "File exists",
};

export function strerror(e: unknown): string {
  const n = errnoOf(e);
  return STRERROR[n] ?? n;
}

/** Parse getopt-style options: flags with a value take the next arg (or the attached rest). */
export function getopt(
  args: string[],
  withValue: Record<string, string>,
  flags: Record<string, string>,
): { opts: Record<string, string>; rest: string[]; all: Record<string, string[]>; error?: string } {
  const opts: Record<string, string> = {};
  const rest: string[] = [];
  /** Every value of a repeated option, in order (psql runs each -c in turn). */
  const all: Record<string, string[]> = {};
  const set = (k: string, v: string) => {
    opts[k] = v;
    all[k] = [...(all[k] ?? []), v];
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith("--")) {
      const [name, val] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
      const key = withValue[name];
      if (key) {
        const v = val ?? args[++i];
        if (v === undefined) return { opts, rest, all, error: `option '${name}' requires an argument` };
        set(key, v);
      } else if (flags[name]) opts[flags[name] as string] = "1";
      else return { opts, rest, all, error: `unrecognized option '${name}'` };
    } else if (a.startsWith("-") && a.length > 1) {
      const short = a.slice(0, 2);
      const key = withValue[short];
      if (key) {
        const v = a.length > 2 ? a.slice(2) : args[++i];
        if (v === undefined) return { opts, rest, all, error: `option requires an argument -- '${short.slice(1)}'` };
        set(key, v);
      } else {
        // bundled short options (getopt): `-tAc SQL` sets t and A, then c takes the rest or the next arg
        for (let j = 1; j < a.length; j++) {
          const c = a[j] as string;
          const vk = withValue[`-${c}`];
          if (vk) {
            const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
            if (v === undefined) return { opts, rest, all, error: `option requires an argument -- '${c}'` };
            set(vk, v);
            break;
          }
          const k = flags[`-${c}`];
          if (!k) return { opts, rest, all, error: `invalid option -- '${c}'` };
          opts[k] = "1";
        }
      }
    } else rest.push(a);
  }
  return { opts, rest, all };
}
