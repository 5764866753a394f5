/**
 * The Docker bridge network between the lab nodes: links (latency, bandwidth, loss, up/down),
 * partitions, and each node's own traffic shaping (`tc qdisc … netem`) and packet filter
 * (`iptables`). Reachability is decided here for DRBD connections, ping and anything else.
 */

import type { LinkSpec, Topology } from "./topology";
import type { Network, PathInfo } from "./types";

export type Verdict = "ACCEPT" | "DROP" | "REJECT";
export type Chain = "INPUT" | "OUTPUT" | "FORWARD";

export interface FilterRule {
  source?: string; // IPv4 address or CIDR
  destination?: string;
  protocol?: "tcp" | "udp" | "icmp";
  dport?: number;
  sport?: number;
  target: Verdict;
}

export interface Netem {
  delayUs: number;
  jitterUs: number;
  /** Packet loss in [0, 1]. */
  loss: number;
  /** Egress rate limit in bytes per second (`netem rate 10mbit`). */
  rateBps?: number;
}

export interface Packet {
  src: string;
  dst: string;
  protocol: "tcp" | "udp" | "icmp";
  sport?: number;
  dport?: number;
}

/** Why a packet did or did not go through. */
export type ProbeResult =
  | { ok: true }
  | { ok: false; reason: "host-down" | "link-down" | "filtered"; verdict?: Verdict; at?: string };

interface NetHost {
  name: string;
  ip: string;
  site?: string;
}

