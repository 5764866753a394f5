/**
 * Traffic control and packet filtering on a node: `tc qdisc … netem` (delay, jitter, loss,
 * rate on eth0's egress) and `iptables` (filter table: -A/-I/-D/-F/-L/-S/-P). Both change
 * the network model, which notifies DRBD.
 */

import { type Chain, type FilterRule, isValidAddressSpec, type Netem } from "../../world/network";
import type { CommandContext, CommandSpec, ExecResult } from "../../world/types";
import { currentUser, fail, labWorld, ok } from "./util";

// ---- tc --------------------------------------------------------------------------------------

/** "50ms", "1s", "200us", "10" (tc's default unit is µs). */
function parseTime(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(s|sec|secs|ms|msec|msecs|us|usec|usecs)?$/.exec(s);
  if (!m) return undefined;
  const v = Number(m[1]);
  const u = m[2] ?? "us";
  if (u.startsWith("s")) return Math.round(v * 1_000_000);
  if (u.startsWith("ms")) return Math.round(v * 1000);
  return Math.round(v);
}

/** "10mbit", "1gbit", "500kbit", "1mbps" (bytes): bytes per second. */
function parseRate(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)?$/i.exec(s);
  if (!m) return undefined;
  const v = Number(m[1]);
  const unit = (m[2] ?? "bit").toLowerCase();
  const mult: Record<string, number> = {
    bit: 1 / 8,
    kbit: 1000 / 8,
    mbit: 1e6 / 8,
    gbit: 1e9 / 8,
    bps: 1,
    kbps: 1000,
    mbps: 1e6,
    gbps: 1e9,
  };
  return v * (mult[unit] as number);
}

function fmtTime(us: number): string {
  if (us >= 1_000_000 && us % 1_000_000 === 0) return `${us / 1_000_000}s`;
  if (us >= 1000) return `${Number((us / 1000).toFixed(3))}ms`;
  return `${us}us`;
}

function fmtRate(bps: number): string {
  const bits = bps * 8;
  if (bits >= 1e9) return `${Number((bits / 1e9).toFixed(3))}Gbit`;
  if (bits >= 1e6) return `${Number((bits / 1e6).toFixed(3))}Mbit`;
  if (bits >= 1e3) return `${Number((bits / 1e3).toFixed(3))}Kbit`;
  return `${bits}bit`;
}

function parseNetem(words: string[]): Netem | string {
  const n: Netem = { delayUs: 0, jitterUs: 0, loss: 0 };
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === "delay") {
      const d = parseTime(words[i + 1] ?? "");
      if (d === undefined) return `Illegal "latency"`;
      n.delayUs = d;
      i++;
      const j = words[i + 1] !== undefined ? parseTime(words[i + 1] as string) : undefined;
      if (j !== undefined) {
        n.jitterUs = j;
        i++;
        // optional correlation percentage
        if (/^\d+(\.\d+)?%$/.test(words[i + 1] ?? "")) i++;
      }
    } else if (w === "loss") {
      let v = words[i + 1] ?? "";
      if (v === "random") {
        i++;
        v = words[i + 1] ?? "";
      }
      const m = /^(\d+(?:\.\d+)?)%?$/.exec(v);
      if (!m || Number(m[1]) > 100) return `Illegal "loss percent"`;
      n.loss = Number(m[1]) / 100;
      i++;
    } else if (w === "rate") {
      const r = parseRate(words[i + 1] ?? "");
      if (r === undefined) return `Illegal "rate"`;
      n.rateBps = r;
      i++;
    } else if (w === "limit") i++;
    else
      return `What is "${w}"?\nUsage: ... netem [ limit PACKETS ]\n                 [ delay TIME [ JITTER [CORRELATION]]]\n                 [ loss random PERCENT [CORRELATION]]\n                 [ rate RATE [PACKETOVERHEAD] [CELLSIZE] [CELLOVERHEAD]]`;
  }
  return n;
}

function showQdisc(n: Netem | undefined): string {
  if (!n) return "qdisc noqueue 0: root refcnt 2 \n";
  let s = "qdisc netem 8001: root refcnt 2 limit 1000";
  if (n.delayUs > 0) s += ` delay ${fmtTime(n.delayUs)}${n.jitterUs > 0 ? `  ${fmtTime(n.jitterUs)}` : ""}`;
  if (n.loss > 0) s += ` loss ${Number((n.loss * 100).toFixed(4))}%`;
  if (n.rateBps !== undefined) s += ` rate ${fmtRate(n.rateBps)}`;
  return `${s}\n`;
}

