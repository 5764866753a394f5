/**
 * `drbdsetup status --json` (drbd-utils user/v9/drbdsetup.c status_cmd with json_output:
 * resource_status_json, device_status_json, connection_status_json, path_status_json,
 * peer_device_status_json), byte for byte its printf layout. The lab's kernel reports no
 * resync details (rs_total), so a running resync takes drbdsetup's in_resync_without_details
 * branch: only `percent-resync-done`, computed from out-of-sync and the device size.
 */
import type { DrbdKernel } from "./kernel";
import type { Connection, Device, Resource } from "./objects";
import { ioSuspFlags } from "./state-engine";
import { deviceStats, peerDeviceStats } from "./stats";
import { outOfSyncBits, resyncSuspStr } from "./status";

const bool = (b: boolean) => (b ? "true" : "false");
const RESYNC = ["SyncSource", "SyncTarget", "PausedSyncS", "PausedSyncT", "StartingSyncS", "StartingSyncT"];

function sizeKiB(d: Device): number {
  return Math.floor((d.md?.dataSize ?? 0) / 1024);
}

function deviceJson(k: DrbdKernel, res: Resource, d: Device): string {
  const s = deviceStats(res, d, k.world.clock.now);
  return [
    "    {",
    `      "volume": ${d.vnr},`,
    `      "minor": ${d.minor},`,
    `      "disk-state": "${d.disk}",`,
    `      "client": ${bool(d.backingPath === "none")},`,
    `      "open": ${bool(d.openers.length > 0)},`,
    `      "quorum": ${bool(d.quorum)},`,
    `      "size": ${sizeKiB(d)},`,
    `      "read": ${s.read},`,
    `      "written": ${s.written},`,
    `      "al-writes": ${d.alWrites},`,
    `      "bm-writes": ${d.bmWrites},`,
    `      "upper-pending": 0,`,
    `      "lower-pending": 0`,
    "    }",
  ].join("\n");
}

function peerDeviceJson(k: DrbdKernel, res: Resource, c: Connection, d: Device): string {
  const pd = c.peerDevices.get(d.vnr);
  if (!pd) return "";
  const now = k.world.clock.now;
  const st = peerDeviceStats(pd, now);
  const oosKiB = outOfSyncBits(k, res, c, d) * 4;
  const size = sizeKiB(d);
  const inSync = size === 0 ? 0 : 100 * (1 - oosKiB / size);
  const resyncing = RESYNC.includes(pd.repl);
  const lines = [
    "        {",
    `          "volume": ${d.vnr},`,
    `          "replication-state": "${pd.repl}",`,
    `          "peer-disk-state": "${pd.peerDisk}",`,
    `          "peer-client": false,`,
    `          "resync-suspended": "${resyncSuspStr(pd)}",`,
    `          "received": ${st.received},`,
    `          "sent": ${st.sent},`,
    `          "out-of-sync": ${oosKiB},`,
    `          "pending": ${pd.inFlight},`,
    `          "unacked": ${pd.inFlight},`,
    `          "has-sync-details": false,`,
    `          "has-online-verify-details": false,`,
    `          "percent-in-sync": ${inSync.toFixed(2)}${resyncing ? "," : ""}`,
  ];
  if (resyncing) lines.push(`          "percent-resync-done": ${inSync.toFixed(2)}`);
  lines.push("        }");
  return lines.join("\n");
}

function pathJson(c: Connection): string {
  return [
    "        {",
    '          "this_host": {',
    `            "address": "${c.path.localAddress}",`,
    `            "port": ${c.path.localPort},`,
    '            "family": "ipv4"',
    "          },",
    '          "remote_host": {',
    `            "address": "${c.path.peerAddress}",`,
    `            "port": ${c.path.port},`,
    '            "family": "ipv4"',
    "          },",
    `          "established": ${bool(c.cstate === "Connected")}`,
    "        }",
  ].join("\n");
}

function connectionJson(k: DrbdKernel, res: Resource, c: Connection): string {
  const pds = [...res.devices.values()].map((d) => peerDeviceJson(k, res, c, d)).filter(Boolean);
  return [
    "    {",
    `      "peer-node-id": ${c.peerNodeId},`,
    `      "name": "${c.peerName}",`,
    `      "connection-state": "${c.cstate}", `,
    `      "congested": false,`,
    `      "peer-role": "${c.peerRole}",`,
    `      "tls": false,`,
    `      "ap-in-flight": 0,`,
    `      "rs-in-flight": 0,`,
    '      "paths": [',
    `${pathJson(c)} ],`,
    '      "peer_devices": [',
    `${pds.join(",\n")} ]`,
    "    }",
  ].join("\n");
}

function resourceJson(k: DrbdKernel, res: Resource): string {
  const susp = ioSuspFlags(res);
  const has = (f: string) => susp.split(",").includes(f);
  const devices = [...res.devices.values()].map((d) => deviceJson(k, res, d));
  const conns = [...res.connections.values()].map((c) => connectionJson(k, res, c));
  return [
    "{",
    `  "name": "${res.name}",`,
    `  "node-id": ${res.nodeId},`,
    `  "role": "${res.role}",`,
    `  "suspended": ${bool(susp !== "no")},`,
    `  "suspended-user": ${bool(has("user"))},`,
    `  "suspended-no-data": ${bool(has("no-disk") || has("no-data"))},`,
    `  "suspended-fencing": ${bool(has("fencing"))},`,
    `  "suspended-quorum": ${bool(has("quorum"))},`,
    `  "force-io-failures": false,`,
    `  "write-ordering": "${res.conf.disk.writeOrdering}",`,
    '  "devices": [',
    `${devices.join(",\n")} ],`,
    '  "connections": [',
    `${conns.join(",\n")} ]`,
    "}",
  ].join("\n");
}

/** The whole answer for these resources: `[`, the resources separated by `,`, `]` and a blank line. */
export function statusJson(k: DrbdKernel, resources: Resource[]): string {
  if (resources.length === 0) return "[\n]\n\n";
  return `[\n${resources.map((r) => resourceJson(k, r)).join("\n,\n")}\n]\n\n`;
}
