/**
 * `drbdmeta` typed by hand (drbd-utils user/shared/drbdmeta.c main): `drbdmeta [--force]
 * MINOR v09 DEVICE internal COMMAND [ARGS]`, the same calls drbdadm makes (meta-cmds.ts).
 * Without enough arguments it prints its usage and exits 20 (print_usage_and_exit).
 */
import { wallClockMs } from "../../core/time";
import type { CommandContext, ExecResult } from "../../world/types";
import type { DrbdKernel } from "../kernel";
import { dumpMd, wipeMd } from "./md-dump";
import { applyAl, createMd, giLine, offlineDstate, offlineInvalidate, offlineOutdate, repairMd } from "./meta-cmds";
import type { RawResult } from "./steps";

/** drbdmeta.c cmds[] with show_in_usage, in its order: name, needs --node-id, arguments. */
const COMMANDS: [string, boolean, string][] = [
  ["get-gi", true, ""],
  ["show-gi", true, ""],
  ["dump-md", false, ""],
  ["dump-superblock", false, "[--output-format={binary,hex,json}]"],
  ["hexdump-superblock", false, ""],
  ["restore-md", false, "file"],
  ["verify-dump", false, "file"],
  ["apply-al", false, ""],
  ["wipe-md", false, ""],
  ["outdate", false, ""],
  ["invalidate", false, ""],
  ["dstate", false, ""],
  ["check-resize", false, ""],
  [
    "create-md",
    false,
    "[--effective-size {val}] [--diskful-peers {val}] [--peer-max-bio-size {val}] [--al-stripes {val}] [--al-stripe-size-kB {val}] [--bitmap-block-size {val}] {max_peers}",
  ],
  ["forget-peer", true, ""],
  ["repair-md", false, "[--tentative]"],
];

function usage(): string {
  const cmds = COMMANDS.map(([n, id, a]) => `  ${n}${id ? " --node-id {val}" : ""} ${a}\n`).join("");
  return `\nUSAGE: drbdmeta [--force] [--quiet] DEVICE FORMAT [FORMAT ARGS...] COMMAND [CMD ARGS...]\n\nFORMATS:\n  v06 minor\n  v07 device index\n  v08 device index\n  v09 device index\n\nCOMMANDS:\n${cmds}`;
}

const out = (r: RawResult): ExecResult => ({ stdout: r.stdout ?? "", stderr: r.stderr ?? "", exitCode: r.exit });

export function drbdmeta(k: DrbdKernel, ctx: CommandContext): ExecResult {
  const node = ctx.node;
  if (!node) return { stdout: "", stderr: "bash: drbdmeta: command not found\n", exitCode: 127 };
  let force = false;
  let nodeId: number | undefined;
  const args: string[] = [];
  // getopt_long moves the options before the other arguments (dump-md prints argv so)
  const opts: string[] = [];
  for (let i = 0; i < ctx.args.length; i++) {
    const a = ctx.args[i] as string;
    if (a === "--force" || a === "-f") {
      force = true;
      opts.push(a);
    } else if (a === "--node-id" || a === "-i") {
      nodeId = Number(ctx.args[++i]);
      opts.push(a, String(ctx.args[i]));
    } else if (a.startsWith("--node-id=")) {
      nodeId = Number(a.slice(10));
      opts.push(a);
    } else if (a === "--quiet" || a === "-q" || a === "--verbose" || a === "-v") opts.push(a);
    else args.push(a);
  }
  if (ctx.args.length < 3) return { stdout: usage(), stderr: "", exitCode: 20 };
  const [dev, format, disk, index, cmd, ...rest] = args;
  const minor = Number(String(dev).replace(/^\/dev\/drbd/, ""));
  if (!Number.isInteger(minor))
    return { stdout: "", stderr: `Cannot determine minor device number of drbd device '${dev}'`, exitCode: 20 };
  if (format !== "v09") return { stdout: "", stderr: `Unknown format '${format ?? ""}'.\n`, exitCode: 20 };
  if (!disk || !index || !cmd) return { stdout: usage(), stderr: "", exitCode: 20 };
  if (index !== "internal" && index !== "flex-internal")
    return { stdout: "", stderr: "drbdmeta: the lab's disks carry internal meta-data only\n", exitCode: 20 };
  const needsId = COMMANDS.find(([n]) => n === cmd)?.[1];
  // drbdmeta.c main: the --node-id checks after the command is known
  if (nodeId !== undefined && needsId === false)
    return { stdout: "", stderr: `The ${cmd} command does not accept the --node-id option\n`, exitCode: 10 };
  if (needsId && (nodeId === undefined || !Number.isInteger(nodeId)))
    return { stdout: "", stderr: `The ${cmd} command requires the --node-id option\n`, exitCode: 10 };
  switch (cmd) {
    case "create-md":
      return out(createMd(k, node, minor, disk, Number(rest[0] ?? 1), force, ctx.stdin));
    case "apply-al":
      return out(applyAl(k, node, minor, disk));
    case "repair-md":
      return out(repairMd(k, node, minor, disk));
    case "dstate":
      return out(offlineDstate(k, node, disk));
    case "outdate":
      return out(offlineOutdate(k, node, minor, disk));
    case "invalidate":
      return out(offlineInvalidate(k, node, minor, disk));
    case "dump-md":
      return out(
        dumpMd(k, node, minor, disk, {
          argv: ["drbdmeta", ...opts, ...args],
          hostname: node.name,
          wallMs: wallClockMs(k.world.clock.now),
          force,
        }),
      );
    case "wipe-md":
      return out(wipeMd(k, node, minor, String(dev), disk, force, ctx.stdin));
    case "get-gi": {
      const bd = node.blockDevices.get(disk);
      const md = bd ? k.md.load(bd) : null;
      if (!md) return { stdout: "", stderr: "No valid meta data found\n", exitCode: 255 };
      return { stdout: `${giLine(md, nodeId as number, false)}\n`, stderr: "", exitCode: 0 };
    }
    default:
      if (COMMANDS.some(([n]) => n === cmd))
        return { stdout: "", stderr: `drbdmeta: '${cmd}' n'est pas simulé dans ce lab\n`, exitCode: 20 };
      return { stdout: "", stderr: `Unknown command '${cmd}'.\n`, exitCode: 20 };
  }
}
