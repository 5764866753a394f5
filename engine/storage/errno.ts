/** strerror(3) for the errnos a block device open or I/O can return (IoErrno and FsError codes). */
import { STRERROR } from "../fs/errors";

const EXTRA: Record<string, string> = {
  EMEDIUMTYPE: "Wrong medium type",
  ENODATA: "No data available",
  ENXIO: "No such device or address",
  EACCES: "Permission denied",
};

export function strerror(errno: string): string {
  return (STRERROR as Record<string, string>)[errno] ?? EXTRA[errno] ?? errno;
}
