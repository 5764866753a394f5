/**
 * Seeded generator of configuration variants for the differential suite: valid ones (options
 * in every section, volumes, three-node meshes, explicit connections and paths, floating
 * addresses, two resources) and broken ones (missing `;`, unknown options, bad values,
 * duplicate minors/ports, meshes without node-id, missing device/address, unbalanced braces).
 */
import { DRBD_CONF, GLOBAL_COMMON_CONF } from "@/engine/drbd/config/defaults";
import type { OracleCase } from "./corpus";

/** mulberry32: small, seeded, deterministic. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

const IP = { node1: "172.28.0.11", node2: "172.28.0.12", node3: "172.28.0.13" } as const;
type Host = keyof typeof IP;

interface Shape {
  name: string;
  hosts: Host[];
  volumes: number;
  /** node-id in each `on` section. */
  nodeIds: boolean;
  /** "mesh": connection-mesh; "explicit": one connection per pair; "paths": connection with path sections; "none". */
  links: "mesh" | "explicit" | "paths" | "host-address" | "none";
  floating: boolean;
  /** device/disk/meta-disk at resource level instead of in each host. */
  shared: boolean;
  port: number;
  minor: number;
  sections: string;
}

function volumeBlock(s: Shape, indent: string): string {
  if (s.volumes === 0) {
    return `${indent}device /dev/drbd${s.minor};\n${indent}disk /dev/sda1;\n${indent}meta-disk internal;\n`;
  }
  let t = "";
  for (let v = 0; v < s.volumes; v++)
    t += `${indent}volume ${v} {\n${indent}    device /dev/drbd${s.minor + v};\n${indent}    disk /dev/sd${"ab"[v] ?? "c"}1;\n${indent}    meta-disk internal;\n${indent}}\n`;
  return t;
}

export function renderShape(s: Shape): string {
  let t = `resource ${s.name} {\n`;
  if (s.sections) t += s.sections;
  if (s.shared) t += volumeBlock(s, "    ");
  s.hosts.forEach((h, i) => {
    t += s.floating ? `    floating ${IP[h]}:${s.port} {\n` : `    on ${h} {\n`;
    if (s.nodeIds) t += `        node-id ${i};\n`;
    if (!s.shared) t += volumeBlock(s, "        ");
    if (!s.floating) t += `        address ${IP[h]}:${s.port};\n`;
    t += "    }\n";
  });
  if (s.links === "mesh") t += `    connection-mesh {\n        hosts ${s.hosts.join(" ")};\n    }\n`;
  if (s.links !== "mesh" && s.links !== "none") {
    for (let i = 0; i < s.hosts.length; i++)
      for (let j = i + 1; j < s.hosts.length; j++) {
        const a = s.hosts[i] as Host;
        const b = s.hosts[j] as Host;
        if (s.links === "explicit") t += `    connection {\n        host ${a};\n        host ${b};\n    }\n`;
        else if (s.links === "host-address")
          t += `    connection {\n        host ${a} address ${IP[a]}:${s.port + 10 + j};\n        host ${b} address ${IP[b]}:${s.port + 10 + i};\n    }\n`;
        else
          t += `    connection {\n        path {\n            host ${a} address ${IP[a]}:${s.port + 20 + j};\n            host ${b} address ${IP[b]}:${s.port + 20 + i};\n        }\n    }\n`;
      }
  }
  return `${t}}\n`;
}

const NET = [
  "protocol A;",
  "protocol B;",
  "protocol C;",
  "sndbuf-size 512k;",
  "sndbuf-size 1M;",
  "rcvbuf-size 0;",
  "max-buffers 36k;",
  "max-buffers 8000;",
  "timeout 90;",
  "ping-int 5;",
  "ping-timeout 10;",
  "connect-int 15;",
  "ko-count 7;",
  "allow-two-primaries yes;",
  "cram-hmac-alg sha1;",
  'shared-secret "s3cr3t";',
  "after-sb-0pri discard-zero-changes;",
  "after-sb-1pri discard-secondary;",
  "after-sb-2pri disconnect;",
  "rr-conflict disconnect;",
  "verify-alg sha256;",
  "csums-alg crc32c;",
  "fencing resource-only;",
  "congestion-fill 1G;",
  "on-congestion pull-ahead;",
  "tcp-cork no;",
];
const DISK = [
  "on-io-error detach;",
  "on-io-error pass_on;",
  "resync-rate 33M;",
  "resync-rate 100M;",
  "c-plan-ahead 0;",
  "c-plan-ahead 20;",
  "c-max-rate 720M;",
  "c-fill-target 1M;",
  "al-extents 3389;",
  "disk-flushes no;",
  "md-flushes no;",
  "no-disk-barrier;",
  "read-balancing least-pending;",
  "rs-discard-granularity 65536;",
  "discard-zeroes-if-aligned yes;",
];
const OPTIONS = [
  "quorum majority;",
  "quorum 2;",
  "quorum off;",
  "on-no-quorum io-error;",
  "on-no-quorum suspend-io;",
  "on-no-data-accessible io-error;",
  "on-no-data-accessible suspend-io;",
  "auto-promote no;",
  "auto-promote yes;",
  "cpu-mask 3;",
  "quorum-minimum-redundancy 1;",
];
const HANDLERS = [
  'split-brain "/usr/lib/drbd/notify-split-brain.sh root";',
  'fence-peer "/usr/lib/drbd/crm-fence-peer.9.sh";',
  'local-io-error "/usr/lib/drbd/notify-io-error.sh";',
  'quorum-lost "/scripts/alert.sh quorum";',
];
const STARTUP = ["wfc-timeout 120;", "degr-wfc-timeout 60;", "outdated-wfc-timeout 30;", "become-primary-on node1;"];