export const tcCommand: CommandSpec = {
  name: "tc",
  where: "node",
  async run(ctx) {
    const w = labWorld(ctx);
    const self = ctx.node?.name ?? "host";
    const [obj, verb, ...rest] = ctx.args;
    if (obj === undefined)
      return fail(
        "Usage:\ttc [ OPTIONS ] OBJECT { COMMAND | help }\nwhere  OBJECT := { qdisc | class | filter | chain |\n\t\t    action | monitor | exec }",
        0,
      );
    if (obj !== "qdisc" && obj !== "q") return fail(`Object "${obj}" is unknown, try "tc help".`);
    if (verb === undefined || ["show", "list", "ls"].includes(verb)) {
      const dev = rest[0] === "dev" ? rest[1] : undefined;
      const lo = "qdisc noqueue 0: dev lo root refcnt 2 \n";
      const eth = showQdisc(w.net.netem(self)).replace("root", "dev eth0 root");
      if (dev === "eth0") return ok(eth);
      if (dev === "lo") return ok(lo);
      if (dev !== undefined) return fail(`Cannot find device "${dev}"`);
      return ok(lo + eth);
    }
    if (currentUser(ctx) !== "root") return fail("RTNETLINK answers: Operation not permitted", 2);
    const devIdx = rest.indexOf("dev");
    const dev = devIdx >= 0 ? rest[devIdx + 1] : undefined;
    if (dev === undefined) return fail('Cannot find device ""', 1);
    if (dev !== "eth0") return fail(`Cannot find device "${dev}"`);
    const words = rest.filter((_, i) => i !== devIdx && i !== devIdx + 1);
    const cur = w.net.netem(self);
    if (verb === "del" || verb === "delete") {
      if (!cur) return fail("Error: Cannot delete qdisc with handle of zero.", 2);
      w.net.setNetem(self, undefined);
      return ok();
    }
    if (!["add", "change", "replace"].includes(verb)) return fail(`Command "${verb}" is unknown, try "tc qdisc help".`);
    if (words[0] !== "root") return fail("Error: Specified qdisc kind is unknown.", 2);
    if (words[1] !== "netem")
      return fail(
        words[1]
          ? `Unknown qdisc "${words[1]}", hence option "${words[2] ?? ""}" is unparsable`
          : "Error: Specified qdisc kind is unknown.",
        words[1] ? 1 : 2,
      );
    const n = parseNetem(words.slice(2));
    if (typeof n === "string") return fail(n);
    if (verb === "add" && cur) return fail("Error: Exclusivity flag on, cannot modify.", 2);
    if (verb === "change" && !cur) return fail("Error: Qdisc not found. To create specify NLM_F_CREATE flag.", 2);
    w.net.setNetem(self, n);
    return ok();
  },
};

// ---- iptables ----------------------------------------------------------------------------------

const IPT = "iptables v1.8.7 (nf_tables)";
const CHAINS: Chain[] = ["INPUT", "FORWARD", "OUTPUT"];

function iptErr(msg: string, code = 2): ExecResult {
  return fail(`${IPT}: ${msg}\nTry \`iptables -h' or 'iptables --help' for more information.`, code);
}

interface ParsedRule {
  rule: FilterRule;
}

