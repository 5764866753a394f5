/**
 * Quorum (K9 drbd_state.c calc_quorum / __calc_quorum_with_disk): this node counts itself
 * (up_to_date or present) and every diskful peer: connected peers are up_to_date or present,
 * absent peers are `outdated` (their disk known Outdated or worse, or MDF_PEER_OUTDATED) or
 * `unknown`. When no absent peer is unknown, the outdated ones cannot form a partition that
 * promotes, so they leave the voters ("last man standing"). quorum_at: majority voters/2 + 1,
 * all, or a number. Without quorum a Primary freezes I/O (on-no-quorum suspend-io, the
 * default) or fails it (io-error).
 */
import type { DrbdKernel } from "./kernel";
import { peerMd } from "./metadata";
import type { Resource } from "./objects";
import { diskRank } from "./strings";

export interface QuorumInfo {
  /** Nodes seen with a disk, this one included (qd.up_to_date + qd.present). */
  present: number;
  voters: number;
  quorumAt: number;
  quorum: boolean;
}

function quorumAt(setting: Resource["conf"]["options"]["quorum"], voters: number): number {
  if (setting === "majority") return Math.floor(voters / 2) + 1;
  if (setting === "all") return voters;
  return setting === "off" ? 0 : setting;
}

export function calcQuorum(res: Resource, vnr: number): QuorumInfo {
  const q = res.conf.options.quorum;
  const dev = res.devices.get(vnr);
  let present = dev && diskRank(dev.disk) > diskRank("Diskless") && dev.disk !== "Detaching" ? 1 : 0;
  let outdated = 0;
  let unknown = 0;
  for (const c of res.connections.values()) {
    const pd = c.peerDevices.get(vnr);
    const peerConf = res.conf.peers.find((p) => p.host === c.peerName);
    if (peerConf?.volumes.find((v) => v.vnr === vnr)?.disk === "none") continue;
    if (c.cstate === "Connected" && pd && pd.peerDisk !== "DUnknown") {
      present++;
      continue;
    }
    const flagged = dev?.md ? peerMd(dev.md, c.peerNodeId).peerOutdated : false;
    if ((pd && diskRank(pd.peerDisk) <= diskRank("Outdated")) || flagged) outdated++;
    else unknown++;
  }
  const voters = unknown ? outdated + unknown + present : present;
  const at = quorumAt(q, voters);
  return { present, voters, quorumAt: at, quorum: q === "off" || present >= at };
}

/** The kernel's `additional info` for a refused promotion without quorum (K9 is_valid_soft_transition). */
export function noQuorumInfo(res: Resource): string[] {
  for (const d of res.devices.values()) {
    const qi = calcQuorum(res, d.vnr);
    if (qi.quorum) continue;
    if (diskRank(d.disk) <= diskRank("Attaching")) return ["no UpToDate peer with quorum"];
    return [`${qi.present} of ${qi.voters} nodes visible, need ${qi.quorumAt} for quorum`];
  }
  return [];
}

/** Recompute every device's quorum and the quorum suspension through the state engine. */
export function updateQuorum(k: DrbdKernel, res: Resource): void {
  if (!k.alive(res)) return;
  const want = new Map<number, boolean>();
  for (const d of res.devices.values()) want.set(d.vnr, calcQuorum(res, d.vnr).quorum);
  const lost = [...want.values()].some((v) => !v);
  const suspend = lost && res.role === "Primary" && res.conf.options.onNoQuorum === "suspend-io";
  const changed = [...res.devices.values()].some((d) => d.quorum !== want.get(d.vnr)) || res.suspQuorum !== suspend;
  if (!changed) return;
  k.change(
    res,
    () => {
      for (const d of res.devices.values()) d.quorum = want.get(d.vnr) ?? true;
      res.suspQuorum = suspend;
    },
    { tag: "lost-quorum" },
  );
}