function section(r: Rng, name: string, pool: readonly string[], max: number): string {
  const n = 1 + r.int(max);
  const chosen = new Set<string>();
  const seenKey = new Set<string>();
  for (let i = 0; i < n; i++) {
    const o = r.pick(pool);
    const key = o.split(" ")[0] as string;
    if (seenKey.has(key)) continue;
    seenKey.add(key);
    chosen.add(o);
  }
  return `    ${name} {\n${[...chosen].map((o) => `        ${o}\n`).join("")}    }\n`;
}

function randomSections(r: Rng): string {
  let t = "";
  if (r.next() < 0.5) t += section(r, "net", NET, 5);
  if (r.next() < 0.5) t += section(r, "disk", DISK, 4);
  if (r.next() < 0.4) t += section(r, "options", OPTIONS, 3);
  if (r.next() < 0.2) t += section(r, "handlers", HANDLERS, 2);
  if (r.next() < 0.2) t += section(r, "startup", STARTUP, 2);
  return t;
}

function randomShape(r: Rng): Shape {
  const three = r.next() < 0.4;
  const hosts: Host[] = three ? ["node1", "node2", "node3"] : ["node1", "node2"];
  const links = three
    ? r.pick(["mesh", "explicit", "paths", "host-address"] as const)
    : r.pick(["none", "none", "explicit", "paths", "host-address"] as const);
  return {
    name: r.pick(["r0", "r0", "data", "web-data"]),
    hosts,
    volumes: r.pick([0, 0, 0, 1, 2]),
    nodeIds: three || r.next() < 0.5,
    links,
    floating: !three && r.next() < 0.15,
    shared: r.next() < 0.3,
    port: r.pick([7788, 7789, 7000]),
    minor: r.pick([0, 0, 1, 10]),
    sections: randomSections(r),
  };
}

function files(res: string, common = GLOBAL_COMMON_CONF): Record<string, string> {
  return { "/etc/drbd.conf": DRBD_CONF, "/etc/drbd.d/global_common.conf": common, "/etc/drbd.d/r0.res": res };
}

type Mutation = (r: Rng, s: Shape) => Record<string, string> | null;

/** Remove the n-th `;` of the text. */
function dropSemicolon(r: Rng, text: string): string {
  const idx = [...text.matchAll(/;/g)].map((m) => m.index as number);
  const at = r.pick(idx);
  return text.slice(0, at) + text.slice(at + 1);
}

