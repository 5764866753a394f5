import { parseConfig, resolveResource, DEFAULT_CONFIG_FILES, formatDiagnostic } from "../../engine/drbd/config/index";
const on = (n: number) => `    on node${n} {\n        node-id ${n - 1};\n        address 172.28.0.${10 + n}:7788;\n    }\n`;
const a = `resource r0 {
    device /dev/drbd0;
    disk /dev/sda1;
    meta-disk internal;
    net { protocol A; }
${[1, 2, 3, 4].map(on).join("")}
    connection-mesh {
        hosts node1 node2 node3 node4;
    }
    connection {
        host node1;
        host node2;
        net { protocol C; }
    }
    connection {
        host node3;
        host node4;
        net { protocol C; }
    }
}
`;
const b = `resource r0 {
    device /dev/drbd0;
    disk /dev/sda1;
    meta-disk internal;
${[1, 2, 3, 4].map(on).join("")}
    connection { host node1; host node2; net { protocol C; } }
    connection { host node3; host node4; net { protocol C; } }
    connection { host node1; host node3; net { protocol A; } }
    connection { host node1; host node4; net { protocol A; } }
    connection { host node2; host node3; net { protocol A; } }
    connection { host node2; host node4; net { protocol A; } }
}
`;
for (const t of [a, b]) {
  const { config, diagnostics } = parseConfig({ ...DEFAULT_CONFIG_FILES, "/etc/drbd.d/r0.res": t });
  console.log(diagnostics.map(formatDiagnostic));
  for (const h of ["node1", "node3"]) {
    const r = resolveResource(config, "r0", h);
    console.log(h, r?.peers.map((p) => `${p.name}:${p.settings.protocol}:${p.address?.addr}:${p.address?.port}`));
  }
}