/** Parse a rule spec (-s, -d, -p, --dport, --sport, -j, -m, -i/-o). */
function parseSpec(words: string[]): ParsedRule | ExecResult {
  const rule: Partial<FilterRule> = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const v = words[i + 1];
    const need = () => (v === undefined ? iptErr(`option "${w}" requires an argument`) : undefined);
    switch (w) {
      case "-s":
      case "--source":
      case "--src":
      case "-d":
      case "--destination":
      case "--dst": {
        const e = need();
        if (e) return e;
        if (!isValidAddressSpec(v as string)) return iptErr(`host/network \`${v}' not found`);
        if (w.startsWith("-s") || w.startsWith("--s")) rule.source = v as string;
        else rule.destination = v as string;
        i++;
        break;
      }
      case "-p":
      case "--protocol": {
        const e = need();
        if (e) return e;
        if (v === "all") {
          i++;
          break;
        }
        if (v !== "tcp" && v !== "udp" && v !== "icmp") return iptErr(`unknown protocol "${v}" specified`);
        rule.protocol = v;
        i++;
        break;
      }
      case "--dport":
      case "--destination-port":
      case "--sport":
      case "--source-port": {
        if (rule.protocol !== "tcp" && rule.protocol !== "udp") return iptErr(`unknown option "${w}"`);
        const e = need();
        if (e) return e;
        if (!/^\d+$/.test(v as string) || Number(v) > 65535) return iptErr(`invalid port/service \`${v}' specified`);
        if (w.includes("dport") || w.includes("destination")) rule.dport = Number(v);
        else rule.sport = Number(v);
        i++;
        break;
      }
      case "-m":
      case "--match":
        i++;
        break;
      case "-i":
      case "-o":
      case "--in-interface":
      case "--out-interface":
        i++;
        break;
      case "-j":
      case "--jump": {
        const e = need();
        if (e) return e;
        if (v !== "DROP" && v !== "REJECT" && v !== "ACCEPT")
          return fail(
            `${IPT}: Couldn't load target \`${v}':No such file or directory\n\nTry \`iptables -h' or 'iptables --help' for more information.`,
            2,
          );
        rule.target = v;
        i++;
        break;
      }
      case "--reject-with":
        i++;
        break;
      default:
        return iptErr(w.startsWith("-") ? `unknown option "${w}"` : `Bad argument \`${w}'`);
    }
  }
  if (!rule.target) rule.target = undefined;
  return { rule: rule as FilterRule };
}

function addrCol(spec: string | undefined, numeric: boolean, ctx: CommandContext): string {
  if (!spec) return numeric ? "0.0.0.0/0" : "anywhere";
  if (numeric) return spec.replace(/\/32$/, "");
  const ip = spec.replace(/\/32$/, "");
  const h = labWorld(ctx).net.host(ip);
  if (h && h.name !== "host" && !spec.includes("/")) return `drbd-${h.name}.drbd-workshop_drbd_net`;
  return ip;
}

function listChain(ctx: CommandContext, chain: Chain, numeric: boolean, lineNumbers: boolean): string {
  const w = labWorld(ctx);
  const self = ctx.node?.name ?? "host";
  const num = lineNumbers ? "num  " : "";
  let s = `Chain ${chain} (policy ${w.net.policy(self, chain)})\n${num}target     prot opt source               destination         \n`;
  w.net.rules(self)[chain].forEach((r, i) => {
    const prot = r.protocol ?? "all";
    let extra = "";
    if (r.protocol === "tcp" || r.protocol === "udp") {
      const parts = [];
      if (r.sport !== undefined) parts.push(`spt:${r.sport}`);
      if (r.dport !== undefined) parts.push(`dpt:${r.dport}`);
      if (parts.length) extra = ` ${r.protocol} ${parts.join(" ")}`;
    }
    if (r.target === "REJECT") extra += " reject-with icmp-port-unreachable";
    const n = lineNumbers ? String(i + 1).padEnd(5) : "";
    s += `${n}${r.target.padEnd(10)} ${prot.padEnd(4)} --  ${addrCol(r.source, numeric, ctx).padEnd(20)} ${addrCol(r.destination, numeric, ctx).padEnd(20)}${extra}\n`;
  });
  return s;
}

function specOf(r: FilterRule): string {
  let s = "";
  if (r.source) s += ` -s ${r.source.includes("/") ? r.source : `${r.source}/32`}`;
  if (r.destination) s += ` -d ${r.destination.includes("/") ? r.destination : `${r.destination}/32`}`;
  if (r.protocol) s += ` -p ${r.protocol}`;
  if (r.protocol === "tcp" || r.protocol === "udp") {
    if (r.sport !== undefined || r.dport !== undefined) s += ` -m ${r.protocol}`;
    if (r.sport !== undefined) s += ` --sport ${r.sport}`;
    if (r.dport !== undefined) s += ` --dport ${r.dport}`;
  }
  s += ` -j ${r.target}`;
  if (r.target === "REJECT") s += " --reject-with icmp-port-unreachable";
  return s;
}

