import { DEFAULT_DRBD_CONF } from "./parser";

/** The lab's configuration files, installed on every node (workshop Annex B and TP1 step 2). */

export const DRBD_CONF_PATH = "/etc/drbd.conf";
export const GLOBAL_COMMON_PATH = "/etc/drbd.d/global_common.conf";
export const R0_RES_PATH = "/etc/drbd.d/r0.res";

export const DRBD_CONF = DEFAULT_DRBD_CONF;

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

export const R0_RES = `resource r0 {
    protocol C;
    on node1 {
        device /dev/drbd0;
        disk /dev/sda1;
        address 172.28.0.11:7788;
        meta-disk internal;
    }
    on node2 {
        device /dev/drbd0;
        disk /dev/sda1;
        address 172.28.0.12:7788;
        meta-disk internal;
    }
}
`;

/** All default files, keyed by absolute path, ready for `parseConfig`. */
export const DEFAULT_CONFIG_FILES: Readonly<Record<string, string>> = {
  [DRBD_CONF_PATH]: DRBD_CONF,
  [GLOBAL_COMMON_PATH]: GLOBAL_COMMON_CONF,
  [R0_RES_PATH]: R0_RES,
};

/**
 * r0.res for any lab topology: the TP1 text for two nodes; with three or more, DRBD 9 needs a
 * node-id per host and a connection-mesh, so they are added (drbd-behavior.md 3.2).
 */
export function r0ResFor(nodes: ReadonlyArray<{ name: string; ip: string }>): string {
  const many = nodes.length > 2;
  const ons = nodes
    .map(
      (n, i) =>
        `    on ${n.name} {\n${many ? `        node-id ${i};\n` : ""}        device /dev/drbd0;\n        disk /dev/sda1;\n        address ${n.ip}:7788;\n        meta-disk internal;\n    }\n`,
    )
    .join("");
  const mesh = many ? `    connection-mesh {\n        hosts ${nodes.map((n) => n.name).join(" ")};\n    }\n` : "";
  return `resource r0 {\n    protocol C;\n${ons}${mesh}}\n`;
}
