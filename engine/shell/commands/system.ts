/** System commands: ps, kill, free, apt-get, dmesg. */
import { US_PER_S } from "../../core/clock";
import type { CommandSpec, ProcessInfo } from "../../world/types";
import { MEMORY_KB } from "../proc-files";
import { strftime } from "./time";
import { currentUser, fail, labWorld, ok } from "./util";

// ---- ps -------------------------------------------------------------------------------------

interface Row {
  user: string;
  pid: number;
  vsz: number;
  rss: number;
  tty: string;
  stat: string;
  startUs: number;
  command: string;
}

function hhmm(ctx: Parameters<CommandSpec["run"]>[0], us: number): string {
  return strftime("%H:%M", labWorld(ctx).wallMsAt(us));
}

export const psCommand: CommandSpec = {
  name: "ps",
  where: "node",
  async run(ctx) {
    const w = labWorld(ctx);
    const node = ctx.node ? w.node(ctx.node.name) : undefined;
    if (!node) return fail("ps: not available on this machine");
    const procs: (ProcessInfo & { pid: number; startUs: number })[] = [];
    let next = 20;
    for (const s of w.subsystems)
      for (const p of s.processes?.(node) ?? [])
        procs.push({ ...p, pid: p.pid ?? next++, startUs: p.startUs ?? node.startedAtUs });
    const me = currentUser(ctx);
    const rows: Row[] = [
      {
        user: "root",
        pid: 1,
        vsz: 2788,
        rss: 1024,
        tty: "?",
        stat: "Ss",
        startUs: node.startedAtUs,
        command: "sleep infinity",
      },
      ...procs.map((p) => ({
        user: p.user,
        pid: p.pid,
        vsz: p.vszKb ?? 0,
        rss: p.rssKb ?? 0,
        tty: "?",
        stat: p.stat ?? "S",
        startUs: p.startUs,
        command: p.command,
      })),
      {
        user: "root",
        pid: 7,
        vsz: 4624,
        rss: 3840,
        tty: "pts/0",
        stat: "Ss",
        startUs: node.startedAtUs,
        command: "bash",
      },
    ];
    if (me !== "root")
      rows.push({
        user: me,
        pid: node.lastPid - 1,
        vsz: 4624,
        rss: 3712,
        tty: "pts/0",
        stat: "S",
        startUs: w.clock.now,
        command: "bash",
      });
    const psPid = node.lastPid;
    const args = ctx.args.join(" ");
    const bsd = /^a?u?x?$/.test(args.replace(/[-\s]/g, "")) && args.includes("u");
    rows.push({
      user: me,
      pid: psPid,
      vsz: 7060,
      rss: 1536,
      tty: "pts/0",
      stat: "R+",
      startUs: w.clock.now,
      command: `ps ${args}`.trim(),
    });
    rows.sort((a, b) => a.pid - b.pid);
    const userShort = (u: string) => (u.length > 8 ? `${u.slice(0, 7)}+` : u);
    if (bsd) {
      let out = "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n";
      for (const r of rows) {
        const mem = ((r.rss / MEMORY_KB.total) * 100).toFixed(1);
        out += `${userShort(r.user).padEnd(8)} ${String(r.pid).padStart(7)}  0.0 ${mem.padStart(4)} ${String(r.vsz).padStart(6)} ${String(r.rss).padStart(5)} ${r.tty.padEnd(8)} ${r.stat.padEnd(4)} ${hhmm(ctx, r.startUs)}   0:00 ${r.command}\n`;
      }
      return ok(out);
    }
    if (args === "" || args === "-f" || args === "-ef" || args === "-e") {
      const full = args.includes("f");
      const list = args.includes("e") ? rows : rows.filter((r) => r.tty === "pts/0");
      let out = full ? "UID          PID    PPID  C STIME TTY          TIME CMD\n" : "    PID TTY          TIME CMD\n";
      for (const r of list) {
        out += full
          ? `${r.user.padEnd(8)} ${String(r.pid).padStart(7)} ${String(r.pid === 1 ? 0 : r.pid === 7 || r.tty === "?" ? 1 : 7).padStart(7)}  0 ${hhmm(ctx, r.startUs)} ${r.tty.padEnd(8)} 00:00:00 ${r.command}\n`
          : `${String(r.pid).padStart(7)} ${r.tty.padEnd(8)} 00:00:00 ${r.command
              .split(" ")[0]
              ?.replace(/^\[|\]$/g, "")
              .split("/")
              .pop()}\n`;
      }
      return ok(out);
    }
    return fail(
      `error: unsupported option (BSD syntax)\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).`,
    );
  },
};