export const iptablesCommand: CommandSpec = {
  name: "iptables",
  where: "node",
  async run(ctx) {
    const w = labWorld(ctx);
    const self = ctx.node?.name ?? "host";
    if (currentUser(ctx) !== "root")
      return fail(`${IPT}: Could not fetch rule set generation id: Permission denied (you must be root)`, 4);
    const args = ctx.args.filter((a) => a !== "-w" && a !== "--wait");
    let table = "filter";
    const ti = args.findIndex((a) => a === "-t" || a === "--table");
    if (ti >= 0) {
      table = args[ti + 1] ?? "";
      args.splice(ti, 2);
    }
    if (table !== "filter")
      return fail(
        `${IPT}: can't initialize iptables table \`${table}': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.`,
        3,
      );
    // -n alone or bundled with other short flags (-nL, -Ln, -nvL)
    const numeric = args.some((a) => a === "--numeric" || /^-[a-zA-Z]*n[a-zA-Z]*$/.test(a));
    const lineNumbers = args.includes("--line-numbers");
    const cmd = args.find(
      (a) =>
        /^-[a-z]*[AIDFLSP][a-z]*$/.test(a) ||
        ["--append", "--insert", "--delete", "--flush", "--list", "--list-rules", "--policy"].includes(a),
    );
    if (!cmd) return iptErr("no command specified");
    const ci = args.indexOf(cmd);
    const letter = cmd.startsWith("--")
      ? {
          "--append": "A",
          "--insert": "I",
          "--delete": "D",
          "--flush": "F",
          "--list": "L",
          "--list-rules": "S",
          "--policy": "P",
        }[cmd]
      : /[AIDFLSP]/.exec(cmd)?.[0];
    const after = args.slice(ci + 1);
    const chainArg = after[0] !== undefined && !after[0].startsWith("-") ? after[0] : undefined;
    const chain = chainArg as Chain | undefined;
    if (chain !== undefined && !CHAINS.includes(chain)) return fail("iptables: No chain/target/match by that name.", 1);
    switch (letter) {
      case "L":
        return ok((chain ? [chain] : CHAINS).map((c) => listChain(ctx, c, numeric, lineNumbers)).join("\n"));
      case "S": {
        let s = "";
        for (const c of chain ? [chain] : CHAINS) s += `-P ${c} ${w.net.policy(self, c)}\n`;
        for (const c of chain ? [chain] : CHAINS) for (const r of w.net.rules(self)[c]) s += `-A ${c}${specOf(r)}\n`;
        return ok(s);
      }
      case "F":
        w.net.flush(self, chain);
        return ok();
      case "P": {
        const target = after[1];
        if (!chain) return iptErr(`option "-P" requires an argument`);
        if (target !== "ACCEPT" && target !== "DROP")
          return fail(`${IPT}: Bad policy name. Run \`dmesg' for more information.`, 1);
        w.net.setPolicy(self, chain, target);
        return ok();
      }
      case "A":
      case "I":
      case "D": {
        if (!chain) return iptErr(`option "${cmd}" requires an argument`);
        let rest = after.slice(1);
        let position: number | undefined;
        if ((letter === "I" || letter === "D") && /^\d+$/.test(rest[0] ?? "")) {
          position = Number(rest[0]);
          rest = rest.slice(1);
          if (letter === "D") {
            if (!w.net.deleteRule(self, chain, position)) return fail("iptables: Index of deletion too big.", 1);
            return ok();
          }
        }
        const parsed = parseSpec(rest);
        if ("exitCode" in parsed) return parsed;
        if (!parsed.rule.target) {
          // A rule without -j only counts packets; the lab has no counters, so refuse it clearly.
          return iptErr("a rule needs a target (-j DROP, -j REJECT or -j ACCEPT) in this lab");
        }
        if (letter === "D") {
          if (!w.net.deleteRule(self, chain, parsed.rule))
            return fail("iptables: Bad rule (does a matching rule exist in that chain?).", 1);
          return ok();
        }
        if (letter === "I" && position !== undefined && position > w.net.rules(self)[chain].length + 1)
          return fail("iptables: Index of insertion too big.", 1);
        w.net.addRule(self, chain, parsed.rule, letter === "I" ? (position ?? 1) : undefined);
        return ok();
      }
    }
    return iptErr(`unknown option "${cmd}"`);
  },
};