export class LabNetwork implements Network {
  private readonly hosts: NetHost[];
  private readonly linkOverrides = new Map<string, Partial<LinkSpec> & { up?: boolean }>();
  private readonly netems = new Map<string, Netem>();
  private readonly filters = new Map<string, Record<Chain, FilterRule[]>>();
  private readonly policies = new Map<string, Partial<Record<Chain, Verdict>>>();
  /** Nodes whose eth0 is administratively down (`ip link set eth0 down`). */
  private readonly ifDown = new Set<string>();
  /** Nodes taken off the bridge (`docker network disconnect`): no eth0 at all. */
  private readonly detached = new Set<string>();
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly topology: Topology,
    /** Whether a node's container runs (a stopped node answers nothing). */
    private readonly isRunning: (name: string) => boolean,
  ) {
    this.hosts = topology.nodes.map((n) => ({ name: n.name, ip: n.ip, ...(n.site ? { site: n.site } : {}) }));
    // The Docker host sits on the bridge as its gateway.
    this.hosts.push({ name: "host", ip: topology.gateway });
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Tell listeners that something changed (also called by the world on container life-cycle). */
  notify(): void {
    for (const l of [...this.listeners]) l();
  }

  host(nameOrIp: string): NetHost | undefined {
    return this.hosts.find((h) => h.name === nameOrIp || h.ip === nameOrIp || `drbd-${h.name}` === nameOrIp);
  }

  // ---- links and partitions -------------------------------------------------------------

  private key(a: string, b: string): string {
    return a < b ? `${a}|${b}` : `${b}|${a}`;
  }

  /** Change the link between two nodes (both directions). */
  setLink(a: string, b: string, change: Partial<LinkSpec> & { up?: boolean }): void {
    const k = this.key(this.name(a), this.name(b));
    this.linkOverrides.set(k, { ...this.linkOverrides.get(k), ...change });
    this.notify();
  }

  /** Cut every link between two groups of nodes (a split of the network). */
  partition(...groups: string[][]): void {
    for (let i = 0; i < groups.length; i++)
      for (let j = i + 1; j < groups.length; j++)
        for (const a of groups[i] ?? []) for (const b of groups[j] ?? []) this.setLinkQuiet(a, b, { up: false });
    this.notify();
  }

  /** Restore every link to the topology's defaults (partitions and overrides removed). */
  heal(): void {
    this.linkOverrides.clear();
    this.notify();
  }

  private setLinkQuiet(a: string, b: string, change: { up: boolean }): void {
    const k = this.key(this.name(a), this.name(b));
    this.linkOverrides.set(k, { ...this.linkOverrides.get(k), ...change });
  }

  private name(x: string): string {
    const h = this.host(x);
    if (!h) throw new Error(`unknown network host: ${x}`);
    return h.name;
  }

  link(a: string, b: string): LinkSpec & { up: boolean } {
    const ha = this.host(a);
    const hb = this.host(b);
    const base =
      ha?.site !== undefined && hb?.site !== undefined && ha.site !== hb.site && this.topology.wan
        ? this.topology.wan
        : this.topology.lan;
    const o = ha && hb ? this.linkOverrides.get(this.key(ha.name, hb.name)) : undefined;
    return { ...base, up: true, ...o };
  }

  // ---- tc netem ---------------------------------------------------------------------------

  netem(node: string): Netem | undefined {
    return this.netems.get(this.name(node));
  }

  setNetem(node: string, netem: Netem | undefined): void {
    if (netem) this.netems.set(this.name(node), netem);
    else this.netems.delete(this.name(node));
    this.notify();
  }

  // ---- interface state ---------------------------------------------------------------------

  isInterfaceUp(node: string): boolean {
    return !this.ifDown.has(this.name(node));
  }

  setInterfaceUp(node: string, up: boolean): void {
    if (up) this.ifDown.delete(this.name(node));
    else this.ifDown.add(this.name(node));
    this.notify();
  }

  isAttached(node: string): boolean {
    return !this.detached.has(this.name(node));
  }

  setAttached(node: string, attached: boolean): void {
    if (attached) this.detached.delete(this.name(node));
    else this.detached.add(this.name(node));
    this.notify();
  }

  // ---- iptables ---------------------------------------------------------------------------

  rules(node: string): Record<Chain, FilterRule[]> {
    const n = this.name(node);
    let f = this.filters.get(n);
    if (!f) {
      f = { INPUT: [], FORWARD: [], OUTPUT: [] };
      this.filters.set(n, f);
    }
    return f;
  }

  /** Append (`-A`) or insert at 1-based `position` (`-I`). */
  addRule(node: string, chain: Chain, rule: FilterRule, position?: number): void {
    const list = this.rules(node)[chain];
    if (position === undefined) list.push(rule);
    else list.splice(Math.max(0, position - 1), 0, rule);
    this.notify();
  }

  /** Delete the first rule equal to `rule` (`-D CHAIN spec`); false if none matched. */
  deleteRule(node: string, chain: Chain, rule: FilterRule | number): boolean {
    const list = this.rules(node)[chain];
    const i = typeof rule === "number" ? rule - 1 : list.findIndex((r) => sameRule(r, rule));
    if (i < 0 || i >= list.length) return false;
    list.splice(i, 1);
    this.notify();
    return true;
  }

  policy(node: string, chain: Chain): Verdict {
    return this.policies.get(this.name(node))?.[chain] ?? "ACCEPT";
  }

  setPolicy(node: string, chain: Chain, verdict: "ACCEPT" | "DROP"): void {
    const n = this.name(node);
    this.policies.set(n, { ...this.policies.get(n), [chain]: verdict });
    this.notify();
  }

  flush(node: string, chain?: Chain): void {
    const f = this.rules(node);
    for (const c of ["INPUT", "FORWARD", "OUTPUT"] as Chain[]) if (!chain || chain === c) f[c] = [];
    this.notify();
  }

  /** Verdict of one chain of a node for a packet (first matching rule, else policy ACCEPT). */
  private chainVerdict(node: string, chain: Chain, p: Packet): Verdict {
    for (const r of this.rules(node)[chain]) if (matches(r, p)) return r.target;
    return this.policy(node, chain);
  }

  // ---- reachability -----------------------------------------------------------------------

  /** Follow one packet from `from` to `to`: containers up, link up, filters of both ends. */
  probe(from: string, to: string, proto: Packet["protocol"], port?: number, sport?: number): ProbeResult {
    const a = this.host(from);
    const b = this.host(to);
    if (!a || !b) return { ok: false, reason: "host-down" };
    const running = (h: NetHost) => h.name === "host" || this.isRunning(h.name);
    if (!running(a) || !running(b)) return { ok: false, reason: "host-down" };
    if (a.name !== b.name) {
      if (this.ifDown.has(a.name) || this.detached.has(a.name)) return { ok: false, reason: "link-down" };
      // a peer whose interface is gone answers no ARP: "Destination Host Unreachable"
      if (this.ifDown.has(b.name) || this.detached.has(b.name)) return { ok: false, reason: "host-down" };
      const l = this.link(a.name, b.name);
      if (!l.up || l.loss >= 1) return { ok: false, reason: "link-down" };
      if ((this.netems.get(a.name)?.loss ?? 0) >= 1) return { ok: false, reason: "link-down" };
    }
    const p: Packet = {
      src: a.ip,
      dst: b.ip,
      protocol: proto,
      ...(port !== undefined ? { dport: port } : {}),
      ...(sport !== undefined ? { sport } : {}),
    };
    const out = this.chainVerdict(a.name, "OUTPUT", p);
    if (out !== "ACCEPT") return { ok: false, reason: "filtered", verdict: out, at: a.name };
    const inp = this.chainVerdict(b.name, "INPUT", p);
    if (inp !== "ACCEPT") return { ok: false, reason: "filtered", verdict: inp, at: b.name };
    return { ok: true };
  }

  /**
   * A TCP connection needs the SYN to get through and the SYN-ACK to come back, so a DROP of
   * either direction on either end breaks it (`iptables -A INPUT -s peer -j DROP` on one side
   * is enough to cut DRBD both ways, as on a real system).
   */
  canReach(from: string, to: string, port?: number): boolean {
    const proto = port === undefined ? "icmp" : "tcp";
    const ephemeral = port === undefined ? undefined : 40000;
    const there = this.probe(from, to, proto, port, ephemeral);
    if (!there.ok) return false;
    const back = this.probe(to, from, proto, ephemeral, port);
    return back.ok;
  }

  path(from: string, to: string): PathInfo {
    const a = this.host(from);
    const b = this.host(to);
    if (!a || !b) return { up: false, latencyUs: 0, bandwidthBps: 0, loss: 1 };
    const l =
      a.name === b.name
        ? { latencyUs: 10, bandwidthBps: 10_000_000_000, loss: 0, up: true }
        : this.link(a.name, b.name);
    const ne = this.netems.get(a.name);
    const loss = 1 - (1 - l.loss) * (1 - (ne?.loss ?? 0));
    return {
      up: this.canReach(a.name, b.name),
      // netem shapes the egress of eth0: it delays what this node sends.
      latencyUs: l.latencyUs + (ne?.delayUs ?? 0),
      bandwidthBps: Math.min(l.bandwidthBps, ne?.rateBps ?? Number.POSITIVE_INFINITY),
      loss,
    };
  }

  snapshot(): unknown {
    const links: Record<string, unknown> = {};
    for (const k of [...this.linkOverrides.keys()].sort()) links[k] = this.linkOverrides.get(k);
    const netem: Record<string, Netem> = {};
    for (const k of [...this.netems.keys()].sort()) netem[k] = this.netems.get(k) as Netem;
    const iptables: Record<string, unknown> = {};
    for (const k of [...this.filters.keys()].sort()) {
      const f = this.filters.get(k) as Record<Chain, FilterRule[]>;
      if (f.INPUT.length + f.OUTPUT.length + f.FORWARD.length > 0) iptables[k] = f;
    }
    const policies: Record<string, unknown> = {};
    for (const k of [...this.policies.keys()].sort()) policies[k] = this.policies.get(k);
    return {
      links,
      netem,
      iptables,
      policies,
      interfacesDown: [...this.ifDown].sort(),
      detached: [...this.detached].sort(),
    };
  }
}

