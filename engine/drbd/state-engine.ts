/**
 * The one door for every state change (K9 drbd_state.c): propose → validate
 * (is_valid_soft_transition: refusal code) → sanitize (sanitize_state: invariants) → commit →
 * log (print_state_change: `role( Secondary -> Primary ) [primary]`). Commands, timers, the
 * network and crashes all change state through `changeState`.
 */
import type { Connection, Device, PeerDevice, Resource } from "./objects";
import { noQuorumInfo } from "./quorum";
import {
  type ConnState,
  type DiskState,
  diskRank,
  isSyncSourceState,
  isSyncTargetState,
  type ReplState,
  type Role,
  type StateErrorCode,
} from "./strings";

interface ConnSnap {
  cstate: ConnState;
  peerRole: Role;
}
interface DevSnap {
  disk: DiskState;
  quorum: boolean;
}
interface PdSnap {
  peerDisk: DiskState;
  repl: ReplState;
  susp: string;
}
export interface Snap {
  role: Role;
  susp: string;
  conns: Map<string, ConnSnap>;
  devs: Map<number, DevSnap>;
  pds: Map<string, PdSnap>;
}

export type StateResult = { ok: true } | { ok: false; code: StateErrorCode; info?: string[] };

export interface ChangeOptions {
  /** A user request (drbdsetup): soft checks apply and refusals are returned, not forced. */
  soft?: boolean;
  /** `primary --force`: skip the "need UpToDate data" and quorum checks. */
  force?: boolean;
  /** Tag printed after the change, e.g. "primary", "connected". */
  tag?: string;
  /** Tag the peers print for the mirrored change (two-phase commits print "remote"). */
  peerTag?: string;
  /** `primary --force` after failed fencing: consider peers Outdated (CS_FP_OUTDATE_PEERS). */
  outdatePeers?: boolean;
  /** Validate only: the state is restored and nothing is logged or committed. */
  dryRun?: boolean;
}

export interface StateHooks {
  /** Extra validation at cluster level (e.g. peers' open state); null = fine. */
  validate?(res: Resource, old: Snap, now: Snap, opts: ChangeOptions): StateResult | null;
  /** after_state_ch: meta-data flags, UUIDs, propagation to peers, handlers. */
  afterCommit?(res: Resource, old: Snap, now: Snap, opts: ChangeOptions): void;
  log(res: Resource, line: string): void;
  /** broadcast_state_change: the committed transition, for the typed state history. */
  broadcast?(res: Resource, old: Snap, now: Snap, tag?: string): void;
}

const pdKey = (peer: string, vnr: number) => `${peer}/${vnr}`;

export function suspFlags(pd: PeerDevice): string {
  const f: string[] = [];
  if (pd.resyncSusp.user) f.push("user");
  if (pd.resyncSusp.peer) f.push("peer");
  if (pd.resyncSusp.dependency) f.push("after dependency");
  return f.length ? f.join(",") : "no";
}

export function ioSuspFlags(res: Resource): string {
  const f: string[] = [];
  if (res.suspUser) f.push("user");
  if (res.suspNoData) f.push("no-disk");
  if (res.suspQuorum) f.push("quorum");
  return f.length ? f.join(",") : "no";
}

export function capture(res: Resource): Snap {
  const s: Snap = { role: res.role, susp: ioSuspFlags(res), conns: new Map(), devs: new Map(), pds: new Map() };
  for (const c of res.connections.values()) {
    s.conns.set(c.peerName, { cstate: c.cstate, peerRole: c.peerRole });
    for (const pd of c.peerDevices.values())
      s.pds.set(pdKey(c.peerName, pd.vnr), { peerDisk: pd.peerDisk, repl: pd.repl, susp: suspFlags(pd) });
  }
  for (const d of res.devices.values()) s.devs.set(d.vnr, { disk: d.disk, quorum: d.quorum });
  return s;
}

function restore(res: Resource, s: Snap): void {
  res.role = s.role;
  for (const c of res.connections.values()) {
    const cs = s.conns.get(c.peerName);
    if (cs) Object.assign(c, cs);
    for (const pd of c.peerDevices.values()) {
      const p = s.pds.get(pdKey(c.peerName, pd.vnr));
      if (p) {
        pd.peerDisk = p.peerDisk;
        pd.repl = p.repl;
      }
    }
  }
  for (const d of res.devices.values()) {
    const ds = s.devs.get(d.vnr);
    if (ds) Object.assign(d, ds);
  }
}

