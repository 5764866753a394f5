/**
 * `drbdadm dump` / `dump all` on a node (U9 drbdadm_main.c: verify_ips() for every resource of
 * this host first, then print_dump_header() and every resource, ignored ones included).
 */
import type { ExecResult, LabNode } from "../../world/types";
import { checkForHost, type DrbdConfig, drbdadmStderr, dumpConfig, findMe } from "../config";

/** Addresses drbdadm's have_ip() finds on a lab node: its interface and loopback. */
export function nodeIps(node: LabNode): string[] {
  return [node.ip, "127.0.0.1"];
}

/** set_me_in_resource() runs for every resource in post_parse: several sections for this host exit 10. */
export function multipleHostSections(config: DrbdConfig, node: LabNode): ExecResult | null {
  const bad = checkForHost(config, node.name, { ips: nodeIps(node) }).filter(
    (d) => d.code === "multiple-host-sections",
  );
  return bad.length ? { stdout: "", stderr: `${drbdadmStderr(bad.slice(0, 1)).join("\n")}\n`, exitCode: 10 } : null;
}

export function dumpAll(config: DrbdConfig, node: LabNode): ExecResult {
  const ips = nodeIps(node);
  const mine = config.resources.filter((r) => findMe(r, node.name, ips).length > 0).map((r) => r.name);
  // verify_ips(): a stacked resource is checked only when named (is_drbd_top), not in `dump`
  const bad = mine.flatMap((name) => {
    const res = config.resources.find((r) => r.name === name);
    const stacked = res !== undefined && findMe(res, node.name, ips)[0]?.kind === "stacked";
    return checkForHost(config, node.name, { ips, resources: [name] }).filter(
      (d) => (d.code === "ip-not-found" && !stacked) || d.code === "multiple-host-sections",
    );
  });
  if (bad.length) return { stdout: "", stderr: `${drbdadmStderr(bad).join("\n")}\n`, exitCode: 10 };
  return { stdout: dumpConfig(config, { hostname: node.name, ips }), stderr: "", exitCode: 0 };
}
