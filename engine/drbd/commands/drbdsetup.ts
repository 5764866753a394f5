/**
 * `drbdsetup` queries on a lab node (drbd-utils user/v9/drbdsetup.c): status, events2 --now,
 * show, role, cstate, dstate. State changes are done through drbdadm.
 */
import type { CommandContext, ExecResult } from "../../world/types";
import type { DrbdKernel } from "../kernel";
import type { Resource } from "../objects";
import { dstateLines, events2, resourceStatus } from "../status";

function showResource(res: Resource): string {
  const c = res.conf;
  let s = `resource "${res.name}" {\n    options {\n        auto-promote      ${c.options.autoPromote ? "yes" : "no"};\n`;
  if (c.options.quorum !== "off") s += `        quorum            ${c.options.quorum};\n`;
  s += `    }\n    _this_host {\n        node-id\t\t\t${res.nodeId};\n`;
  for (const d of res.devices.values()) {
    s += `        volume ${d.vnr} {\n            device\t\t\tminor ${d.minor};\n            disk\t\t\t"${d.backingPath}";\n            meta-disk\t\t\tinternal;\n        }\n`;
  }
  s += "    }\n";
  for (const cn of res.connections.values()) {
    s += `    connection {\n        _peer_node_id ${cn.peerNodeId};\n        path {\n            _this_host ipv4 ${cn.path.localAddress}:${cn.path.localPort};\n            _remote_host ipv4 ${cn.path.peerAddress}:${cn.path.port};\n        }\n        net {\n            _name             "${cn.peerName}";\n`;
    if (cn.net.protocol !== "C") s += `            protocol          ${cn.net.protocol};\n`;
    if (cn.net.allowTwoPrimaries) s += "            allow-two-primaries yes;\n";
    s += "        }\n    }\n";
  }
  return `${s}}\n\n`;
}

export function drbdsetup(k: DrbdKernel, ctx: CommandContext): ExecResult {
  const node = ctx.node;
  if (!node) return { stdout: "", stderr: "bash: drbdsetup: command not found\n", exitCode: 127 };
  const args = ctx.args.filter((a) => !a.startsWith("-"));
  const flags = new Set(ctx.args.filter((a) => a.startsWith("-")));
  const verbose = flags.has("--verbose") || flags.has("-v") || flags.has("-vs") || flags.has("-sv");
  const statistics = flags.has("--statistics") || flags.has("-s") || flags.has("-vs") || flags.has("-sv");
  const [cmd, name, second] = args;
  const all = [...k.resources(node).values()].filter((r) => k.alive(r)).sort((a, b) => a.name.localeCompare(b.name));
  const pick = (n: string | undefined) => (n === undefined || n === "all" ? all : all.filter((r) => r.name === n));
  switch (cmd) {
    case "status": {
      const list = pick(name);
      if (name && name !== "all" && list.length === 0)
        return { stdout: "", stderr: `${name}: No such resource\n`, exitCode: 10 };
      if (list.length === 0) return { stdout: "# No currently configured DRBD found.\n", stderr: "", exitCode: 0 };
      return {
        stdout: list.map((r) => resourceStatus(k, r, { verbose, statistics })).join(""),
        stderr: "",
        exitCode: 0,
      };
    }
    case "events2":
      if (!flags.has("--now"))
        return { stdout: "", stderr: "events2: only --now is supported in the lab\n", exitCode: 20 };
      return { stdout: events2(k, pick(name), statistics), stderr: "", exitCode: 0 };
    case "show":
      return { stdout: pick(name).map(showResource).join(""), stderr: "", exitCode: 0 };
    case "role": {
      const r = pick(name)[0];
      return r
        ? { stdout: `${r.role}\n`, stderr: "", exitCode: 0 }
        : { stdout: "", stderr: `${name ?? ""}: Unknown resource\n`, exitCode: 10 };
    }
    case "cstate": {
      const r = pick(name)[0];
      const c = r ? [...r.connections.values()].find((x) => String(x.peerNodeId) === second) : undefined;
      return c
        ? { stdout: `${c.cstate}\n`, stderr: "", exitCode: 0 }
        : { stdout: "", stderr: `${name ?? ""}: No such connection\n`, exitCode: 10 };
    }
    case "dstate": {
      for (const r of all)
        for (const d of r.devices.values())
          if (String(d.minor) === name)
            return { stdout: `${dstateLines(r)[[...r.devices.keys()].indexOf(d.vnr)]}\n`, stderr: "", exitCode: 0 };
      return { stdout: "", stderr: `${name ?? ""}: No such device\n`, exitCode: 10 };
    }
    default:
      return { stdout: "", stderr: `drbdsetup: unknown command '${cmd ?? ""}'\n`, exitCode: 20 };
  }
}
