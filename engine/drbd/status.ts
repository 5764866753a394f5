/**
 * `drbdsetup status [--verbose] [--statistics]` text (drbd-utils user/v9/drbdsetup.c
 * resource_status/device_status/connection_status/peer_device_status) with wrap_printf's
 * 80-column wrapping — including its quirk of leaving the column at -1 after indenting.
 */
import type { DrbdKernel } from "./kernel";
import { peerMd } from "./metadata";
import type { Connection, Device, PeerDevice, Resource } from "./objects";
import { doneBitsAt, donePercent } from "./resync";
import { ioSuspFlags } from "./state-engine";
import { deviceStats, peerDeviceStats } from "./stats";
import { REPL_STATES } from "./strings";

export class Wrap {
  out = "";
  private col = 0;
  constructor(private readonly columns = 80) {}

  p(indent: number, text: string): void {
    let t = text;
    while (t.startsWith("\n")) {
      this.out += "\n";
      this.col = 0;
      t = t.slice(1);
    }
    if (!t) return;
    const n = t.length;
    if (this.col > 0 && this.col + n > this.columns) {
      this.out += "\n";
      this.col = 0;
    }
    if (this.col === 0) {
      t = t.replace(/^ +/, "");
      this.out += " ".repeat(indent);
      this.col = -1;
    }
    this.out += t;
    this.col += t.length;
    if (t.endsWith("\n")) this.col = 0;
  }
}

export interface StatusOpts {
  verbose: boolean;
  statistics: boolean;
}

/** Bits still out of sync toward a peer (resync progress applied). */
export function outOfSyncBits(k: DrbdKernel, _res: Resource, c: Connection, d: Device): number {
  const pd = c.peerDevices.get(d.vnr);
  if (!d.md) return 0;
  const bits = peerMd(d.md, c.peerNodeId).bitmap.count();
  if (pd?.resync && pd.resync.kind === "resync")
    return Math.max(0, Math.round(bits - doneBitsAt(pd.resync, k.world.clock.now)));
  return bits;
}

function replRank(r: PeerDevice["repl"]): number {
  return REPL_STATES.indexOf(r);
}

export function resyncSuspStr(pd: PeerDevice): string {
  const f = [
    pd.resyncSusp.user && "user",
    pd.resyncSusp.peer && "peer",
    pd.resyncSusp.dependency && "dependency",
  ].filter(Boolean);
  return f.length ? f.join(",") : "no";
}

export function resourceStatus(k: DrbdKernel, res: Resource, o: StatusOpts): string {
  const w = new Wrap();
  const now = k.world.clock.now;
  w.p(0, res.name);
  if (o.verbose) w.p(4, ` node-id:${res.nodeId}`);
  w.p(4, ` role:${res.role}`);
  const susp = ioSuspFlags(res).replace("no-disk", "no-data");
  if (o.verbose || susp !== "no") w.p(4, ` suspended:${susp}`);
  if (o.verbose) w.p(4, " force-io-failures:no");
  if (o.statistics && o.verbose) {
    w.p(4, "\n");
    w.p(4, ` write-ordering:${res.conf.disk.writeOrdering}`);
  }
  w.p(0, "\n");
  const single = res.devices.size === 1;
  for (const d of [...res.devices.values()].sort((a, b) => a.vnr - b.vnr)) {
    let indent = 2;
    if (o.verbose || !(single && d.vnr === 0)) {
      w.p(indent, `volume:${d.vnr}`);
      indent = 6;
      if (o.verbose) w.p(indent, ` minor:${d.minor}`);
    }
    w.p(indent, ` disk:${d.disk}`);
    if (d.disk === "Diskless") w.p(indent, ` client:${d.backingPath === "none" ? "yes" : "no"}`);
    if (o.verbose) w.p(indent, ` backing_dev:${d.disk === "Diskless" ? "none" : d.backingPath}`);
    if (o.verbose || !d.quorum) w.p(indent, ` quorum:${d.quorum ? "yes" : "no"}`);
    indent = 6;
    if (o.statistics) {
      w.p(indent, "\n");
      if (o.verbose) w.p(indent, ` size:${Math.floor((d.md?.dataSize ?? 0) / 1024)}`);
      const ds = deviceStats(res, d, now);
      w.p(indent, ` read:${ds.read}`);
      w.p(indent, ` written:${ds.written}`);
      if (o.verbose) {
        w.p(indent, ` al-writes:${d.alWrites}`);
        w.p(indent, ` bm-writes:${d.bmWrites}`);
        w.p(indent, " upper-pending:0");
        w.p(indent, " lower-pending:0");
        w.p(indent, " al-suspended:no");
      }
    }
    if (o.verbose) w.p(indent, " blocked:no");
    w.p(indent, "\n");
  }
  for (const c of [...res.connections.values()].sort((a, b) => a.peerNodeId - b.peerNodeId)) {
    w.p(2, c.peerName);
    if (o.verbose) w.p(6, ` node-id:${c.peerNodeId}`);
    if (o.verbose || c.cstate !== "Connected") w.p(6, ` connection:${c.cstate}`);
    if (o.verbose || c.cstate === "Connected") {
      w.p(6, ` role:${c.peerRole}`);
      if (o.verbose) w.p(6, " tls:no");
    }
    if (o.verbose) {
      w.p(6, " congested:no");
      const inflight = [...c.peerDevices.values()].reduce((s, pd) => s + pd.inFlight, 0);
      w.p(6, ` ap-in-flight:${inflight * 8}`);
      w.p(6, " rs-in-flight:0");
    }
    w.p(0, "\n");
    if (!(o.verbose || o.statistics || c.cstate === "Connected")) continue;
    for (const d of [...res.devices.values()].sort((a, b) => a.vnr - b.vnr)) {
      const pd = c.peerDevices.get(d.vnr);
      if (!pd) continue;
      let indent = 4;
      if (o.verbose || !(single && d.vnr === 0)) {
        w.p(indent, `volume:${d.vnr}`);
        indent = 8;
      }
      if (o.verbose || replRank(pd.repl) > replRank("Established")) {
        w.p(indent, ` replication:${pd.repl}`);
        indent = 8;
      }
      if (o.verbose || o.statistics || pd.repl !== "Off" || pd.peerDisk !== "DUnknown") {
        w.p(indent, ` peer-disk:${pd.peerDisk}`);
        if (pd.peerDisk === "Diskless") w.p(indent, " peer-client:no");
        indent = 8;
        const run = pd.resync;
        if (run && run.totalBits > 0) w.p(indent, ` done:${donePercent(run, now)}`);
        if (o.verbose || resyncSuspStr(pd) !== "no") w.p(indent, ` resync-suspended:${resyncSuspStr(pd)}`);
        if (o.statistics) {
          w.p(indent, "\n");
          const ps = peerDeviceStats(pd, now);
          w.p(indent, ` received:${ps.received}`);
          w.p(indent, ` sent:${ps.sent}`);
          const oos = outOfSyncBits(k, res, c, d) * 4;
          if (o.verbose || oos) w.p(indent, ` out-of-sync:${oos}`);
          if (o.verbose) {
            w.p(indent, ` pending:${pd.inFlight}`);
            w.p(indent, ` unacked:${pd.inFlight}`);
            if (run && run.totalBits > 0) {
              const rate = run.paused ? 0 : (run.rateBps * 4) / 1024;
              w.p(indent, ` dbdt1:${rate.toFixed(2)}`);
              const left = run.totalBits - doneBitsAt(run, now);
              w.p(indent, ` eta:${run.paused || rate === 0 ? "nan" : ((left * 4) / 1024 / rate).toFixed(0)}`);
            }
          }
        }
      }
      w.p(0, "\n");
    }
  }
  w.p(0, "\n");
  return w.out;
}

