/**
 * The three OCF resource agents of the exercise, reduced to what they do on a node: each
 * action is the shell command the real agent runs (drbdadm, mount, ip), executed on the node
 * through the world, so DRBD, the storage and the network see exactly what a learner's own
 * commands would do. `probe` is the agent's monitor: it reads the node's real state.
 */
import { secondaryAddresses } from "../../shell/commands/net";
import type { LabNode, World } from "../../world/types";
import type { Primitive } from "./model";

export interface AgentMeta {
  required: string[];
  optional: string[];
}

/** Parameters from the agents' metadata (the subset a learner may meet). */
export const AGENTS: Record<string, AgentMeta> = {
  "ocf:linbit:drbd": {
    required: ["drbd_resource"],
    optional: [
      "drbdconf",
      "adjust_master_score",
      "stop_outdates_secondary",
      "unfence_extra_args",
      "ignore_missing_notifications",
      "require_drbd_module_version_ge",
      "require_drbd_module_version_lt",
    ],
  },
  "ocf:heartbeat:Filesystem": {
    required: ["device", "directory", "fstype"],
    optional: [
      "options",
      "statusfile_prefix",
      "run_fsck",
      "fast_stop",
      "force_clones",
      "force_unmount",
      "term_signals",
      "kill_signals",
      "signal_delay",
    ],
  },
  "ocf:heartbeat:IPaddr2": {
    required: ["ip"],
    optional: [
      "nic",
      "cidr_netmask",
      "broadcast",
      "iflabel",
      "lvs_support",
      "mac",
      "clusterip_hash",
      "arp_interval",
      "arp_count",
      "arp_sender",
      "flush_routes",
      "preferred_lft",
    ],
  },
};

/** Short names pcs resolves: "IPaddr2" → "ocf:heartbeat:IPaddr2", "drbd" → "ocf:linbit:drbd". */
export function resolveAgent(name: string): string | undefined {
  if (AGENTS[name]) return name;
  const hits = Object.keys(AGENTS).filter((a) => a.split(":")[2] === name || a.endsWith(`:${name}`));
  return hits.length === 1 ? hits[0] : undefined;
}

export interface ProbeResult {
  running: boolean;
  /** For promotable clones: Primary on this node. */
  promoted: boolean;
  /** drbd: the local disk state, for the promotion score. */
  disk?: string;
}

type DrbdView = Record<string, Record<string, { role: string; devices: { disk: string }[] }>>;

function drbdView(world: World): DrbdView {
  const s = world.subsystem("drbd")?.snapshot?.();
  return (s ?? {}) as DrbdView;
}

export function probe(world: World, node: LabNode, p: Primitive): ProbeResult {
  if (node.state !== "running") return { running: false, promoted: false };
  switch (p.agent) {
    case "ocf:linbit:drbd": {
      const r = drbdView(world)[node.name]?.[p.params.drbd_resource ?? ""];
      if (!r) return { running: false, promoted: false };
      return { running: true, promoted: r.role === "Primary", disk: r.devices[0]?.disk ?? "Diskless" };
    }
    case "ocf:heartbeat:Filesystem": {
      const dir = (p.params.directory ?? "").replace(/\/+$/, "") || "/";
      const m = node.mounts.some((x) => x.mountpoint === dir && x.device === p.params.device);
      return { running: m, promoted: false };
    }
    case "ocf:heartbeat:IPaddr2": {
      const ip = p.params.ip ?? "";
      return { running: secondaryAddresses(node).some((a) => a.split("/")[0] === ip), promoted: false };
    }
    default:
      return { running: false, promoted: false };
  }
}

/** The master score the linbit agent sets (crm_master): only an UpToDate disk may be promoted. */
export function promotionScore(disk: string | undefined): number {
  if (disk === "UpToDate") return 10000;
  if (disk === "Consistent") return 5;
  return 0;
}

export type Action = "start" | "stop" | "promote" | "demote";

/** The command line an agent runs for an action. */
export function actionCommand(p: Primitive, action: Action): string {
  const q = (s: string | undefined) => `'${(s ?? "").replace(/'/g, "'\\''")}'`;
  switch (p.agent) {
    case "ocf:linbit:drbd": {
      const r = q(p.params.drbd_resource);
      if (action === "start") return `drbdadm role ${r} >/dev/null 2>&1 || drbdadm up ${r}`;
      if (action === "stop") return `drbdadm down ${r}`;
      if (action === "promote") return `drbdadm primary ${r}`;
      return `drbdadm secondary ${r}`;
    }
    case "ocf:heartbeat:Filesystem": {
      if (action === "start")
        return `mkdir -p ${q(p.params.directory)} && mount -t ${q(p.params.fstype)}${p.params.options ? ` -o ${q(p.params.options)}` : ""} ${q(p.params.device)} ${q(p.params.directory)}`;
      return `umount ${q(p.params.directory)}`;
    }
    case "ocf:heartbeat:IPaddr2": {
      const cidr = `${p.params.ip}/${p.params.cidr_netmask ?? "32"}`;
      const nic = p.params.nic ?? "eth0";
      return action === "start" ? `ip addr add ${q(cidr)} dev ${q(nic)}` : `ip addr del ${q(cidr)} dev ${q(nic)}`;
    }
    default:
      return "false";
  }
}
