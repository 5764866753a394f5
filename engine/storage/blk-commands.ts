/**
 * Block-device inspection: blockdev, lsblk (util-linux 2.38), blkid, /proc/partitions.
 * Device numbers follow Linux: sd* are major 8 (16 minors per disk), drbd is major 147.
 */
import type { BlockDevice } from "../block/types";
import { probeSuperblock } from "../fs/index";
import { normalizePath } from "../fs/paths";
import type { CommandSpec, ExecResult, LabNode } from "../world/types";
import { lsblkHuman } from "./human";
import { absPath } from "./registry";
import type { StorageSubsystem } from "./storage";

/** A partition starts 1 MiB into its disk (2048 sectors), as fdisk/parted align it. */
const PART_OFFSET = 1024 * 1024;

interface DevInfo {
  name: string;
  major: number;
  minor: number;
  size: number;
  type: "disk" | "part";
  parent?: string;
}

export function devNumbers(path: string): { major: number; minor: number } {
  const name = path.replace(/^\/dev\//, "");
  const drbd = /^drbd(\d+)$/.exec(name);
  if (drbd) return { major: 147, minor: Number(drbd[1]) };
  const sd = /^sd([a-z])(\d*)$/.exec(name);
  if (sd) return { major: 8, minor: ((sd[1] as string).charCodeAt(0) - 97) * 16 + Number(sd[2] || 0) };
  return { major: 7, minor: 0 };
}

/** The node's block devices plus the whole disks their partitions live on. */
function devices(node: LabNode): DevInfo[] {
  const out: DevInfo[] = [];
  const paths = [...node.blockDevices.keys()].sort();
  const disks = new Map<string, number>();
  for (const p of paths) {
    const name = p.replace(/^\/dev\//, "");
    const part = /^(sd[a-z])\d+$/.exec(name);
    if (part) {
      const disk = part[1] as string;
      const size = (node.blockDevices.get(p) as BlockDevice).size();
      disks.set(disk, Math.max(disks.get(disk) ?? 0, size + PART_OFFSET));
    }
  }
  for (const [disk, size] of [...disks.entries()].sort()) {
    out.push({ name: disk, ...devNumbers(disk), size, type: "disk" });
    for (const p of paths) {
      const name = p.replace(/^\/dev\//, "");
      if (name.startsWith(disk) && name !== disk)
        out.push({
          name,
          ...devNumbers(name),
          size: (node.blockDevices.get(p) as BlockDevice).size(),
          type: "part",
          parent: disk,
        });
    }
  }
  for (const p of paths) {
    const name = p.replace(/^\/dev\//, "");
    if (!/^sd[a-z]\d*$/.test(name))
      out.push({ name, ...devNumbers(name), size: (node.blockDevices.get(p) as BlockDevice).size(), type: "disk" });
  }
  return out;
}

export function procPartitions(node: LabNode): string {
  let s = "major minor  #blocks  name\n\n";
  for (const d of devices(node))
    s += `${String(d.major).padStart(4)}  ${String(d.minor).padStart(7)} ${String(Math.floor(d.size / 1024)).padStart(10)} ${d.name}\n`;
  return s;
}

function res(stdout: string, stderr: string, exitCode: number): ExecResult {
  return { stdout, stderr, exitCode };
}

function lsblk(storage: StorageSubsystem, node: LabNode): string {
  const list = devices(node);
  const mountsOf = (name: string) => storage.mounts.byDevice(node, `/dev/${name}`).map((m) => m.mountpoint);
  const rows = list.map((d, i) => {
    const siblingsAfter = list.slice(i + 1).some((x) => x.parent === d.parent);
    const tree = d.parent ? `${siblingsAfter ? "├─" : "└─"}${d.name}` : d.name;
    return [
      tree,
      `${String(d.major).padStart(3)}:${String(d.minor).padEnd(3)}`,
      "0",
      lsblkHuman(d.size),
      "0",
      d.type,
      mountsOf(d.name).join("\n"),
    ];
  });
  const header = ["NAME", "MAJ:MIN", "RM", "SIZE", "RO", "TYPE", "MOUNTPOINTS"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] ?? "")].length)));
  const leftCols = new Set([0, 5, 6]);
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => {
        if (i === cells.length - 1) return c;
        const w = (widths[i] ?? 0) - [...c].length + c.length;
        return leftCols.has(i) || i === 1 ? c.padEnd(w) : c.padStart(w);
      })
      .join(" ")
      .trimEnd();
  return `${[fmt(header), ...rows.map(fmt)].join("\n")}\n`;
}

function blkidLine(dev: BlockDevice, path: string): string | null {
  const o = dev.open("ro", "blkid");
  if (!o.ok) return null;
  const sb = probeSuperblock(dev);
  dev.close("blkid");
  if (!sb) return null;
  const label = sb.label ? `LABEL="${sb.label}" ` : "";
  return `${path}: ${label}UUID="${sb.uuid}" BLOCK_SIZE="${sb.type === "xfs" ? 512 : 4096}" TYPE="${sb.type}"`;
}

export function blockCommands(storage: StorageSubsystem): CommandSpec[] {
  return [
    {
      name: "blockdev",
      where: "node",
      async run(ctx) {
        const node = ctx.node;
        const ops = ctx.args.filter((a) => a.startsWith("--"));
        const target = ctx.args.find((a) => !a.startsWith("-"));
        if (!node || !target || ops.length === 0)
          return res("", "Usage:\n blockdev -V\n blockdev --report [devices]\n blockdev [-v|-q] commands devices\n", 1);
        const path = normalizePath(absPath(ctx.cwd, target));
        const dev = storage.device(node, path);
        if (!dev) return res("", `blockdev: cannot open ${target}: No such file or directory\n`, 1);
        let out = "";
        for (const op of ops) {
          if (op === "--getsize64") out += `${dev.size()}\n`;
          else if (op === "--getsz") out += `${dev.size() / 512}\n`;
          else if (op === "--getss" || op === "--getpbsz") out += "512\n";
          else if (op === "--getbsz") out += "4096\n";
          else if (op === "--getro") out += "0\n";
          else if (op === "--flushbufs") dev.flush();
          else if (op === "--report") {
            out += "RO    RA   SSZ   BSZ        StartSec            Size   Device\n";
            out += `rw   256   512  4096 ${String(/sd[a-z]\d/.test(path) ? 2048 : 0).padStart(15)} ${String(dev.size()).padStart(15)}   ${path}\n`;
          } else return res(out, `blockdev: Unknown command: ${op}\n`, 1);
        }
        return res(out, "", 0);
      },
    },
    {
      name: "lsblk",
      where: "node",
      async run(ctx) {
        if (!ctx.node)
          return res("", "lsblk: failed to access sysfs directory: /sys/dev/block: No such file or directory\n", 32);
        return res(lsblk(storage, ctx.node), "", 0);
      },
    },
    {
      name: "blkid",
      where: "node",
      async run(ctx) {
        const node = ctx.node;
        if (!node) return res("", "", 2);
        const targets = ctx.args.filter((a) => !a.startsWith("-"));
        const paths = targets.length
          ? targets.map((t) => normalizePath(absPath(ctx.cwd, t)))
          : [...node.blockDevices.keys()].sort();
        const lines: string[] = [];
        for (const p of paths) {
          const dev = storage.device(node, p);
          const line = dev ? blkidLine(dev, p) : null;
          if (line) lines.push(line);
        }
        return res(lines.length ? `${lines.join("\n")}\n` : "", "", lines.length ? 0 : 2);
      },
    },
  ];
}
