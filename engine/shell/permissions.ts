/**
 * Unix write permissions for non-root users (root bypasses them, as with CAP_DAC_OVERRIDE).
 * just-bash has no users; the shell knows who runs a command and LabFs knows owners and
 * modes, so writes are checked here and refused with EACCES like the kernel does.
 */
import { GROUPS, groupByName, userByName } from "../world/default-files";

export interface Identity {
  user: string;
  group: string;
}

/** Error shaped like Node's fs errors; just-bash prints its message after the command name. */
export function permissionDenied(path: string): Error {
  const e = new Error("Permission denied") as Error & { code: string; path: string };
  e.code = "EACCES";
  e.path = path;
  return e;
}

/** May `who` write an object with this owner and mode (the w bit of the matching class)? */
export function canWrite(who: Identity, owner: Identity, mode: number): boolean {
  if (who.user === "root") return true;
  if (owner.user === who.user) return (mode & 0o200) !== 0;
  if (inGroup(who, owner.group)) return (mode & 0o020) !== 0;
  return (mode & 0o002) !== 0;
}

/** May `who` read an object (the r bit), or search a directory (the x bit)? */
export function canAccess(who: Identity, owner: Identity, mode: number, bit: 4 | 1): boolean {
  if (who.user === "root") return true;
  const bits = owner.user === who.user ? (mode >> 6) & 7 : inGroup(who, owner.group) ? (mode >> 3) & 7 : mode & 7;
  return (bits & bit) !== 0;
}

/** May `who` create or remove entries in a directory (w and x)? Sticky dirs limit removal. */
export function canModifyDir(who: Identity, owner: Identity, mode: number): boolean {
  if (who.user === "root") return true;
  const bits = owner.user === who.user ? (mode >> 6) & 7 : inGroup(who, owner.group) ? (mode >> 3) & 7 : mode & 7;
  return (bits & 3) === 3;
}

function inGroup(who: Identity, group: string): boolean {
  if (who.group === group) return true;
  const u = userByName(who.user);
  const g = groupByName(group);
  if (!u || !g) return false;
  return u.gid === g.gid || (GROUPS.find((x) => x.gid === g.gid)?.members ?? []).includes(who.user);
}
