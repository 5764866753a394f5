/**
 * `docker network ls|inspect|connect|disconnect`: taking a node off the bridge is how Docker
 * labs cut a node's network without stopping it (a split brain waiting to happen).
 */
import { fail, ok } from "../shell/commands/util";
import type { ExecResult } from "../world/types";
import type { LabWorld } from "../world/world";
import { findContainer } from "./docker";
import { tabwrite } from "./format";
import { COMPOSE_PROJECT } from "./workshop-tree";

interface Net {
  id: string;
  name: string;
  driver: string;
}

function networks(world: LabWorld): Net[] {
  const ids = world.networkIds();
  const list: Net[] = [
    { id: ids.bridge as string, name: "bridge", driver: "bridge" },
    { id: ids.host as string, name: "host", driver: "host" },
    { id: ids.none as string, name: "none", driver: "null" },
  ];
  if (world.composeNetworkUp)
    list.push({ id: ids.lab as string, name: `${COMPOSE_PROJECT}_${world.topology.network}`, driver: "bridge" });
  return list.sort((a, b) => a.name.localeCompare(b.name));
}

function findNet(world: LabWorld, ref: string): Net | undefined {
  return networks(world).find((n) => n.name === ref || (ref.length >= 3 && n.id.startsWith(ref)));
}

export function dockerNetwork(world: LabWorld, args: string[]): ExecResult {
  const [verb, ...rest] = args;
  const positional = rest.filter((a) => !a.startsWith("-"));
  switch (verb) {
    case "ls":
    case "list":
      return ok(
        tabwrite([
          ["NETWORK ID", "NAME", "DRIVER", "SCOPE"],
          ...networks(world).map((n) => [n.id.slice(0, 12), n.name, n.driver, "local"]),
        ]),
      );
    case "inspect": {
      const out: unknown[] = [];
      let err = "";
      for (const ref of positional) {
        const n = findNet(world, ref);
        if (!n) {
          err += `Error response from daemon: network ${ref} not found\n`;
          continue;
        }
        const containers: Record<string, unknown> = {};
        if (n.driver === "bridge" && n.name !== "bridge") {
          for (const node of world.nodes.values()) {
            if (!node.running || !world.net.isAttached(node.name)) continue;
            containers[node.containerId] = {
              Name: node.container,
              IPv4Address: `${node.ip}/${world.topology.subnet.split("/")[1]}`,
              MacAddress: `02:42:${node.ip
                .split(".")
                .map((o) => Number(o).toString(16).padStart(2, "0"))
                .join(":")}`,
            };
          }
        }
        out.push({
          Name: n.name,
          Id: n.id,
          Scope: "local",
          Driver: n.driver,
          IPAM:
            n.name === "bridge"
              ? { Config: [{ Subnet: "172.17.0.0/16", Gateway: "172.17.0.1" }] }
              : n.driver === "bridge"
                ? { Config: [{ Subnet: world.topology.subnet, Gateway: world.topology.gateway }] }
                : { Config: [] },
          Containers: containers,
        });
      }
      if (positional.length === 0)
        return fail("\"docker network inspect\" requires at least 1 argument.\nSee 'docker network inspect --help'.");
      return { stdout: `${JSON.stringify(out, null, 4)}\n`, stderr: err, exitCode: err ? 1 : 0 };
    }
    case "connect":
    case "disconnect": {
      const [netRef, ctrRef] = positional;
      if (netRef === undefined || ctrRef === undefined)
        return fail(`"docker network ${verb}" requires exactly 2 arguments.\nSee 'docker network ${verb} --help'.`);
      const n = findNet(world, netRef);
      if (!n) return fail(`Error response from daemon: network ${netRef} not found`);
      const node = findContainer(world, ctrRef);
      if (!node) return fail(`Error response from daemon: No such container: ${ctrRef}`);
      const isLab = n.id === world.networkIds().lab;
      const attached = isLab && world.net.isAttached(node.name);
      if (verb === "disconnect") {
        if (!attached)
          return fail(
            `Error response from daemon: container ${node.containerId} is not connected to network ${n.name}`,
          );
        world.net.setAttached(node.name, false);
        return ok();
      }
      if (!isLab)
        return fail(
          `Error response from daemon: the lab only lets containers join ${COMPOSE_PROJECT}_${world.topology.network}`,
        );
      if (attached)
        return fail(
          `Error response from daemon: endpoint with name ${node.container} already exists in network ${n.name}`,
        );
      world.net.setAttached(node.name, true);
      return ok();
    }
  }
  return fail(`docker: 'network ${verb ?? ""}' is not a docker command.\nSee 'docker network --help'`);
}