/** `drbdadm role` (DRBD 9: local role; `res:peer` gives the peer's). */
export function roleLine(res: Resource, peer?: Connection): string {
  return peer ? peer.peerRole : res.role;
}

/** `drbdadm dstate`: local/peer[/peer...] per volume. */
export function dstateLines(res: Resource): string[] {
  return [...res.devices.values()].map((d) =>
    [d.disk, ...[...res.connections.values()].map((c) => c.peerDevices.get(d.vnr)?.peerDisk ?? "DUnknown")].join("/"),
  );
}

/** `drbdsetup events2 --now [--statistics]`: the `exists` lines (print_changes order) and `exists -`. */
export function events2(k: DrbdKernel, resources: Resource[], statistics: boolean): string {
  const lines: string[] = [];
  const now = k.world.clock.now;
  for (const res of resources) {
    const promotable = res.role !== "Primary" && [...res.devices.values()].every((d) => d.disk === "UpToDate");
    lines.push(
      `exists resource name:${res.name} role:${res.role} suspended:${ioSuspFlags(res).replace("no-disk", "no-data")} force-io-failures:no may_promote:${promotable ? "yes" : "no"} promotion_score:${promotable ? 10101 : 0}${statistics ? ` write-ordering:${res.conf.disk.writeOrdering}` : ""}`,
    );
    for (const c of res.connections.values())
      lines.push(
        `exists connection name:${res.name} peer-node-id:${c.peerNodeId} conn-name:${c.peerName} connection:${c.cstate} role:${c.peerRole}${statistics ? " congested:no ap-in-flight:0 rs-in-flight:0" : ""}`,
      );
    for (const d of res.devices.values())
      lines.push(
        `exists device name:${res.name} volume:${d.vnr} minor:${d.minor} backing_dev:${d.disk === "Diskless" ? "none" : d.backingPath} disk:${d.disk} client:${d.backingPath === "none" ? "yes" : "no"} quorum:${d.quorum ? "yes" : "no"}${statistics ? ` size:${Math.floor((d.md?.dataSize ?? 0) / 1024)} read:${deviceStats(res, d, now).read} written:${deviceStats(res, d, now).written} al-writes:${d.alWrites} bm-writes:${d.bmWrites} upper-pending:0 lower-pending:0 al-suspended:no` : ""}`,
      );
    // print_changes: each connection's peer devices, then its paths
    for (const c of res.connections.values()) {
      for (const d of res.devices.values()) {
        const pd = c.peerDevices.get(d.vnr);
        if (!pd) continue;
        const done = pd.resync && pd.resync.totalBits > 0 ? ` done:${donePercent(pd.resync, now)}` : "";
        lines.push(
          `exists peer-device name:${res.name} peer-node-id:${c.peerNodeId} conn-name:${c.peerName} volume:${d.vnr} replication:${pd.repl} peer-disk:${pd.peerDisk} peer-client:no resync-suspended:${resyncSuspStr(pd)}${done}${statistics ? ` received:${peerDeviceStats(pd, now).received} sent:${peerDeviceStats(pd, now).sent} out-of-sync:${outOfSyncBits(k, res, c, d) * 4} pending:${pd.inFlight} unacked:${pd.inFlight}` : ""}`,
        );
      }
      lines.push(
        `exists path name:${res.name} peer-node-id:${c.peerNodeId} conn-name:${c.peerName} local:ipv4:${c.path.localAddress}:${c.path.localPort} peer:ipv4:${c.path.peerAddress}:${c.path.port} established:${c.cstate === "Connected" ? "yes" : "no"}`,
      );
    }
  }
  lines.push("exists -");
  return `${lines.join("\n")}\n`;
}
