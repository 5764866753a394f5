/**
 * `sysctl` (procps): read and set kernel parameters. The lab keeps the parameters that
 * matter to DRBD's network path (socket buffer ceilings, TCP auto-tuning bounds) per node;
 * `labctl bench` reads them, so annex C's tuning changes the measured throughput.
 *
 *   sysctl [-n] KEY...       sysctl -a          sysctl -w KEY=VALUE...        sysctl -p [FILE]
 */
import { fail } from "../shell/commands/util";
import type { CommandContext, CommandSpec, ExecResult } from "../world/types";

/** Linux defaults (a 2-vCPU VM with a few GiB of RAM). */
export const SYSCTL_DEFAULTS: Readonly<Record<string, string>> = {
  "net.core.rmem_default": "212992",
  "net.core.rmem_max": "212992",
  "net.core.wmem_default": "212992",
  "net.core.wmem_max": "212992",
  "net.core.netdev_max_backlog": "1000",
  "net.ipv4.tcp_rmem": "4096\t131072\t6291456",
  "net.ipv4.tcp_wmem": "4096\t16384\t4194304",
  "net.ipv4.tcp_congestion_control": "cubic",
  "net.ipv4.tcp_no_metrics_save": "0",
  "net.ipv4.tcp_mtu_probing": "0",
  "vm.dirty_ratio": "20",
  "vm.dirty_background_ratio": "10",
  "vm.swappiness": "60",
  "kernel.hostname": "",
};

const NUMERIC_TRIPLE = new Set(["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]);

/** Per-node parameter tables (what /proc/sys would hold). */
export class SysctlTable {
  private readonly nodes = new Map<string, Map<string, string>>();

  get(node: string, key: string): string | undefined {
    if (key === "kernel.hostname") return node;
    return this.nodes.get(node)?.get(key) ?? SYSCTL_DEFAULTS[key];
  }

  set(node: string, key: string, value: string): void {
    const m = this.nodes.get(node) ?? new Map<string, string>();
    this.nodes.set(node, m);
    m.set(key, value);
  }

  /** Third field of tcp_rmem / tcp_wmem: the auto-tuning ceiling in bytes. */
  tcpMax(node: string, which: "rmem" | "wmem"): number {
    const v = (this.get(node, `net.ipv4.tcp_${which}`) ?? "").trim().split(/\s+/)[2];
    return Number(v);
  }
}

function normalizeKey(k: string): string {
  return k.replace(/\//g, ".");
}

function validValue(key: string, value: string): boolean {
  if (NUMERIC_TRIPLE.has(key)) return /^\d+\s+\d+\s+\d+$/.test(value.trim());
  if (key === "net.ipv4.tcp_congestion_control") return ["cubic", "reno", "bbr"].includes(value);
  return /^\d+$/.test(value.trim());
}

export function sysctlCommand(table: SysctlTable): CommandSpec {
  return {
    name: "sysctl",
    where: "node",
    async run(ctx: CommandContext): Promise<ExecResult> {
      const node = ctx.node?.name ?? "host";
      let out = "";
      let err = "";
      let code = 0;
      // -n: print values only (`sysctl -n net.ipv4.tcp_wmem`)
      const valueOnly = ctx.args[0] === "-n" || ctx.args[0] === "--values";
      const show = (key: string): void => {
        const v = table.get(node, key);
        if (v === undefined) {
          err += `sysctl: cannot stat /proc/sys/${key.replace(/\./g, "/")}: No such file or directory\n`;
          code = 255;
        } else out += valueOnly ? `${v}\n` : `${key} = ${v}\n`;
      };
      const assign = (expr: string): void => {
        const eq = expr.indexOf("=");
        const key = normalizeKey(expr.slice(0, eq).trim());
        const value = expr.slice(eq + 1).trim();
        if (table.get(node, key) === undefined) {
          err += `sysctl: cannot stat /proc/sys/${key.replace(/\./g, "/")}: No such file or directory\n`;
          code = 255;
        } else if (!validValue(key, value)) {
          err += `sysctl: setting key "${key}": Invalid argument\n`;
          code = 255;
        } else {
          const stored = NUMERIC_TRIPLE.has(key) ? value.split(/\s+/).join("\t") : value;
          table.set(node, key, stored);
          out += `${key} = ${value}\n`;
        }
      };
      const args = valueOnly ? ctx.args.slice(1) : ctx.args;
      if (args.length === 0) return fail("\nUsage:\n sysctl [options] [variable[=value] ...]\n", 2);
      if (args[0] === "-a" || args[0] === "--all") {
        for (const k of Object.keys(SYSCTL_DEFAULTS).sort()) show(k);
        return { stdout: out, stderr: err, exitCode: 0 };
      }
      if (args[0] === "-p" || args[0] === "--load" || args[0]?.startsWith("-p")) {
        const file = args[0].length > 2 && args[0] !== "--load" ? args[0].slice(2) : (args[1] ?? "/etc/sysctl.conf");
        let text: string;
        try {
          text = await ctx.fs.readFile(file.startsWith("/") ? file : `${ctx.cwd}/${file}`);
        } catch {
          return fail(`sysctl: cannot open "${file}": No such file or directory`, 255);
        }
        for (const raw of text.split("\n")) {
          const line = raw.trim();
          if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
          if (!line.includes("=")) {
            err += `sysctl: ${file}: line ${text.split("\n").indexOf(raw) + 1}: missing '=' after "${line}"\n`;
            code = 255;
            continue;
          }
          assign(line);
        }
        return { stdout: out, stderr: err, exitCode: code };
      }
      const write = args[0] === "-w" || args[0] === "--write";
      for (const a of write ? args.slice(1) : args) {
        if (a.startsWith("-"))
          return fail(
            `sysctl: invalid option -- '${a.replace(/^-+/, "")}'\nUsage:\n sysctl [options] [variable[=value] ...]`,
            2,
          );
        // procps-ng writes any name=value argument, with or without -w
        if (a.includes("=")) assign(a);
        else show(normalizeKey(a));
      }
      return { stdout: out, stderr: err, exitCode: code };
    },
  };
}