/** Does the resource have access to UpToDate data (local disk, or a connected UpToDate peer)? */
export function hasUpToDateAccess(res: Resource, d: Device): boolean {
  if (d.disk === "UpToDate") return true;
  for (const c of res.connections.values()) {
    const pd = c.peerDevices.get(d.vnr);
    if (c.cstate === "Connected" && pd?.peerDisk === "UpToDate") return true;
  }
  return false;
}

type Check = (res: Resource, o: Snap, n: Snap, opts: ChangeOptions) => StateErrorCode | null;

const promoted = (o: Snap, n: Snap) => o.role !== "Primary" && n.role === "Primary";

/** Soft-transition checks (K9 __is_valid_soft_transition), first match wins. */
const SOFT_CHECKS: Check[] = [
  // -1: another connected Primary without allow-two-primaries
  (res, o, n) => {
    if (!promoted(o, n)) return null;
    for (const c of res.connections.values())
      if (c.cstate === "Connected" && c.peerRole === "Primary" && !c.net.allowTwoPrimaries) return -1;
    return null;
  },
  // -12: demote while the device is open (`secondary --force`, DRBD ≥ 9.1.7, demotes anyway)
  (res, o, n, opts) =>
    o.role === "Primary" &&
    n.role === "Secondary" &&
    !opts.force &&
    [...res.devices.values()].some((d) => d.openers.length > 0)
      ? -12
      : null,
  // -2: promotion (or detach of a Primary) without access to UpToDate data
  (res, o, n) => {
    if (n.role !== "Primary") return null;
    for (const d of res.devices.values())
      if (!hasUpToDateAccess(res, d) && (promoted(o, n) || o.devs.get(d.vnr)?.disk !== d.disk)) return -2;
    return null;
  },
  // -25: promotion without quorum (overridden by --force); checked after -2 as in K9
  (res, o, n, opts) => (promoted(o, n) && !opts.force && [...res.devices.values()].some((d) => !d.quorum) ? -25 : null),
  // -7: fencing configured, not connected, peer not known to be Outdated (K9 SS_PRIMARY_NOP)
  (res, o, n, opts) => {
    if (!promoted(o, n) || opts.outdatePeers) return null;
    for (const c of res.connections.values()) {
      if (c.net.fencing === "dont-care" || c.cstate === "Connected") continue;
      for (const pd of c.peerDevices.values()) if (diskRank(pd.peerDisk) > diskRank("Outdated")) return -7;
    }
    return null;
  },
  // -16 / -6: outdate rules
  (res, o, _n) => {
    for (const d of res.devices.values()) {
      const was = o.devs.get(d.vnr)?.disk;
      if (d.disk !== "Outdated" || was === "Outdated") continue;
      if (was && diskRank(was) < diskRank("Outdated")) return -16;
      for (const c of res.connections.values()) if (c.cstate === "Connected" && c.peerRole === "Primary") return -6;
    }
    return null;
  },
];

/** sanitize_state(): invariants applied to every change. */
function sanitize(res: Resource): void {
  for (const c of res.connections.values()) {
    if (c.cstate !== "Connected") {
      c.peerRole = "Unknown";
      for (const pd of c.peerDevices.values()) {
        pd.repl = "Off";
        // a peer disk known to be Inconsistent or Outdated keeps that value
        if (pd.peerDisk !== "Inconsistent" && pd.peerDisk !== "Outdated") pd.peerDisk = "DUnknown";
        if (c.cstate === "StandAlone" && pd.peerDisk !== "Outdated") pd.peerDisk = "DUnknown";
      }
    }
  }
  for (const d of res.devices.values()) {
    for (const c of res.connections.values()) {
      const pd = c.peerDevices.get(d.vnr);
      if (!pd) continue;
      const paused = pd.resyncSusp.user || pd.resyncSusp.peer || pd.resyncSusp.dependency;
      if (isSyncSourceState(pd.repl)) pd.repl = paused ? "PausedSyncS" : "SyncSource";
      if (isSyncTargetState(pd.repl)) pd.repl = paused ? "PausedSyncT" : "SyncTarget";
      if (isSyncTargetState(pd.repl)) d.disk = d.disk === "Diskless" ? d.disk : "Inconsistent";
      if (isSyncSourceState(pd.repl) && pd.peerDisk !== "Diskless") pd.peerDisk = "Inconsistent";
      // a resync aborts when either disk drops below Inconsistent
      if (
        (isSyncSourceState(pd.repl) || isSyncTargetState(pd.repl)) &&
        (diskRank(d.disk) < diskRank("Inconsistent") || diskRank(pd.peerDisk) < diskRank("Inconsistent"))
      )
        pd.repl = "Established";
    }
  }
}

