/**
 * df (coreutils 9.1) and sync. The container's own filesystems (overlay root, /dev tmpfs, the
 * host disk behind /etc/hosts) have fixed figures; a mounted BlockFs reports its allocator's.
 */
import { normalizePath } from "../fs/paths";
import type { CommandSpec, ExecResult, LabNode } from "../world/types";
import { dfHuman } from "./human";
import { absPath } from "./registry";
import type { StorageSubsystem } from "./storage";

interface Row {
  source: string;
  type: string;
  /** Bytes. */
  size: number;
  used: number;
  avail: number;
  target: string;
}

const GiB = 1024 ** 3;
/** The Docker host's disk as the container sees it (a 60 GiB root with ~12 GiB used). */
const HOST_DISK = { size: 62_725_787_648, used: 12_584_996_864, avail: 46_924_955_648 };

function baseRows(): Row[] {
  return [
    { source: "overlay", type: "overlay", ...HOST_DISK, target: "/" },
    { source: "tmpfs", type: "tmpfs", size: 64 * 1024 * 1024, used: 0, avail: 64 * 1024 * 1024, target: "/dev" },
    { source: "shm", type: "tmpfs", size: 64 * 1024 * 1024, used: 0, avail: 64 * 1024 * 1024, target: "/dev/shm" },
    { source: "/dev/sda2", type: "ext4", ...HOST_DISK, target: "/etc/hosts" },
  ];
}

function rows(storage: StorageSubsystem, node: LabNode): Row[] {
  const out = baseRows();
  for (const m of storage.mounts.list(node)) {
    const st = m.fs.statfs();
    out.push({
      source: m.device,
      type: st.type,
      size: st.blocks * st.blockSize,
      used: (st.blocks - st.free) * st.blockSize,
      avail: st.avail * st.blockSize,
      target: m.mountpoint,
    });
  }
  return out;
}

function pct(r: Row): string {
  const denom = r.used + r.avail;
  if (r.size === 0 || denom === 0) return "-";
  return `${Math.ceil((r.used * 100) / denom)}%`;
}

/** Lay out columns like df: minimum widths from coreutils' field table, left/right alignment. */
function table(header: string[], body: string[][], left: Set<number>): string {
  const min = header.map((h, i) => (i === 0 ? 14 : h === "Type" ? 4 : h === "Use%" ? 4 : h === "Mounted on" ? 0 : 5));
  const widths = header.map((h, i) => Math.max(min[i] ?? 0, h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : left.has(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join(" ");
  const head = header
    .map((h, i) =>
      i === header.length - 1
        ? h
        : left.has(i) || h === "Filesystem"
          ? h.padEnd(widths[i] ?? 0)
          : h.padStart(widths[i] ?? 0),
    )
    .join(" ");
  return `${[head, ...body.map(line)].join("\n")}\n`;
}

export function dfCommand(storage: StorageSubsystem): CommandSpec {
  return {
    name: "df",
    where: "node",
    async run(ctx): Promise<ExecResult> {
      const node = ctx.node;
      if (!node) return { stdout: "", stderr: "df: cannot read table of mounted file systems\n", exitCode: 1 };
      let human = false;
      let withType = false;
      const paths: string[] = [];
      for (const a of ctx.args) {
        if (a === "-h" || a === "--human-readable") human = true;
        else if (a === "-T" || a === "--print-type") withType = true;
        else if (/^-[hTk]+$/.test(a)) {
          human ||= a.includes("h");
          withType ||= a.includes("T");
        } else if (a.startsWith("-"))
          return {
            stdout: "",
            stderr: `df: invalid option -- '${a.slice(1, 2)}'\nTry 'df --help' for more information.\n`,
            exitCode: 1,
          };
        else paths.push(a);
      }
      const all = rows(storage, node);
      let chosen = all;
      let stderr = "";
      if (paths.length > 0) {
        chosen = [];
        for (const p of paths) {
          const abs = normalizePath(absPath(ctx.cwd, p));
          if (!(await ctx.fs.exists(abs).catch(() => false))) {
            stderr += `df: ${p}: No such file or directory\n`;
            continue;
          }
          const dev = storage.device(node, abs);
          const match = dev
            ? all.find((r) => r.source === abs)
            : [...all]
                .filter((r) => r.target === "/" || abs === r.target || abs.startsWith(`${r.target}/`))
                .sort((a, b) => b.target.length - a.target.length)[0];
          chosen.push(match ?? (all[0] as Row));
        }
      }
      const fmt = (n: number) => (human ? dfHuman(n) : String(Math.ceil(n / 1024)));
      const header = [
        "Filesystem",
        ...(withType ? ["Type"] : []),
        human ? "Size" : "1K-blocks",
        "Used",
        human ? "Avail" : "Available",
        "Use%",
        "Mounted on",
      ];
      const body = chosen.map((r) => [
        r.source,
        ...(withType ? [r.type] : []),
        fmt(r.size),
        fmt(r.used),
        fmt(r.avail),
        pct(r),
        r.target,
      ]);
      const left = new Set<number>([0, ...(withType ? [1] : [])]);
      if (chosen.length === 0) return { stdout: "", stderr, exitCode: 1 };
      return { stdout: table(header, body, left), stderr, exitCode: stderr ? 1 : 0 };
    },
  };
}

export function syncCommand(storage: StorageSubsystem): CommandSpec {
  return {
    name: "sync",
    where: "node",
    async run(ctx) {
      const node = ctx.node;
      if (!node) return { stdout: "", stderr: "", exitCode: 0 };
      let us = 50; // the syscall itself
      const seen = new Set<string>();
      for (const m of storage.mounts.list(node)) {
        if (seen.has(m.device)) continue;
        seen.add(m.device);
        // sync(2) returns once the writes it flushes have completed: with DRBD that is the
        // protocol's acknowledgement point (C: the peer's disk, A: the local send buffer).
        us += m.fs.consumeLatencyUs();
        const r = m.dev.flush({ atUs: storage.world.clock.now + us });
        if (r.ok) us += r.latencyUs;
      }
      storage.world.clock.advanceBy(us);
      return { stdout: "", stderr: "", exitCode: 0 };
    },
  };
}

export { GiB };
