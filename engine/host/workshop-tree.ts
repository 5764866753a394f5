/**
 * The Docker host's side of the lab: the learner's home with the workshop directory of
 * section 3.3 (docker-compose.yaml, one build directory per node, scripts/).
 */

import { r0Res } from "../world/default-files";
import type { Topology } from "../world/topology";

export const HOST_USER = "student";
export const HOST_HOME = "/home/student";
export const HOST_NAME = "docker-host";
export const WORKSHOP_DIR = `${HOST_HOME}/drbd-workshop`;
/** Compose project name: the basename of the directory holding docker-compose.yaml. */
export const COMPOSE_PROJECT = "drbd-workshop";
export const ENTRYPOINT = "/entrypoint.sh sleep infinity";

export function composeYaml(t: Topology): string {
  const services = t.nodes
    .map(
      (n) => `  ${n.name}:
    build: ./${n.name}
    container_name: drbd-${n.name}
    hostname: ${n.name}
    privileged: true
    networks:
      ${t.network}:
        ipv4_address: ${n.ip}
    volumes:
      - ${n.name}_disk:/var/lib/drbd-disk
      - ./scripts:/scripts
`,
    )
    .join("\n");
  const volumes = t.nodes.map((n) => `  ${n.name}_disk:\n`).join("");
  return `version: '3.8'

services:
${services}
networks:
  ${t.network}:
    driver: bridge
    ipam:
      config:
        - subnet: ${t.subnet}

volumes:
${volumes}`;
}

const DOCKERFILE = `FROM ubuntu:22.04

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \\
        drbd-utils iproute2 iputils-ping iptables kmod procps \\
        postgresql postgresql-contrib pacemaker corosync \\
    && rm -rf /var/lib/apt/lists/*

COPY drbd.conf /etc/drbd.d/r0.res
COPY entrypoint.sh /entrypoint.sh
RUN chmod +x /entrypoint.sh

ENTRYPOINT ["/entrypoint.sh"]
CMD ["sleep", "infinity"]
`;

const ENTRYPOINT_SH = `#!/bin/bash
# Bring up the configured DRBD resources, then wait; stop them cleanly on SIGTERM.
trap 'drbdadm down all; exit 0' TERM
echo "[entrypoint] $(hostname): starting DRBD resources (drbdadm up all)"
drbdadm up all 2>/dev/null || true
exec "$@"
`;

export function hostFiles(t: Topology): Record<string, string> {
  const files: Record<string, string> = {
    [`${HOST_HOME}/.bashrc`]: "# ~/.bashrc\nexport PS1='\\u@\\h:\\w\\$ '\n",
    [`${WORKSHOP_DIR}/docker-compose.yaml`]: composeYaml(t),
    [`${WORKSHOP_DIR}/README.md`]:
      "# Workshop DRBD - Haute Disponibilite avec Replication de Donnees\n\nLe cours se lit dans DRBD Lab. Ce dossier contient docker-compose.yaml, un dossier\nde construction par noeud (Dockerfile, drbd.conf, entrypoint.sh) et scripts/, monte\nen /scripts dans chaque noeud. Les corriges se trouvent dans les exercices du cours.\n",
    [`${WORKSHOP_DIR}/scripts/`]: "",
    // the workshop's tree (section 3.3) has it; the solutions are the course's own exercises
    [`${WORKSHOP_DIR}/solutions/`]: "",
    "/tmp/": "",
    // the machine's name, as `hostname` says it (a real host has it; `cat /etc/hostname`)
    "/etc/hostname": `${HOST_NAME}\n`,
  };
  for (const n of t.nodes) {
    files[`${WORKSHOP_DIR}/${n.name}/Dockerfile`] = DOCKERFILE;
    files[`${WORKSHOP_DIR}/${n.name}/drbd.conf`] = r0Res(t);
    files[`${WORKSHOP_DIR}/${n.name}/entrypoint.sh`] = ENTRYPOINT_SH;
  }
  return files;
}
