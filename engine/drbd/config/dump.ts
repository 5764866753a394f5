import type {
  Address,
  ConfigOption,
  Connection,
  DrbdConfig,
  HostSection,
  Mesh,
  ProxySection,
  Resource,
  SectionOptions,
  Volume,
} from "./model";
import { findMe } from "./resolve";

/** `drbdadm dump` output (U9 drbdadm_dump.c): the configuration as parsed, normalised. */

const INDENT = 4;

/** esc(): quote when the value has characters outside [a-zA-Z0-9/._-] or is longer than 80. */
export function esc(s: string | undefined): string {
  if (!s) return '""';
  if (/[^a-zA-Z0-9/._-]/.test(s) || s.length > 80) return `"${s.replace(/["\\]/g, "\\$&")}"`;
  return s;
}

class Printer {
  out = "";
  indent = 0;
  pad(): string {
    return " ".repeat(INDENT * this.indent);
  }
  /** printI */
  line(text: string): void {
    this.out += `${this.pad()}${text}`;
  }
  /** printA: name padded to 24 - 4*indent, value right-aligned to 3. */
  option(name: string, value: string): void {
    this.out += `${this.pad()}${name.padEnd(24 - INDENT * this.indent)} ${value.padStart(3)};\n`;
  }
  address(name: string, a: Address, postfix: string): void {
    const where = a.af === "ipv6" ? `[${a.addr}]` : a.addr;
    this.line(`${name.padEnd(16)} ${a.af} ${where}:${a.port}${postfix}`);
  }
  options(section: string, ...lists: ConfigOption[][]): void {
    if (lists.every((l) => l.length === 0)) return;
    this.line(`${section} {\n`);
    this.indent++;
    for (const l of lists) for (const o of l) this.option(o.name, esc(o.raw));
    this.indent--;
    this.line("}\n");
  }
}

function sections(p: Printer, s: SectionOptions): void {
  p.options("options", s.options);
  p.options("net", s.net);
  p.options("disk", s.deviceOptions, s.disk, s.peerDevice);
  if (s.startup.length > 0 || s.stackedTimeouts) {
    p.line("startup {\n");
    p.indent++;
    for (const o of s.startup) p.option(o.name, esc(o.raw));
    if (s.stackedTimeouts) p.line("stacked-timeouts;\n");
    p.indent--;
    p.line("}\n");
  }
  p.options("handlers", s.handlers);
}

function volume(p: Printer, v: Volume, hasLower: boolean): void {
  if (!v.implicit) {
    p.line(`volume ${v.vnr} {\n`);
    p.indent++;
  }
  if (!(v.minor === -1 && !v.device && !v.disk && !v.metaDisk && !v.metaIndex)) {
    p.options("disk", v.deviceOptions, v.diskOptions, v.peerDeviceOptions);
    if (v.parsedDevice)
      p.line(
        `device${" ".repeat(Math.max(0, 19 - INDENT * p.indent))}${v.device ? `${esc(v.device)} ` : ""}minor ${v.minor};\n`,
      );
    if (!hasLower && v.parsedDisk) p.option("disk", esc(v.disk ?? "none"));
    if (!hasLower && v.parsedMetaDisk && v.metaDisk) {
      if (v.metaIndex === "flexible") p.line(`${"meta-disk".padEnd(16)} ${esc(v.metaDisk)};\n`);
      else if (v.metaIndex === "internal") p.option("meta-disk", "internal");
      else p.line(`${"meta-disk".padEnd(16)} ${esc(v.metaDisk)} [${v.metaIndex}];\n`);
    }
    if (v.tiebreaker !== undefined) p.option("tiebreaker", v.tiebreaker ? "yes" : "no");
  }
  if (!v.implicit) {
    p.indent--;
    p.line("}\n");
  }
}

/** dump_proxy_info(): printI, so after `host … address …` the indentation is printed again. */
function proxy(p: Printer, x: ProxySection, prefix: string): void {
  p.line(`${prefix}proxy on ${x.names.join(" ")} {\n`);
  p.indent++;
  if (x.inside) p.address("inside", x.inside, ";\n");
  if (x.outside) p.address("outside", x.outside, ";\n");
  p.indent--;
  p.line("}\n");
}

function host(p: Printer, h: HostSection): void {
  if (h.kind === "stacked") {
    p.line(`stacked-on-top-of ${esc(h.lowerResource)} {\n`);
    p.indent++;
    p.line(`# on ${h.names.join(" ")} \n`);
  } else if (h.kind === "floating" && h.address) {
    p.address("floating", h.address, " {\n");
    p.indent++;
  } else {
    p.line(`on ${h.names.join(" ")} {\n`);
    p.indent++;
  }
  if (h.nodeId !== undefined) p.line(`node-id ${h.nodeId};\n`);
  p.options("options", h.options);
  for (const v of h.volumes) if (v.parsedDevice || v.parsedDisk || v.parsedMetaDisk) volume(p, v, h.kind === "stacked");
  if (h.kind !== "floating" && h.address) p.address("address", h.address, ";\n");
  if (h.proxy) proxy(p, h.proxy, "");
  p.indent--;
  p.line("}\n");
}