// ---- kill -----------------------------------------------------------------------------------

const SIGNALS = [
  "HUP",
  "INT",
  "QUIT",
  "ILL",
  "TRAP",
  "ABRT",
  "BUS",
  "FPE",
  "KILL",
  "USR1",
  "SEGV",
  "USR2",
  "PIPE",
  "ALRM",
  "TERM",
];

export const killCommand: CommandSpec = {
  name: "kill",
  where: "node",
  async run(ctx) {
    const w = labWorld(ctx);
    const node = ctx.node ? w.node(ctx.node.name) : undefined;
    if (!node) return fail("kill: not available on this machine");
    let signal = "TERM";
    const pids: string[] = [];
    const args = [...ctx.args];
    while (args.length > 0) {
      const a = args.shift() as string;
      if (a === "-l" || a === "-L")
        return ok(`${SIGNALS.map((s, i) => `${String(i + 1).padStart(2)}) SIG${s}`).join("\t")}\n`);
      if (a === "-s") signal = (args.shift() ?? "").replace(/^SIG/, "");
      else if (/^-\d+$/.test(a)) signal = SIGNALS[Number(a.slice(1)) - 1] ?? a.slice(1);
      else if (/^-[A-Z]+$/.test(a)) signal = a.slice(1).replace(/^SIG/, "");
      else pids.push(a);
    }
    if (pids.length === 0)
      return fail("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]", 2);
    if (!SIGNALS.includes(signal)) return fail(`bash: kill: ${signal}: invalid signal specification`);
    let err = "";
    for (const p of pids) {
      if (!/^\d+$/.test(p)) {
        err += `bash: kill: ${p}: arguments must be process or job IDs\n`;
        continue;
      }
      const pid = Number(p);
      // PID 1 of a container ignores signals it has no handler for, even SIGKILL from inside.
      if (pid === 1 || pid === 7) continue;
      const handled = w.subsystems.some((s) => s.signal?.(node, pid, signal) === true);
      if (!handled) err += `bash: kill: (${pid}) - No such process\n`;
    }
    return { stdout: "", stderr: err, exitCode: err ? 1 : 0 };
  },
};

// ---- free -----------------------------------------------------------------------------------

export const freeCommand: CommandSpec = {
  name: "free",
  where: "both",
  async run(ctx) {
    const m = MEMORY_KB;
    let div = 1;
    let human = false;
    for (const a of ctx.args) {
      if (a === "-m" || a === "--mebi") div = 1024;
      else if (a === "-g" || a === "--gibi") div = 1024 * 1024;
      else if (a === "-k" || a === "--kibi") div = 1;
      else if (a === "-h" || a === "--human") human = true;
      else return fail(`free: invalid option -- '${a.replace(/^-+/, "").slice(0, 1)}'\n\nUsage:\n free [options]\n`);
    }
    const fmt = (kb: number) => {
      if (!human) return String(Math.floor(kb / div));
      if (kb >= 1024 * 1024) return `${(kb / 1024 / 1024).toFixed(1)}Gi`;
      if (kb >= 1024) return `${Math.round(kb / 1024)}Mi`;
      return `${kb}Ki`;
    };
    const buffCache = m.buffers + m.cached;
    const used = m.total - m.free - buffCache;
    const row = (label: string, vals: number[]) =>
      `${label.padEnd(8)}${vals.map((v) => fmt(v).padStart(12)).join("")}\n`;
    return ok(
      `${"".padEnd(8)}${["total", "used", "free", "shared", "buff/cache", "available"].map((h) => h.padStart(12)).join("")}\n${row("Mem:", [m.total, used, m.free, m.shmem, buffCache, m.available])}${row("Swap:", [m.swapTotal, m.swapTotal - m.swapFree, m.swapFree])}`,
    );
  },
};

// ---- apt-get ----------------------------------------------------------------------------------

/**
 * Packages of the node image, with the versions Ubuntu 22.04 ships; PostgreSQL is the server
 * the lab runs (18.6, engine/services/postgres), so its packages are PGDG's for jammy.
 */
export const INSTALLED: Record<string, string> = {
  "drbd-utils": "9.15.0-1",
  postgresql: "18+287.pgdg22.04+1",
  "postgresql-18": "18.6-1.pgdg22.04+1",
  "postgresql-contrib": "18+287.pgdg22.04+1",
  "postgresql-client": "18+287.pgdg22.04+1",
  pacemaker: "2.1.2-1ubuntu3.3",
  corosync: "3.1.6-1ubuntu1",
  pcs: "0.10.11-2ubuntu3",
  iproute2: "5.15.0-1ubuntu2",
  "iputils-ping": "3:20211215-1",
  iptables: "1.8.7-1ubuntu5.2",
  procps: "2:3.3.17-6ubuntu2.1",
  kmod: "29-1ubuntu1",
  e2fsprogs: "1.46.5-2ubuntu1.1",
  xfsprogs: "5.13.0-1ubuntu2",
  vim: "2:8.2.3995-1ubuntu2.17",
  nano: "6.2-1",
  "net-tools": "1.60+git20181103.0eebece-1ubuntu5",
};

