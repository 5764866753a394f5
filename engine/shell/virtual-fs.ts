/**
 * A read-only filesystem whose files are computed when read: /proc (from every subsystem's
 * procFiles()) and /dev (device nodes). Paths are relative to the mount point ("/drbd" for
 * /proc/drbd). Writes fail like a read-only pseudo-filesystem, except to sink files
 * (/dev/null), which swallow everything.
 */
import type { CpOptions, FileContent, FsStat, IFileSystem, MkdirOptions, RmOptions } from "just-bash";

export interface VirtualFile {
  read: () => string;
  mode?: number;
  /** Writes are accepted and discarded (/dev/null). */
  sink?: boolean;
  /** Shown by `ls -l` as a block (b) or character (c) device. */
  device?: "block" | "char";
}

function fsError(code: string, op: string, path: string): Error {
  const text: Record<string, string> = {
    ENOENT: "no such file or directory",
    EROFS: "read-only file system",
    EISDIR: "illegal operation on a directory",
    EACCES: "permission denied",
    ENOTDIR: "not a directory",
  };
  const e = new Error(`${code}: ${text[code] ?? code}, ${op} '${path}'`) as Error & { code: string };
  e.code = code;
  return e;
}

function norm(p: string): string {
  const parts = p.split("/").filter((s) => s !== "" && s !== ".");
  return `/${parts.join("/")}`;
}

export class VirtualFs implements IFileSystem {
  constructor(
    /** Current files by path relative to the mount point ("/drbd", "/net/dev"). */
    private readonly files: () => Map<string, VirtualFile>,
    private readonly mtime: () => Date,
    /** Where it is mounted, so that error messages name the full path. */
    private readonly mountpoint = "",
  ) {}

  private err(code: string, op: string, path: string): Error {
    return fsError(code, op, this.mountpoint + norm(path));
  }

  private lookup(path: string): { kind: "file"; file: VirtualFile } | { kind: "dir" } | undefined {
    const p = norm(path);
    const all = this.files();
    const f = all.get(p);
    if (f) return { kind: "file", file: f };
    if (p === "/") return { kind: "dir" };
    for (const k of all.keys()) if (k.startsWith(`${p}/`)) return { kind: "dir" };
    return undefined;
  }

  /** Device kind of a path, for `ls -l` (b/c in the mode column). */
  deviceKind(path: string): "block" | "char" | undefined {
    const l = this.lookup(path);
    return l?.kind === "file" ? l.file.device : undefined;
  }

  async readFile(path: string): Promise<string> {
    const l = this.lookup(path);
    if (!l) throw this.err("ENOENT", "open", path);
    if (l.kind === "dir") throw this.err("EISDIR", "read", path);
    return l.file.read();
  }
  async readFileBuffer(path: string): Promise<Uint8Array> {
    return new TextEncoder().encode(await this.readFile(path));
  }
  async writeFile(path: string, _content: FileContent): Promise<void> {
    const l = this.lookup(path);
    if (l?.kind === "file" && l.file.sink) return;
    // procfs files without a write handler refuse writers even for root
    throw this.err(l ? "EACCES" : "ENOENT", "open", path);
  }
  async appendFile(path: string, content: FileContent): Promise<void> {
    return this.writeFile(path, content);
  }
  async exists(path: string): Promise<boolean> {
    return this.lookup(path) !== undefined;
  }
  async stat(path: string): Promise<FsStat> {
    const l = this.lookup(path);
    if (!l) throw this.err("ENOENT", "stat", path);
    if (l.kind === "dir")
      return { isFile: false, isDirectory: true, isSymbolicLink: false, mode: 0o40555, size: 0, mtime: this.mtime() };
    // Pseudo files report size 0, like /proc on Linux.
    return {
      isFile: true,
      isDirectory: false,
      isSymbolicLink: false,
      mode: l.file.mode ?? 0o100444,
      size: 0,
      mtime: this.mtime(),
    };
  }
  lstat(path: string): Promise<FsStat> {
    return this.stat(path);
  }
  async mkdir(path: string, _o?: MkdirOptions): Promise<void> {
    throw this.err("EROFS", "mkdir", path);
  }
  async readdir(path: string): Promise<string[]> {
    const p = norm(path);
    const l = this.lookup(p);
    if (!l) throw this.err("ENOENT", "scandir", path);
    if (l.kind === "file") throw this.err("ENOTDIR", "scandir", path);
    const prefix = p === "/" ? "/" : `${p}/`;
    const names = new Set<string>();
    for (const k of this.files().keys())
      if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split("/")[0] as string);
    return [...names].sort();
  }
  async rm(path: string, _o?: RmOptions): Promise<void> {
    throw this.err("EROFS", "rm", path);
  }
  async cp(_s: string, dest: string, _o?: CpOptions): Promise<void> {
    throw this.err("EROFS", "cp", dest);
  }
  async mv(_s: string, dest: string): Promise<void> {
    throw this.err("EROFS", "rename", dest);
  }
  resolvePath(base: string, path: string): string {
    return path.startsWith("/") ? norm(path) : norm(`${base}/${path}`);
  }
  getAllPaths(): string[] {
    return [...this.files().keys()];
  }
  async chmod(path: string): Promise<void> {
    throw this.err("EROFS", "chmod", path);
  }
  async symlink(_t: string, linkPath: string): Promise<void> {
    throw this.err("EROFS", "symlink", linkPath);
  }
  async link(_e: string, newPath: string): Promise<void> {
    throw this.err("EROFS", "link", newPath);
  }
  async readlink(path: string): Promise<string> {
    throw this.err("EINVAL", "readlink", path);
  }
  async realpath(path: string): Promise<string> {
    if (!this.lookup(path)) throw this.err("ENOENT", "realpath", path);
    return norm(path);
  }
  async utimes(path: string): Promise<void> {
    if (!this.lookup(path)) throw this.err("ENOENT", "utime", path);
  }
}
