/**
 * Network commands of a node: `ip addr|link|route` (iproute2 formats), `ping` (iputils
 * output, RTT from the network model with seeded jitter, ~1 s of virtual time per packet).
 */

import { US_PER_MS, US_PER_S } from "../../core/clock";
import { sideTable } from "../../core/side-tables";
import type { CommandContext, CommandSpec, ExecResult, LabNode } from "../../world/types";
import type { LabWorld } from "../../world/world";
import { fail, labWorld, ok } from "./util";

/** Docker derives a container's MAC from its IPv4 address: 02:42 + the four octets. */
export function macOf(ip: string): string {
  return `02:42:${ip
    .split(".")
    .map((o) => Number(o).toString(16).padStart(2, "0"))
    .join(":")}`;
}

/** Interface index of eth0 inside a container, and of its veth peer on the host. */
function ifIndex(world: LabWorld, name: string): number {
  const i = [...world.nodes.keys()].indexOf(name);
  return 2 * i + 7;
}

function selfIp(ctx: CommandContext): string {
  return ctx.node?.ip ?? labWorld(ctx).topology.gateway;
}

function prefixLen(ctx: CommandContext): number {
  return Number(labWorld(ctx).topology.subnet.split("/")[1] ?? 16);
}

function broadcast(ip: string, bits: number): string {
  const n = ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  const host = 2 ** (32 - bits) - 1;
  const b = (Math.floor(n / (host + 1)) * (host + 1) + host) >>> 0;
  return [24, 16, 8, 0].map((s) => (b >>> s) & 255).join(".");
}

function eth0Header(ctx: CommandContext, mode: boolean): string {
  const w = labWorld(ctx);
  const name = ctx.node?.name ?? "host";
  const idx = ifIndex(w, name);
  const up = w.net.isInterfaceUp(name);
  const qdisc = w.net.netem(name) ? "netem" : "noqueue";
  const flags = up ? "<BROADCAST,MULTICAST,UP,LOWER_UP>" : "<BROADCAST,MULTICAST>";
  const state = up ? "UP" : "DOWN";
  const qlen = qdisc === "netem" ? " qlen 1000" : " ";
  return `${idx}: eth0@if${idx + 1}: ${flags} mtu 1500 qdisc ${qdisc} state ${state}${mode ? " mode DEFAULT" : ""} group default${qlen}\n    link/ether ${macOf(selfIp(ctx))} brd ff:ff:ff:ff:ff:ff link-netnsid 0\n`;
}

const LO_HEAD = (mode: boolean) =>
  `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN${mode ? " mode DEFAULT" : ""} group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n`;

/**
 * Addresses added with `ip addr add` (a cluster's virtual IP): they live in the container's
 * network namespace, so a restart of the container forgets them.
 */
interface AddedAddress {
  cidr: string;
  dev: "eth0" | "lo";
}
const extraAddrs = sideTable<LabNode, { boot: number; addrs: AddedAddress[] }>("net.extraAddrs");

function addedAddresses(node: LabNode): AddedAddress[] {
  const e = extraAddrs.get(node);
  return e && e.boot === node.bootCount && node.state === "running" ? [...e.addrs] : [];
}

/** Addresses added with `ip addr add` (CIDR), on one device or on all (drbdadm's have_ip() reads them all). */
export function secondaryAddresses(node: LabNode, dev?: "eth0" | "lo"): string[] {
  return addedAddresses(node)
    .filter((a) => dev === undefined || a.dev === dev)
    .map((a) => a.cidr);
}

function ipAddrChange(ctx: CommandContext, verb: "add" | "del", rest: string[]): ExecResult {
  const node = ctx.node;
  const spec = rest[0] ?? "";
  const dev = rest[rest.indexOf("dev") + 1];
  if (!node || !/^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(spec))
    return fail(`Error: any valid prefix is expected rather than "${spec}".`);
  if (!rest.includes("dev") || (dev !== "eth0" && dev !== "lo")) return fail(`Cannot find device "${dev ?? ""}"`);
  if (ctx.session && ctx.session.user !== "root") return fail("RTNETLINK answers: Operation not permitted", 2);
  const device: AddedAddress["dev"] = dev === "lo" ? "lo" : "eth0";
  const cidr = spec.includes("/") ? spec : `${spec}/32`;
  const addrs = addedAddresses(node);
  const same = (a: AddedAddress) => a.dev === device && a.cidr.split("/")[0] === cidr.split("/")[0];
  const has = addrs.some(same) || (device === "lo" && cidr.split("/")[0] === "127.0.0.1");
  if (verb === "add" && has) return fail("RTNETLINK answers: File exists", 2);
  if (verb === "del" && !addrs.some(same)) return fail("RTNETLINK answers: Cannot assign requested address", 2);
  const next = verb === "add" ? [...addrs, { cidr, dev: device }] : addrs.filter((a) => !same(a));
  extraAddrs.set(node, { boot: node.bootCount, addrs: next });
  return ok();
}

