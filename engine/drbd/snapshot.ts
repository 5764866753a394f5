/** Plain-JSON view of every node's DRBD state, for lab.state() and the graders. */
import type { DrbdKernel } from "./kernel";
import { donePercent } from "./resync";
import { outOfSyncBits } from "./status";
import { uuidHex } from "./uuid";

export interface DrbdSnapshot {
  [node: string]: {
    [resource: string]: {
      role: string;
      suspended: boolean;
      devices: {
        volume: number;
        minor: number;
        disk: string;
        open: boolean;
        size: number;
        quorum: boolean;
        uuids: { current: string; history: string[] } | null;
      }[];
      connections: {
        peer: string;
        cstate: string;
        peerRole: string;
        peerDevices: {
          volume: number;
          replication: string;
          peerDisk: string;
          done: number | null;
          outOfSyncKiB: number;
          resyncSuspended: string;
        }[];
      }[];
    };
  };
}

export function snapshotDrbd(k: DrbdKernel): DrbdSnapshot {
  const out: DrbdSnapshot = {};
  const now = k.world.clock.now;
  for (const node of [...k.world.nodes.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const resources = [...k.resources(node).values()]
      .filter((r) => k.alive(r))
      .sort((a, b) => a.name.localeCompare(b.name));
    const per: DrbdSnapshot[string] = {};
    for (const r of resources) {
      per[r.name] = {
        role: r.role,
        suspended: r.suspQuorum || r.suspUser || r.suspNoData,
        devices: [...r.devices.values()].map((d) => ({
          volume: d.vnr,
          minor: d.minor,
          disk: d.disk,
          open: d.openers.length > 0,
          size: d.md?.dataSize ?? 0,
          quorum: d.quorum,
          uuids: d.md ? { current: uuidHex(d.md.current), history: d.md.history.map(uuidHex) } : null,
        })),
        connections: [...r.connections.values()].map((c) => ({
          peer: c.peerName,
          cstate: c.cstate,
          peerRole: c.peerRole,
          peerDevices: [...c.peerDevices.values()].map((pd) => {
            const d = r.devices.get(pd.vnr);
            const susp =
              [pd.resyncSusp.user && "user", pd.resyncSusp.peer && "peer", pd.resyncSusp.dependency && "dependency"]
                .filter(Boolean)
                .join(",") || "no";
            return {
              volume: pd.vnr,
              replication: pd.repl,
              peerDisk: pd.peerDisk,
              done: pd.resync && pd.resync.totalBits > 0 ? Number(donePercent(pd.resync, now)) : null,
              outOfSyncKiB: d ? outOfSyncBits(k, r, c, d) * 4 : 0,
              resyncSuspended: susp,
            };
          }),
        })),
      };
    }
    out[node.name] = per;
  }
  return out;
}
