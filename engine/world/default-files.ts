/**
 * Files every lab node starts with: the image's /etc (hostname, hosts, passwd, group) and the
 * workshop's DRBD configuration. The DRBD texts follow the workshop's Annex B; for three or
 * more nodes DRBD 9 needs node-id and a connection-mesh, so they are added.
 * TODO(parser): switch to engine/drbd/config/defaults.ts once it is committed.
 */
import type { NodeSpec, Topology } from "./topology";

export const DRBD_CONF = `# You can find an example in  /usr/share/doc/drbd.../drbd.conf.example

include "drbd.d/global_common.conf";
include "drbd.d/*.res";
`;

export const GLOBAL_COMMON_CONF = `global {
    usage-count no;
}

common {
    handlers {
        pri-on-incon-degr "/usr/lib/drbd/notify-pri-on-incon-degr.sh";
        pri-lost-after-sb "/usr/lib/drbd/notify-pri-lost-after-sb.sh";
        local-io-error "/usr/lib/drbd/notify-io-error.sh";
    }

    startup {
        wfc-timeout 120;
        degr-wfc-timeout 60;
    }

    options {
        on-no-data-accessible io-error;
    }

    disk {
        on-io-error detach;
        no-disk-flushes;
        no-md-flushes;
    }

    net {
        protocol C;
        max-buffers 8000;
        max-epoch-size 8000;
        sndbuf-size 512k;
        rcvbuf-size 512k;
        after-sb-0pri discard-zero-changes;
        after-sb-1pri discard-secondary;
        after-sb-2pri disconnect;
    }
}
`;

export function r0Res(topology: Topology): string {
  const many = topology.nodes.length > 2;
  const ons = topology.nodes
    .map((n, i) => {
      const id = many ? `        node-id ${i};\n` : "";
      return `    on ${n.name} {\n${id}        address ${n.ip}:7788;\n    }\n`;
    })
    .join("");
  const mesh = many
    ? `\n    connection-mesh {\n        hosts ${topology.nodes.map((n) => n.name).join(" ")};\n    }\n`
    : "";
  return `resource r0 {\n    device /dev/drbd0;\n    disk /dev/sda1;\n    meta-disk internal;\n\n${ons}${mesh}}\n`;
}

export function hostsFile(topology: Topology, self: NodeSpec): string {
  const lines = [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "ff00::0\tip6-mcastprefix",
    "ff02::1\tip6-allnodes",
    "ff02::2\tip6-allrouters",
    `${self.ip}\t${self.name}`,
  ];
  for (const n of topology.nodes) if (n.name !== self.name) lines.push(`${n.ip}\t${n.name} drbd-${n.name}`);
  return `${lines.join("\n")}\n`;
}

export interface UserEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  gecos: string;
}

/** Users of the node image (Debian base + the postgresql package). */
export const USERS: UserEntry[] = [
  { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash", gecos: "root" },
  { name: "daemon", uid: 1, gid: 1, home: "/usr/sbin", shell: "/usr/sbin/nologin", gecos: "daemon" },
  { name: "bin", uid: 2, gid: 2, home: "/bin", shell: "/usr/sbin/nologin", gecos: "bin" },
  { name: "sys", uid: 3, gid: 3, home: "/dev", shell: "/usr/sbin/nologin", gecos: "sys" },
  { name: "nobody", uid: 65534, gid: 65534, home: "/nonexistent", shell: "/usr/sbin/nologin", gecos: "nobody" },
  {
    name: "postgres",
    uid: 101,
    gid: 103,
    home: "/var/lib/postgresql",
    shell: "/bin/bash",
    gecos: "PostgreSQL administrator,,,",
  },
];

export const GROUPS: { name: string; gid: number; members?: string[] }[] = [
  { name: "root", gid: 0 },
  { name: "daemon", gid: 1 },
  { name: "bin", gid: 2 },
  { name: "sys", gid: 3 },
  { name: "adm", gid: 4 },
  { name: "disk", gid: 6 },
  { name: "ssl-cert", gid: 102, members: ["postgres"] },
  { name: "postgres", gid: 103 },
  { name: "nogroup", gid: 65534 },
];

export function passwdFile(): string {
  return USERS.map((u) => `${u.name}:x:${u.uid}:${u.gid}:${u.gecos}:${u.home}:${u.shell}\n`).join("");
}

export function groupFile(): string {
  return GROUPS.map((g) => `${g.name}:x:${g.gid}:${(g.members ?? []).join(",")}\n`).join("");
}

export function userByName(name: string): UserEntry | undefined {
  return USERS.find((u) => u.name === name);
}

export function userById(uid: number): UserEntry | undefined {
  return USERS.find((u) => u.uid === uid);
}

export function groupByName(name: string): { name: string; gid: number; members?: string[] } | undefined {
  return GROUPS.find((g) => g.name === name);
}

export function groupById(gid: number): string {
  return GROUPS.find((g) => g.gid === gid)?.name ?? String(gid);
}

/** Root filesystem of a node: path → content (directories end with "/"). */
export function nodeFiles(topology: Topology, self: NodeSpec): Record<string, string> {
  return {
    "/etc/hostname": `${self.name}\n`,
    "/etc/hosts": hostsFile(topology, self),
    "/etc/passwd": passwdFile(),
    "/etc/group": groupFile(),
    "/etc/os-release":
      'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nID=ubuntu\nID_LIKE=debian\n',
    "/etc/drbd.conf": DRBD_CONF,
    "/etc/drbd.d/global_common.conf": GLOBAL_COMMON_CONF,
    "/etc/drbd.d/r0.res": r0Res(topology),
    "/root/.bashrc": "# ~/.bashrc: executed by bash(1) for non-login shells.\nexport PS1='\\u@\\h:\\w\\$ '\n",
    "/scripts/": "",
    "/var/log/": "",
    "/var/lib/postgresql/": "",
    "/tmp/": "",
    "/mnt/": "",
    "/usr/lib/drbd/": "",
  };
}