const MUTATIONS: Record<string, Mutation> = {
  valid: (_r, s) => files(renderShape(s)),
  "valid-two-resources": (r, s) => {
    const s2 = {
      ...s,
      name: s.name === "r1" ? "r2" : "r1",
      port: s.port + 1,
      minor: s.minor + 5,
      sections: randomSections(r),
    };
    return files(`${renderShape(s)}\n${renderShape(s2)}`);
  },
  "valid-common": (r, s) => {
    const common = `global {\n    usage-count no;\n}\n\ncommon {\n${randomSections(r)}}\n`;
    return files(renderShape(s), common);
  },
  "missing-semicolon": (r, s) => files(dropSemicolon(r, renderShape(s))),
  "missing-semicolon-common": (r) => files(renderShape(randomShape(r)), dropSemicolon(r, GLOBAL_COMMON_CONF)),
  "unknown-option": (r, s) => {
    const sec = r.pick(["net", "disk", "options", "handlers", "startup"]);
    const bogus = r.pick([
      "max-buffer 8000;",
      "protocole C;",
      "resync-speed 10M;",
      "quorum-policy majority;",
      "wfc 10;",
    ]);
    return files(renderShape({ ...s, sections: `${s.sections}    ${sec} {\n        ${bogus}\n    }\n` }));
  },
  "unknown-keyword": (r, s) =>
    files(
      renderShape(s).replace(
        r.pick(["    on node2 {\n", "resource ", "        address "]),
        (m) =>
          `${r.pick(["    syncer {\n        rate 10M;\n    }\n", "    tiebreaker;\n", "    adress 1.2.3.4:7788;\n"])}${m}`,
      ),
    ),
  "bad-value": (r, s) => {
    const bad = r.pick([
      ["net", "protocol D;"],
      ["net", "max-buffers abc;"],
      ["net", "max-buffers 10;"],
      ["net", "sndbuf-size 99G;"],
      ["net", "after-sb-0pri maybe;"],
      ["net", "timeout 0;"],
      ["disk", "on-io-error ignore;"],
      ["disk", "resync-rate 10Q;"],
      ["disk", "al-extents 1;"],
      ["options", "quorum most;"],
      ["options", "on-no-quorum freeze;"],
      ["options", "auto-promote perhaps;"],
    ] as const);
    return files(renderShape({ ...s, sections: `${s.sections}    ${bad[0]} {\n        ${bad[1]}\n    }\n` }));
  },
  "duplicate-minor": (r, s) => {
    const s2 = { ...s, name: `${s.name}b`, port: s.port + 1 + r.int(3), minor: s.minor };
    return files(`${renderShape(s)}\n${renderShape(s2)}`);
  },
  "duplicate-port": (r, s) => {
    const s2 = { ...s, name: `${s.name}b`, port: s.port, minor: s.minor + 3 + r.int(3) };
    return files(`${renderShape(s)}\n${renderShape(s2)}`);
  },
  "duplicate-resource": (_r, s) =>
    files(`${renderShape(s)}\n${renderShape({ ...s, port: s.port + 1, minor: s.minor + 4 })}`),
  "mesh-without-node-id": (r, s) =>
    files(
      renderShape({
        ...s,
        hosts: ["node1", "node2", "node3"],
        nodeIds: false,
        floating: false,
        links: r.pick(["mesh", "explicit", "paths"] as const),
      }),
    ),
  "missing-device": (_r, s) =>
    files(renderShape({ ...s, shared: false, volumes: 0 }).replace(/\n\s*device [^\n]*/, "")),
  "missing-address": (_r, s) =>
    files(renderShape({ ...s, floating: false }).replace(/\n\s*address 172\.28\.0\.12[^\n]*/, "")),
  "missing-brace": (r, s) => {
    const t = renderShape(s);
    const idx = [...t.matchAll(/\}/g)].map((m) => m.index as number);
    const at = r.pick(idx);
    return files(t.slice(0, at) + t.slice(at + 1));
  },
  "not-this-host": (_r, s) => files(renderShape(s).replace(/\bnode1\b/g, "node9")),
  "foreign-ip": (_r, s) => files(renderShape({ ...s, floating: false }).replace(/172\.28\.0\.11/g, "10.9.9.11")),
  "floating-localhost": (_r, s) =>
    files(
      renderShape({ ...s, hosts: ["node1", "node2"], floating: true, nodeIds: true, links: "none" }).replace(
        /172\.28\.0\.11/,
        "127.0.0.1",
      ),
    ),
  proxy: (r, s) => {
    const t = renderShape({ ...s, hosts: ["node1", "node2"], floating: false, links: "none" });
    const proxy = (h: string, ip: string) =>
      `        proxy on ${h} {\n            inside 127.0.0.1:${7000 + r.int(100)};\n            outside ${ip}:${7100 + r.int(100)};\n        }\n`;
    return files(
      t
        .replace(/( {4}on node1 \{\n)/, `$1${proxy("node1", IP.node1)}`)
        .replace(/( {4}on node2 \{\n)/, `$1${proxy("node2", IP.node2)}`),
    );
  },
  "proxy-via": (r, s) => {
    const port = 7000 + r.int(100);
    const via = (h: Host) =>
      `        host ${h} address ${IP[h]}:${s.port} via proxy on ${h} {\n            inside 127.0.0.1:${port};\n            outside ${IP[h]}:${port + 1};\n        }\n`;
    const t = renderShape({ ...s, hosts: ["node1", "node2"], floating: false, links: "none", nodeIds: true });
    return files(t.replace(/\}\n$/, `    connection {\n${via("node1")}${via("node2")}    }\n}\n`));
  },
};

export function generateVariants(seed: number, perKind = 16): OracleCase[] {
  const r = rng(seed);
  const out: OracleCase[] = [];
  for (const [kind, mutate] of Object.entries(MUTATIONS)) {
    for (let i = 0; i < perKind; i++) {
      const shape = randomShape(r);
      const f = mutate(r, shape);
      if (!f) continue;
      out.push({ id: `gen/${kind}/${i}`, host: r.next() < 0.85 ? "node1" : "node2", files: f });
    }
  }
  return out;
}
