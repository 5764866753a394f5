/**
 * Traffic counters as `drbdsetup status --statistics` / events2 print them (KiB): the stored
 * totals plus the part of a running resync already transferred. A resync settles its blocks
 * into the stored counters only when it ends or is interrupted (sync.ts), so without the live
 * part a SyncSource would show sent:0/read:0 and a SyncTarget received:0/written:0 for the
 * whole resync (K9 counts each resync block as it goes: peer_device->send_cnt/recv_cnt,
 * device->read_cnt/writ_cnt in drbd_sender.c/drbd_receiver.c).
 */
import type { Device, PeerDevice, Resource } from "./objects";
import { doneBitsAt } from "./resync";

function liveKiB(pd: PeerDevice, nowUs: number, side: "S" | "T"): number {
  const run = pd.resync;
  if (!run || run.kind !== "resync") return 0;
  const source = pd.repl === "SyncSource" || pd.repl === "PausedSyncS";
  const target = pd.repl === "SyncTarget" || pd.repl === "PausedSyncT";
  if ((side === "S" && !source) || (side === "T" && !target)) return 0;
  return Math.floor(doneBitsAt(run, nowUs)) * 4;
}

export function peerDeviceStats(pd: PeerDevice, nowUs: number): { sent: number; received: number } {
  return { sent: pd.sentKiB + liveKiB(pd, nowUs, "S"), received: pd.receivedKiB + liveKiB(pd, nowUs, "T") };
}

export function deviceStats(res: Resource, d: Device, nowUs: number): { read: number; written: number } {
  let read = d.readKiB;
  let written = d.writtenKiB;
  for (const c of res.connections.values()) {
    const pd = c.peerDevices.get(d.vnr);
    if (!pd) continue;
    read += liveKiB(pd, nowUs, "S");
    written += liveKiB(pd, nowUs, "T");
  }
  return { read, written };
}