function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return (
    (((parts[0] as number) << 24) |
      ((parts[1] as number) << 16) |
      ((parts[2] as number) << 8) |
      (parts[3] as number)) >>>
    0
  );
}

/** Does `ip` fall in `spec` (an address or CIDR)? */
export function ipMatches(spec: string, ip: string): boolean {
  const [addr, bitsText] = spec.split("/");
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const a = ipToInt(addr ?? "");
  const b = ipToInt(ip);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) return false;
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}

export function isValidAddressSpec(spec: string): boolean {
  const [addr, bitsText] = spec.split("/");
  if (ipToInt(addr ?? "") === undefined) return false;
  if (bitsText === undefined) return true;
  return /^\d+$/.test(bitsText) && Number(bitsText) <= 32;
}

function matches(r: FilterRule, p: Packet): boolean {
  if (r.source && !ipMatches(r.source, p.src)) return false;
  if (r.destination && !ipMatches(r.destination, p.dst)) return false;
  if (r.protocol && r.protocol !== p.protocol) return false;
  if (r.dport !== undefined && r.dport !== p.dport) return false;
  if (r.sport !== undefined && r.sport !== p.sport) return false;
  return true;
}

function sameRule(a: FilterRule, b: FilterRule): boolean {
  return (
    a.source === b.source &&
    a.destination === b.destination &&
    a.protocol === b.protocol &&
    a.dport === b.dport &&
    a.sport === b.sport &&
    a.target === b.target
  );
}
