/**
 * Quorum for three or more nodes (K9 drbd_state.c calc_quorum): voters are the nodes with a
 * disk that this node knows of, minus peers that left gracefully (their disk recorded
 * Outdated); quorum when present ≥ quorum_at (majority: voters/2 + 1, all, or a number).
 * Without quorum a Primary suspends I/O (on-no-quorum suspend-io, the default) or fails it.
 */
import type { DrbdKernel } from "./kernel";
import { peerMd } from "./metadata";
import type { Resource } from "./objects";
import { diskRank } from "./strings";

export interface QuorumInfo {
  present: number;
  voters: number;
  quorumAt: number;
  quorum: boolean;
}

export function calcQuorum(res: Resource, vnr: number): QuorumInfo {
  const q = res.conf.options.quorum;
  const dev = res.devices.get(vnr);
  let voters = dev && dev.disk !== "Diskless" ? 1 : 0;
  let present = voters;
  for (const c of res.connections.values()) {
    const pd = c.peerDevices.get(vnr);
    const leftGracefully = dev?.md ? peerMd(dev.md, c.peerNodeId).peerOutdated && c.cstate !== "Connected" : false;
    const peerConf = res.conf.peers.find((p) => p.host === c.peerName);
    const peerHasDisk = peerConf?.volumes.find((v) => v.vnr === vnr)?.disk !== "none";
    if (!peerHasDisk || leftGracefully) continue;
    voters++;
    if (c.cstate === "Connected" && pd && diskRank(pd.peerDisk) >= diskRank("Inconsistent")) present++;
  }
  const quorumAt = q === "off" ? 0 : q === "majority" ? Math.floor(voters / 2) + 1 : q === "all" ? voters : q;
  return { present, voters, quorumAt, quorum: q === "off" || present >= quorumAt };
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
