/**
 * just-bash rejects `exec()` when the filesystem throws while a redirection opens its target
 * (`echo x > /mnt/drbd/f` on a read-only mount). Real bash prints `bash: PATH: strerror` and
 * the line fails with status 1; the shell layer can turn such a rejection into that result.
 */
import { FsError, STRERROR } from "../fs/errors";
import type { ExecResult } from "../world/types";

export function shellErrorForRejection(e: unknown, shownPath?: string): ExecResult | null {
  if (!(e instanceof FsError)) return null;
  return { stdout: "", stderr: `bash: ${shownPath ?? e.path}: ${STRERROR[e.code]}\n`, exitCode: 1 };
}