/** `ip addr` for one device or all; `-br` gives iproute2's brief table. */
function ipAddr(ctx: CommandContext, dev?: string, brief = false): string {
  const ip = selfIp(ctx);
  const bits = prefixLen(ctx);
  const w = labWorld(ctx);
  const name = ctx.node?.name ?? "host";
  const attached = w.net.isAttached(name);
  if (brief) {
    const up = w.net.isInterfaceUp(name);
    const loExtra = (ctx.node ? secondaryAddresses(ctx.node, "lo") : []).map((a) => ` ${a}`).join("");
    const lo = `${"lo".padEnd(17)}${"UNKNOWN".padEnd(15)}127.0.0.1/8${loExtra} \n`;
    const extra = (ctx.node ? secondaryAddresses(ctx.node, "eth0") : []).map((a) => ` ${a}`).join("");
    const eth = attached
      ? `${`eth0@if${ifIndex(w, name) + 1}`.padEnd(17)}${(up ? "UP" : "DOWN").padEnd(15)}${ip}/${bits}${extra} \n`
      : "";
    return dev === "lo" ? lo : dev === "eth0" ? eth : lo + eth;
  }
  const lo =
    `${LO_HEAD(false)}    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n` +
    (ctx.node ? secondaryAddresses(ctx.node, "lo") : [])
      .map((a) => `    inet ${a} scope global lo\n       valid_lft forever preferred_lft forever\n`)
      .join("");
  if (dev === "lo") return lo;
  // The address stays configured when the link is down; only the routes go away.
  if (!attached) return dev === "eth0" ? "" : lo;
  return (
    (dev === "eth0" ? "" : lo) +
    eth0Header(ctx, false) +
    `    inet ${ip}/${bits} brd ${broadcast(ip, bits)} scope global eth0\n       valid_lft forever preferred_lft forever\n` +
    (ctx.node ? secondaryAddresses(ctx.node, "eth0") : [])
      .map((a) => `    inet ${a} scope global secondary eth0\n       valid_lft forever preferred_lft forever\n`)
      .join("")
  );
}

function ipRoute(ctx: CommandContext): string {
  const w = labWorld(ctx);
  const self = ctx.node?.name ?? "host";
  if (!w.net.isInterfaceUp(self) || !w.net.isAttached(self)) return "";
  return `default via ${w.topology.gateway} dev eth0 \n${w.topology.subnet} dev eth0 proto kernel scope link src ${selfIp(ctx)} \n`;
}

const IP_USAGE = `Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
       ip [ -force ] -batch filename
where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp | link |
                   macsec | maddress | monitor | mptcp | mroute | mrule |
                   neighbor | neighbour | netconf | netns | nexthop | ntable |
                   ntbl | route | rule | sr | tap | tcpmetrics |
                   token | tunnel | tuntap | vrf | xfrm }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |
                    -h[uman-readable] | -iec | -j[son] | -p[retty] |
                    -f[amily] { inet | inet6 | mpls | bridge | link } |
                    -4 | -6 | -M | -B | -0 |
                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |
                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |
                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |
                    -c[olor]}
`;

function matchesObject(word: string, full: string, min: number): boolean {
  return word.length >= min && full.startsWith(word);
}