function connection(p: Printer, c: Connection, peerName?: string): void {
  p.line(`connection${c.name ? ` ${esc(c.name)}` : ""} {\n`);
  p.indent++;
  const pairs = (hosts: Connection["paths"][number]["hosts"]) => {
    for (const ha of hosts) {
      if (ha.byAddress && ha.address) {
        p.address("address", ha.address, `; # on ${ha.name}\n`);
        continue;
      }
      p.line(`host ${ha.name}`);
      if (ha.address) p.address(" address", ha.address, "");
      else if (ha.port !== undefined) p.out += ` port ${ha.port}`;
      if (ha.outsideAddress) p.address(" via outside-address", ha.outsideAddress, ";\n");
      else if (ha.proxy) proxy(p, ha.proxy, " via ");
      else p.out += ";\n";
    }
  };
  const first = c.paths[0];
  if (first?.implicit) pairs(first.hosts);
  else
    for (const path of c.paths) {
      p.line("path {\n");
      p.indent++;
      pairs(path.hosts);
      p.indent--;
      p.line("}\n");
    }
  // a resource named on the command line: set_peer_in_resource() puts `_name PEER` in each connection of this host
  const name: ConfigOption[] = peerName
    ? [{ name: "_name", value: peerName, raw: peerName, file: c.file, line: c.line }]
    : [];
  p.options("net", name, c.net);
  p.options("disk", c.peerDevice);
  for (const pd of c.volumes) {
    p.line(`volume ${pd.vnr} {\n`);
    p.indent++;
    p.options("disk", pd.options);
    p.indent--;
    p.line("}\n");
  }
  p.indent--;
  p.line("}\n");
}

function mesh(p: Printer, m: Mesh): void {
  p.line("connection-mesh {\n");
  p.indent++;
  p.line(`hosts ${m.hosts.join(" ")};\n`);
  p.options("net", m.net);
  p.indent--;
  p.line("}\n");
}

function resource(p: Printer, r: Resource, hostname: string, ips: readonly string[], named = false): void {
  const me = findMe(r, hostname, ips)[0];
  const peerOf = (c: Connection): string | undefined => {
    if (!named || !me) return undefined;
    const names = (c.paths[0]?.hosts ?? []).map((h) => h.name);
    if (!names.some((n) => me.names.includes(n))) return undefined;
    return names.find((n) => !me.names.includes(n));
  };
  p.line(
    `# resource ${esc(r.name)} on ${hostname}: ${me ? "not ignored" : "ignored"}, ${me?.kind === "stacked" ? "stacked" : "not stacked"}\n`,
  );
  p.line(`# defined at ${r.file}:${r.line}\n`);
  p.line(`resource ${esc(r.name)} {\n`);
  p.indent++;
  if (r.templateFile) p.line(`template-file ${esc(r.templateFile)};\n`);
  for (const v of r.volumes) if (v.parsedDevice || v.parsedDisk || v.parsedMetaDisk) volume(p, v, false);
  for (const h of r.hosts) host(p, h);
  for (const c of r.connections) connection(p, c, peerOf(c));
  for (const m of r.meshes) mesh(p, m);
  sections(p, r);
  p.indent--;
  p.out += "}\n\n";
}

export interface DumpOptions {
  /** `uname -n` of the node running drbdadm (default "node1"). */
  hostname?: string;
  ips?: readonly string[];
}

/** `drbdadm dump` (all resources, with the header, global and common). */
export function dumpConfig(config: DrbdConfig, opts: DumpOptions = {}): string {
  const hostname = opts.hostname ?? "node1";
  const p = new Printer();
  p.out += `# ${config.entry}\n`;
  const g = config.global;
  if (
    g &&
    (g.minorCount || g.disableIpVerification || (g.dialogRefresh ?? 1) !== 1 || (g.usageCount ?? "ask") !== "ask")
  ) {
    p.line("global {\n");
    p.indent++;
    if (g.disableIpVerification) p.line("disable-ip-verification;\n");
    if (g.minorCount) p.line(`minor-count ${g.minorCount};\n`);
    if ((g.dialogRefresh ?? 1) !== 1) p.line(`dialog-refresh ${g.dialogRefresh};\n`);
    if ((g.usageCount ?? "ask") !== "ask") p.line(`usage-count ${g.usageCount};\n`);
    p.indent--;
    p.line("}\n\n");
  }
  if (config.common) {
    p.line("common {\n");
    p.indent++;
    sections(p, config.common);
    p.indent--;
    p.out += "}\n\n";
  }
  for (const r of config.resources) resource(p, r, hostname, opts.ips ?? []);
  return p.out;
}

/** `drbdadm dump r0`: one resource, without the header; null if r0 is unknown. */
export function dumpResource(
  config: DrbdConfig,
  name: string,
  hostname: string,
  ips: readonly string[] = [],
  opts: { named?: boolean } = {},
): string | null {
  const r = config.resources.find((x) => x.name === name);
  if (!r) return null;
  const p = new Printer();
  resource(p, r, hostname, ips, opts.named);
  return p.out;
}