const READING = "Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n";

export const aptGetCommand: CommandSpec = {
  name: "apt-get",
  where: "node",
  async run(ctx) {
    const args = ctx.args.filter((a) => !a.startsWith("-"));
    const [verb, ...pkgs] = args;
    if (verb === undefined) return fail("E: Invalid operation", 100);
    if (currentUser(ctx) !== "root") {
      return fail(
        "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?",
        100,
      );
    }
    const clock = labWorld(ctx).clock;
    if (verb === "update") {
      // The lab has no Internet access: the mirrors cannot be resolved.
      clock.advanceBy(2 * US_PER_S);
      const repos = ["jammy", "jammy-updates", "jammy-backports", "jammy-security"];
      let out = "";
      repos.forEach((r, i) => {
        out += `Err:${i + 1} http://${r === "jammy-security" ? "security" : "archive"}.ubuntu.com/ubuntu ${r} InRelease\n  Temporary failure resolving '${r === "jammy-security" ? "security" : "archive"}.ubuntu.com'\n`;
      });
      out += "Reading package lists... Done\n";
      const warn =
        "W: Failed to fetch http://archive.ubuntu.com/ubuntu/dists/jammy/InRelease  Temporary failure resolving 'archive.ubuntu.com'\nW: Some index files failed to download. They have been ignored, or old ones used instead.\n";
      return { stdout: out, stderr: warn, exitCode: 0 };
    }
    if (verb === "install") {
      if (pkgs.length === 0) return ok(`${READING}0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n`);
      clock.advanceBy(800_000);
      const missing = pkgs.filter((p) => INSTALLED[p.replace(/=.*$/, "")] === undefined);
      if (missing.length > 0)
        return {
          stdout: READING,
          stderr: missing.map((p) => `E: Unable to locate package ${p}\n`).join(""),
          exitCode: 100,
        };
      let out = READING;
      for (const p of pkgs) out += `${p} is already the newest version (${INSTALLED[p]}).\n`;
      return ok(`${out}0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n`);
    }
    if (verb === "remove" || verb === "purge" || verb === "upgrade" || verb === "dist-upgrade") {
      return fail(`E: This lab's image is read-only for packages: 'apt-get ${verb}' is disabled.`, 100, READING);
    }
    return fail(`E: Invalid operation ${verb}`, 100);
  },
};

// ---- dmesg ------------------------------------------------------------------------------------

export function dmesgStamp(uptimeUs: number): string {
  const s = Math.floor(uptimeUs / US_PER_S);
  const frac = Math.floor(uptimeUs % US_PER_S);
  return `[${String(s).padStart(5)}.${String(frac).padStart(6, "0")}]`;
}

export const dmesgCommand: CommandSpec = {
  name: "dmesg",
  where: "both",
  async run(ctx) {
    const w = labWorld(ctx);
    if (!ctx.node || currentUser(ctx) !== "root")
      return fail("dmesg: read kernel buffer failed: Operation not permitted");
    let human = false;
    let clear = false;
    let print = true;
    for (const a of ctx.args) {
      if (a === "-T" || a === "--ctime") human = true;
      else if (a === "-c" || a === "--read-clear") clear = true;
      else if (a === "-C" || a === "--clear") {
        clear = true;
        print = false;
      } else if (a === "-H" || a === "--human" || a === "-L" || a === "--color=never" || a === "-x") continue;
      else
        return fail(
          `dmesg: invalid option -- '${a.replace(/^-+/, "").slice(0, 1)}'\nTry 'dmesg --help' for more information.`,
        );
    }
    const log = ctx.node.dmesg;
    let out = "";
    if (print) {
      for (const e of log.entries()) {
        const stamp = human
          ? `[${strftime("%a %b %e %H:%M:%S %Y", w.wallMsAt(e.timeUs))}]`
          : dmesgStamp(w.kernelUptimeUs(e.timeUs));
        out += `${stamp} ${e.text}\n`;
      }
    }
    if (clear) log.clear();
    return ok(out);
  },
};

export const systemCommands = [psCommand, killCommand, freeCommand, aptGetCommand, dmesgCommand];