export const ipCommand: CommandSpec = {
  name: "ip",
  where: "node",
  async run(ctx) {
    const brief = ctx.args.some((a) => a === "-br" || a === "-brief" || a === "--brief");
    const args = ctx.args.filter((a) => !["-4", "-c", "--color", "-br", "-brief", "--brief"].includes(a));
    const [obj, verb = "show", ...rest] = args;
    if (obj === undefined) return fail(IP_USAGE, 255);
    const w = labWorld(ctx);
    const name = ctx.node?.name ?? "host";
    const isShow = ["show", "list", "ls", "lst", "sh"].includes(verb);
    if (matchesObject(obj, "address", 1)) {
      if (verb === "add" || verb === "del") return ipAddrChange(ctx, verb, rest);
      if (!isShow) return fail(`Command "${verb}" is unknown, try "ip address help".`, 255);
      const dev = rest[0] === "dev" ? rest[1] : rest[0];
      if (dev !== undefined && ((dev !== "eth0" && dev !== "lo") || (dev === "eth0" && !w.net.isAttached(name))))
        return fail(`Device "${dev}" does not exist.`);
      return ok(ipAddr(ctx, dev, brief));
    }
    if (matchesObject(obj, "link", 1)) {
      if (verb === "set") {
        const dev = rest[0] === "dev" ? rest[1] : rest[0];
        const state = rest.find((a) => a === "up" || a === "down");
        if ((dev !== "eth0" || !w.net.isAttached(name)) && dev !== "lo")
          return fail(`Cannot find device "${dev ?? ""}"`);
        if (ctx.session && ctx.session.user !== "root") return fail("RTNETLINK answers: Operation not permitted", 2);
        if (dev === "eth0" && state) w.net.setInterfaceUp(name, state === "up");
        return ok();
      }
      if (!isShow) return fail(`Command "${verb}" is unknown, try "ip link help".`, 255);
      return ok(LO_HEAD(true) + (w.net.isAttached(name) ? eth0Header(ctx, true) : ""));
    }
    if (matchesObject(obj, "route", 1)) {
      if (!isShow) return fail(`Command "${verb}" is unknown, try "ip route help".`, 255);
      return ok(ipRoute(ctx));
    }
    if (obj === "help") return fail(IP_USAGE, 255);
    return fail(`Object "${obj}" is unknown, try "ip help".`, 255);
  },
};

// ---- ping ----------------------------------------------------------------------------------

export interface Resolved {
  ip: string;
  /** Name shown in reply lines ("node2 (172.28.0.12)"), or the bare IP. */
  label: string;
  /** Network host name in the model, or "lo" for this machine. */
  host: string;
}

/** Resolve a name as a node would: /etc/hosts, Docker's DNS (container and service names), IPs. */
export function resolve(world: LabWorld, self: string, name: string): Resolved | undefined {
  if (name === "localhost" || /^127\./.test(name))
    return {
      ip: name === "localhost" ? "127.0.0.1" : name,
      label: name === "localhost" ? "localhost (127.0.0.1)" : name,
      host: "lo",
    };
  // The Docker host has no access to Docker's embedded DNS: only addresses work there.
  if (self === "host" && !/^\d+\.\d+\.\d+\.\d+$/.test(name)) return undefined;
  const h = world.net.host(name);
  if (!h) return undefined;
  if (h.name === self) return { ip: h.ip, label: /^\d/.test(name) ? h.ip : `${name} (${h.ip})`, host: "lo" };
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return { ip: h.ip, label: h.ip, host: h.name };
  return { ip: h.ip, label: `${h.name === "host" ? name : h.name} (${h.ip})`, host: h.name };
}