function logChanges(res: Resource, o: Snap, n: Snap, hooks: StateHooks, tag?: string): void {
  const t = tag ? ` [${tag}]` : "";
  const r: string[] = [];
  if (o.role !== n.role) r.push(`role( ${o.role} -> ${n.role} )`);
  if (o.susp !== n.susp) r.push(`susp-io( ${o.susp} -> ${n.susp} )`);
  if (r.length) hooks.log(res, `drbd ${res.name}: ${r.join(" ")}${t}`);
  for (const [peer, cn] of n.conns) {
    const co = o.conns.get(peer);
    const l: string[] = [];
    if (co && co.cstate !== cn.cstate) l.push(`conn( ${co.cstate} -> ${cn.cstate} )`);
    if (co && co.peerRole !== cn.peerRole) l.push(`peer( ${co.peerRole} -> ${cn.peerRole} )`);
    if (l.length) hooks.log(res, `drbd ${res.name} ${peer}: ${l.join(" ")}${t}`);
  }
  for (const d of res.devices.values()) {
    const dn = n.devs.get(d.vnr);
    const dO = o.devs.get(d.vnr);
    const pre = `drbd ${res.name}/${d.vnr} drbd${d.minor}`;
    const l: string[] = [];
    if (dO && dn && dO.disk !== dn.disk) l.push(`disk( ${dO.disk} -> ${dn.disk} )`);
    if (dO && dn && dO.quorum !== dn.quorum)
      l.push(`quorum( ${dO.quorum ? "yes" : "no"} -> ${dn.quorum ? "yes" : "no"} )`);
    if (l.length) hooks.log(res, `${pre}: ${l.join(" ")}${t}`);
    for (const c of res.connections.values()) {
      const k = pdKey(c.peerName, d.vnr);
      const po = o.pds.get(k);
      const pn = n.pds.get(k);
      if (!po || !pn) continue;
      const m: string[] = [];
      if (po.peerDisk !== pn.peerDisk) m.push(`pdsk( ${po.peerDisk} -> ${pn.peerDisk} )`);
      if (po.repl !== pn.repl) m.push(`repl( ${po.repl} -> ${pn.repl} )`);
      if ((po.susp === "no") !== (pn.susp === "no")) m.push(`resync-susp( ${po.susp} -> ${pn.susp} )`);
      if (m.length) hooks.log(res, `${pre} ${c.peerName}: ${m.join(" ")}${t}`);
    }
  }
}

function equalSnap(a: Snap, b: Snap): boolean {
  if (a.role !== b.role || a.susp !== b.susp) return false;
  for (const [k, v] of a.conns) {
    const w = b.conns.get(k);
    if (!w || w.cstate !== v.cstate || w.peerRole !== v.peerRole) return false;
  }
  for (const [k, v] of a.devs) {
    const w = b.devs.get(k);
    if (!w || w.disk !== v.disk || w.quorum !== v.quorum) return false;
  }
  for (const [k, v] of a.pds) {
    const w = b.pds.get(k);
    if (!w || w.peerDisk !== v.peerDisk || w.repl !== v.repl || w.susp !== v.susp) return false;
  }
  return a.conns.size === b.conns.size && a.devs.size === b.devs.size && a.pds.size === b.pds.size;
}

/**
 * Apply `mutate` to the resource's state fields as one atomic state change.
 * Returns the refusal for a soft (user) change that fails validation; the state is then unchanged.
 */
export function changeState(
  res: Resource,
  mutate: (r: Resource) => void,
  hooks: StateHooks,
  opts: ChangeOptions = {},
): StateResult {
  const old = capture(res);
  mutate(res);
  sanitize(res);
  const now = capture(res);
  if (opts.soft) {
    for (const check of SOFT_CHECKS) {
      const code = check(res, old, now, opts);
      if (code !== null) {
        const info = code === -25 ? noQuorumInfo(res) : [];
        restore(res, old);
        return info.length ? { ok: false, code, info } : { ok: false, code };
      }
    }
    const extra = hooks.validate?.(res, old, now, opts);
    if (extra && !extra.ok) {
      restore(res, old);
      return extra;
    }
  }
  if (opts.dryRun) {
    restore(res, old);
    return { ok: true };
  }
  if (equalSnap(old, now)) return { ok: true };
  logChanges(res, old, now, hooks, opts.tag);
  hooks.broadcast?.(res, old, now, opts.tag);
  hooks.afterCommit?.(res, old, now, opts);
  return { ok: true };
}

export type { Connection };
