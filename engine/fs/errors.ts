/**
 * Filesystem errors as just-bash's commands expect them. The POSIX "lookup" errors keep the
 * Node.js shape (`ENOENT: no such file or directory, open '/x'`) because just-bash's commands
 * recognise those codes in the message; the errors a learner should read verbatim (read-only
 * mount, full disk, I/O error) carry the kernel's strerror text alone, so that `touch` prints
 * `touch: cannot touch 'x': Read-only file system` like coreutils.
 */
export type FsErrno =
  | "ENOENT"
  | "EEXIST"
  | "ENOTDIR"
  | "EISDIR"
  | "ENOTEMPTY"
  | "EINVAL"
  | "EPERM"
  | "ELOOP"
  | "EROFS"
  | "ENOSPC"
  | "EIO"
  | "EBUSY";

const NODE_TEXT: Partial<Record<FsErrno, string>> = {
  ENOENT: "no such file or directory",
  EEXIST: "file already exists",
  ENOTDIR: "not a directory",
  EISDIR: "illegal operation on a directory",
  ENOTEMPTY: "directory not empty",
  EINVAL: "invalid argument",
  EPERM: "operation not permitted",
  ELOOP: "too many levels of symbolic links",
};

/** strerror(3) texts, as printed by coreutils and bash. */
export const STRERROR: Record<FsErrno, string> = {
  ENOENT: "No such file or directory",
  EEXIST: "File exists",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  ENOTEMPTY: "Directory not empty",
  EINVAL: "Invalid argument",
  EPERM: "Operation not permitted",
  ELOOP: "Too many levels of symbolic links",
  EROFS: "Read-only file system",
  ENOSPC: "No space left on device",
  EIO: "Input/output error",
  EBUSY: "Device or resource busy",
};

export class FsError extends Error {
  readonly code: FsErrno;
  /** Path in the machine's namespace when the filesystem knows its mount point, else relative to it. */
  readonly path: string;

  constructor(code: FsErrno, syscall: string, path: string) {
    const node = NODE_TEXT[code];
    super(node ? `${code}: ${node}, ${syscall} '${path}'` : STRERROR[code]);
    this.name = "FsError";
    this.code = code;
    this.path = path;
  }
}

export function isFsError(e: unknown): e is FsError {
  return e instanceof FsError;
}