/** iputils' RTT formatting: 3 significant-ish digits. */
export function fmtRtt(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

const PING_USAGE = "\nUsage\n  ping [options] <destination>\n";

export const pingCommand: CommandSpec = {
  name: "ping",
  where: "both",
  async run(ctx) {
    let count: number | undefined;
    let waitS = 10;
    let intervalS = 1;
    let quiet = false;
    let deadlineS: number | undefined;
    let dest: string | undefined;
    const args = [...ctx.args];
    while (args.length > 0) {
      const a = args.shift() as string;
      const num = (flag: string): number | string => {
        const v = a.length > 2 ? a.slice(2) : args.shift();
        if (v === undefined) return `ping: option requires an argument -- '${flag}'${PING_USAGE}`;
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0) return `ping: invalid argument: '${v}'`;
        return n;
      };
      if (a.startsWith("-c")) {
        const v = num("c");
        if (typeof v === "string") return fail(v, 2);
        if (v < 1 || !Number.isInteger(v))
          return fail(`ping: invalid argument: '${v}': out of range: 1 <= value <= 9223372036854775807`, 1);
        count = v;
      } else if (a.startsWith("-W")) {
        const v = num("W");
        if (typeof v === "string") return fail(v, 2);
        waitS = v;
      } else if (a.startsWith("-i")) {
        const v = num("i");
        if (typeof v === "string") return fail(v, 2);
        intervalS = v;
      } else if (a.startsWith("-w")) {
        const v = num("w");
        if (typeof v === "string") return fail(v, 2);
        deadlineS = v;
      } else if (a === "-q") quiet = true;
      else if (a === "-4" || a === "-n") continue;
      else if (a.startsWith("-")) return fail(`ping: invalid option -- '${a.slice(1, 2)}'${PING_USAGE}`, 2);
      else dest = a;
    }
    if (dest === undefined) return fail(`ping: usage error: Destination address required`, 1);
    const w = labWorld(ctx);
    const self = ctx.node?.name ?? "host";
    const target = resolve(w, self, dest);
    if (!target) return fail(`ping: ${dest}: Name or service not known`, 2);
    if (target.host !== "lo" && (!w.net.isInterfaceUp(self) || !w.net.isAttached(self)))
      return fail("ping: connect: Network is unreachable", 2);
    // Without -c ping runs until Ctrl-C; a lab terminal has no live stream, so stop after a
    // handful of packets as if the learner had pressed Ctrl-C.
    const interrupted = count === undefined && deadlineS === undefined;
    const n = count ?? (deadlineS !== undefined ? Math.max(1, Math.floor(deadlineS / intervalS)) : 4);
    const rng = w.stream("ping");
    const clock = w.clock;
    const start = clock.now;
    let out = `PING ${dest} (${target.ip}) 56(84) bytes of data.\n`;
    const rtts: number[] = [];
    let errors = 0;
    let sent = 0;
    for (let seq = 1; seq <= n; seq++) {
      if (ctx.interrupted()) break;
      if (seq > 1) clock.advanceBy(intervalS * US_PER_S);
      sent++;
      if (target.host === "lo") {
        const rtt = 0.02 + rng.next() * 0.03;
        rtts.push(rtt);
        if (!quiet) out += `64 bytes from ${target.label}: icmp_seq=${seq} ttl=64 time=${fmtRtt(rtt)} ms\n`;
        continue;
      }
      const there = w.net.probe(self, target.host, "icmp");
      const back = there.ok ? w.net.probe(target.host, self, "icmp") : there;
      if (!there.ok && there.reason === "filtered" && there.at === self && there.verdict === "DROP") {
        out += "ping: sendmsg: Operation not permitted\n";
        errors++;
        continue;
      }
      if (!there.ok && there.reason === "host-down") {
        errors++;
        if (!quiet) out += `From ${ctx.node?.ip ?? w.topology.gateway} icmp_seq=${seq} Destination Host Unreachable\n`;
        continue;
      }
      if (!there.ok && there.reason === "filtered" && there.verdict === "REJECT") {
        errors++;
        if (!quiet) out += `From ${target.ip} icmp_seq=${seq} Destination Port Unreachable\n`;
        continue;
      }
      if (!there.ok || !back.ok) continue;
      const go = w.net.path(self, target.host);
      const ret = w.net.path(target.host, self);
      if (rng.next() < go.loss || rng.next() < ret.loss) continue;
      const jitter = (ne: ReturnType<typeof w.net.netem>) =>
        ne && ne.jitterUs > 0 ? (rng.next() * 2 - 1) * ne.jitterUs : 0;
      const us =
        go.latencyUs +
        ret.latencyUs +
        jitter(w.net.netem(self)) +
        jitter(w.net.netem(target.host)) +
        20 +
        rng.next() * 40;
      const rtt = Math.max(us, 10) / 1000;
      rtts.push(rtt);
      if (!quiet) out += `64 bytes from ${target.label}: icmp_seq=${seq} ttl=64 time=${fmtRtt(rtt)} ms\n`;
    }
    // Wait for the last reply (or give up after -W when nothing came back).
    const lastWaitUs = rtts.length === sent ? (rtts.at(-1) ?? 0) * 1000 : Math.min(waitS, 1) * US_PER_S;
    clock.advanceBy(lastWaitUs);
    const elapsedMs =
      Math.round((clock.now - start - lastWaitUs) / US_PER_MS) + (sent > 1 ? Math.floor(rng.next() * 40) : 0);
    const received = rtts.length;
    // printf("%g%%"): six significant digits, no trailing zeros
    const lossPct = sent === 0 ? 0 : Number((((sent - received) * 100) / sent).toPrecision(6));
    if (interrupted) out += "^C\n";
    out += `\n--- ${dest} ping statistics ---\n`;
    out += `${sent} packets transmitted, ${received} received${errors ? `, +${errors} errors` : ""}, ${lossPct}% packet loss, time ${elapsedMs}ms\n`;
    if (received > 0) {
      const min = Math.min(...rtts);
      const max = Math.max(...rtts);
      const avg = rtts.reduce((a, b) => a + b, 0) / received;
      const mdev = Math.sqrt(rtts.reduce((a, b) => a + b * b, 0) / received - avg * avg);
      out += `rtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)}/${(Number.isFinite(mdev) ? mdev : 0).toFixed(3)} ms\n`;
    } else if (errors > 0 && sent > 1) out += `pipe ${Math.min(sent, 3)}\n`;
    else out += "\n";
    return { stdout: out, stderr: "", exitCode: received > 0 ? 0 : 1 };
  },
};
