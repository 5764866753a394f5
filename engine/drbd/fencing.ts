/**
 * Resource-level fencing (K9 drbd_nl.c conn_try_outdate_peer): with `fencing resource-only`
 * (or resource-and-stonith) a node that is not connected may not become Primary while its
 * peer is not known to be Outdated (-7); drbdadm's fence-peer handler is run and its exit
 * code decides: 3 peer Inconsistent, 4 peer Outdated, 5 peer down (counts only if our disk is
 * UpToDate), 6 peer is Primary (outdate myself), 7 peer stonithed; anything else: broken.
 */
import type { DrbdKernel } from "./kernel";
import { peerMd } from "./metadata";
import type { Connection, Resource } from "./objects";
import { diskRank } from "./strings";

const OUTCOME: Record<number, string> = {
  3: "peer is inconsistent or worse",
  4: "peer was fenced",
  5: "peer is unreachable, assumed to be dead",
  6: "peer is active",
  7: "peer was stonithed",
};

/** Run fence-peer for one connection; true when the peer is now known Outdated (or worse). */
export async function tryOutdatePeer(k: DrbdKernel, res: Resource, c: Connection, tag: string): Promise<boolean> {
  if (c.cstate === "Connected" || c.net.fencing === "dont-care") return c.net.fencing === "dont-care";
  const highest = Math.max(...[...res.devices.values()].map((d) => diskRank(d.disk)));
  if (highest < diskRank("Consistent")) return false;
  const node = res.node;
  k.logConn(res, c, "helper command: /sbin/drbdadm fence-peer");
  const line = res.conf.handlers["fence-peer"];
  const dev = [...res.devices.values()][0];
  const env: Record<string, string> = {
    DRBD_RESOURCE: res.name,
    DRBD_NODE_ID: String(res.nodeId),
    DRBD_PEER_ADDRESS: c.path.peerAddress,
    DRBD_PEER_AF: "ipv4",
    DRBD_PEER_NODE_ID: String(c.peerNodeId),
    ...(dev ? { DRBD_MINOR: String(dev.minor), DRBD_VOLUME: String(dev.vnr) } : {}),
  };
  const code = line ? (await k.world.exec(node, line, { env })).exitCode & 0xff : 0;
  if (!k.alive(res)) return false;
  k.logConn(
    res,
    c,
    code === 0
      ? "helper command: /sbin/drbdadm fence-peer exit code 0"
      : `helper command: /sbin/drbdadm fence-peer exit code ${code} (0x${(code << 8).toString(16)})`,
  );
  const text = OUTCOME[code];
  if (!text) {
    k.logConn(res, c, `fence-peer helper broken, returned ${code}`);
    return false;
  }
  let peerDisk: "Inconsistent" | "Outdated" | null = null;
  let note = text;
  if (code === 3) peerDisk = "Inconsistent";
  else if (code === 4 || code === 7) peerDisk = "Outdated";
  else if (code === 5) {
    if (highest === diskRank("UpToDate")) peerDisk = "Outdated";
    else note = "peer unreachable, doing nothing since disk != UpToDate";
  }
  if (code === 7 && c.net.fencing !== "resource-and-stonith")
    k.logConn(res, c, "fence-peer() = 7 && fencing != Stonith !!!");
  if (code === 6) k.logConn(res, c, "Peer is primary, outdating myself.");
  k.logConn(res, c, `fence-peer helper returned ${code} (${note})`);
  // the connection came back while the handler ran: do not fence (K9 "connection re-established")
  if ((c.cstate as string) === "Connected") return false;
  k.change(
    res,
    () => {
      if (code === 6)
        for (const d of res.devices.values()) if (diskRank(d.disk) > diskRank("Outdated")) d.disk = "Outdated";
      if (peerDisk) for (const pd of c.peerDevices.values()) pd.peerDisk = peerDisk;
    },
    { tag },
  );
  if (peerDisk === "Outdated")
    for (const d of res.devices.values()) if (d.md) peerMd(d.md, c.peerNodeId).peerOutdated = true;
  return [...c.peerDevices.values()].every((pd) => diskRank(pd.peerDisk) <= diskRank("Outdated"));
}
