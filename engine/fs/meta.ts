/**
 * In-memory metadata of a mounted filesystem (inode table and directories) and the log
 * operations that change it. The same `applyOp` runs for a live mutation and for the replay
 * of the log at mount time, so the mounted view and the on-disk state cannot drift apart.
 */
import type { Run } from "./allocator";

export type InodeType = "f" | "d" | "l";

export interface Inode {
  ino: number;
  type: InodeType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Wall-clock milliseconds. */
  mtime: number;
  nlink: number;
  /** Data blocks in file order. */
  runs: Run[];
  /** Symlink target. */
  target?: string;
  /** Directory entries: name → inode number. */
  entries?: Map<string, number>;
}

/** Inode attributes as logged (directory entries travel as link/unlink operations). */
export interface InodeAttrs {
  i: number;
  t: InodeType;
  m: number;
  u: number;
  g: number;
  s: number;
  mt: number;
  n: number;
  r: Run[];
  tg?: string;
}

export type MetaOp =
  | { p: InodeAttrs } // put inode
  | { x: number } // drop inode
  | { l: [dir: number, name: string, ino: number] } // link
  | { u: [dir: number, name: string] }; // unlink

export const ROOT_INO = 2; // like ext4

export function toAttrs(n: Inode): InodeAttrs {
  const a: InodeAttrs = {
    i: n.ino,
    t: n.type,
    m: n.mode,
    u: n.uid,
    g: n.gid,
    s: n.size,
    mt: n.mtime,
    n: n.nlink,
    r: n.runs,
  };
  if (n.target !== undefined) a.tg = n.target;
  return a;
}

export class MetaTable {
  readonly inodes = new Map<number, Inode>();
  nextIno = ROOT_INO + 1;

  get(ino: number): Inode | undefined {
    return this.inodes.get(ino);
  }

  applyOp(op: MetaOp): void {
    if ("p" in op) {
      const a = op.p;
      const prev = this.inodes.get(a.i);
      const node: Inode = {
        ino: a.i,
        type: a.t,
        mode: a.m,
        uid: a.u,
        gid: a.g,
        size: a.s,
        mtime: a.mt,
        nlink: a.n,
        runs: a.r.map((r) => [r[0], r[1]]),
      };
      if (a.tg !== undefined) node.target = a.tg;
      if (a.t === "d") node.entries = prev?.entries ?? new Map();
      this.inodes.set(a.i, node);
      if (a.i >= this.nextIno) this.nextIno = a.i + 1;
    } else if ("x" in op) {
      this.inodes.delete(op.x);
    } else if ("l" in op) {
      const [dir, name, ino] = op.l;
      this.inodes.get(dir)?.entries?.set(name, ino);
    } else {
      const [dir, name] = op.u;
      this.inodes.get(dir)?.entries?.delete(name);
    }
  }

  /** Full snapshot: inode attributes plus directory entries. */
  checkpoint(): { next: number; inodes: InodeAttrs[]; dirs: [number, [string, number][]][] } {
    const inodes: InodeAttrs[] = [];
    const dirs: [number, [string, number][]][] = [];
    for (const n of [...this.inodes.values()].sort((a, b) => a.ino - b.ino)) {
      inodes.push(toAttrs(n));
      if (n.entries) dirs.push([n.ino, [...n.entries.entries()]]);
    }
    return { next: this.nextIno, inodes, dirs };
  }

  static fromCheckpoint(c: ReturnType<MetaTable["checkpoint"]>): MetaTable {
    const t = new MetaTable();
    for (const a of c.inodes) t.applyOp({ p: a });
    for (const [dir, entries] of c.dirs) for (const [name, ino] of entries) t.applyOp({ l: [dir, name, ino] });
    t.nextIno = Math.max(t.nextIno, c.next);
    return t;
  }
}
