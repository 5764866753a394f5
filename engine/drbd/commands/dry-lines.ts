/**
 * The drbdsetup command lines drbdadm builds for `up` (U9 drbdadm_main.c adm_resource,
 * adm_new_peer, adm_new_path, adm_peer_device, adm_attach): what `drbdadm -d up` prints.
 * Options are passed as written in the configuration (`--sndbuf-size=512k`), in drbdadm's
 * expand_opts order; `up` schedules its calls in stages (drbdadm.h enum drbd_cfg_stage), so
 * every new-peer comes before every new-path, across all the resources of `up all`.
 */
import type { Address, ResolvedPeer, ResolvedResource } from "../config";

/** drbd_cfg_stage order of the calls `up` schedules. */
export const UP_STAGE = {
  newResource: 0, // CFG_PREREQ
  newMinor: 3, // CFG_DISK_PREP_UP
  newPeer: 6, // CFG_NET_PREP_UP
  newPath: 7, // CFG_NET_PATH
  peerDevice: 9, // CFG_PEER_DEVICE
  attach: 10, // CFG_DISK
  connect: 11, // CFG_NET_CONNECT
} as const;

const opts = (raw: Record<string, string>) =>
  Object.entries(raw)
    .map(([k, v]) => ` --${k}=${v}`)
    .join("");

export function newResourceLine(r: ResolvedResource): string {
  return `drbdsetup new-resource ${r.name} ${r.me.nodeId}${opts(r.optionsRaw)}`;
}

export function newPeerLine(r: ResolvedResource, p: ResolvedPeer): string {
  return `drbdsetup new-peer ${r.name} ${p.nodeId} --_name=${p.connName}${opts(p.netRaw)}`;
}

function addr(a: Address | undefined, port?: number): string {
  if (!a) return "";
  const host = a.af === "ipv6" ? `[${a.addr}]` : a.addr;
  return `${a.af}:${host}:${port ?? a.port}`;
}

export function newPathLine(r: ResolvedResource, p: ResolvedPeer): string {
  const mine = p.myAddress ?? r.me.address;
  return `drbdsetup new-path ${r.name} ${p.nodeId} ${addr(mine)} ${addr(p.address, p.port)}`;
}

/**
 * One more new-path per further `path { }` of the connection (adm_new_path iterates the paths).
 * The simulated kernel models one path per connection: these lines change nothing there.
 */
export function extraPathLines(r: ResolvedResource, p: ResolvedPeer): string[] {
  return p.extraPaths.map(
    (x) => `drbdsetup new-path ${r.name} ${p.nodeId} ${addr(x.myAddress ?? r.me.address)} ${addr(x.address)}`,
  );
}

/** `peer-device-options` for each volume whose peer-device options are not empty. */
export function peerDeviceLines(r: ResolvedResource, p: ResolvedPeer): string[] {
  return p.volumes
    .filter((v) => Object.keys(v.peerDeviceRaw).length > 0)
    .map((v) => `drbdsetup peer-device-options ${r.name} ${p.nodeId} ${v.vnr}${opts(v.peerDeviceRaw)}`);
}
