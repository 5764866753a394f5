/**
 * Cluster-wide role changes (K9 drbd_state.c change_cluster_wide_state): the initiator
 * validates locally, prepares the change on every connected peer, collects the replies and
 * commits; both sides log it ("Preparing cluster-wide state change 1234: 0->all role( Primary )").
 */
import type { DrbdKernel } from "./kernel";
import type { Connection, Resource } from "./objects";
import { type ChangeOptions, hasUpToDateAccess, type StateResult } from "./state-engine";
import { diskRank, type Role } from "./strings";

export function changeRole(
  k: DrbdKernel,
  res: Resource,
  role: Role,
  opts: ChangeOptions,
  extra?: (r: Resource) => void,
): StateResult {
  const mutate = (r: Resource) => {
    r.role = role;
    extra?.(r);
  };
  const peers = [...res.connections.values()]
    .map((c) => ({ c, p: k.peerSide(res, c) }))
    .filter((x) => x.c.cstate === "Connected" && x.p && x.p.conn.cstate === "Connected");
  if (peers.length === 0 || res.role === role) return k.change(res, mutate, opts);
  const dry = k.change(res, mutate, { ...opts, dryRun: true });
  if (!dry.ok) return dry;
  const tid = k.rng.nextU32();
  const what = `${res.nodeId}->all role( ${role} )`;
  k.log(res, `drbd ${res.name}: Preparing cluster-wide state change ${tid}: ${what}`);
  for (const { p } of peers)
    if (p) {
      k.logConn(p.res, p.conn, `Preparing remote state change ${tid}`);
      k.log(p.res, `drbd ${p.res.name}: Preparing remote state change ${tid}: ${what}`);
    }
  let primaries = role === "Primary" ? 1n << BigInt(res.nodeId) : 0n;
  // the request is relayed to the whole mesh: far-away primaries answer too
  for (const m of reachableMembers(k, res)) if (m !== res && m.role === "Primary") primaries |= 1n << BigInt(m.nodeId);
  let reachable = 1n << BigInt(res.nodeId);
  for (const { p } of peers) if (p) reachable |= 1n << BigInt(p.res.nodeId);
  const weak = ((1n << 64n) - 1n) & ~reachable;
  const hex = (v: bigint) => v.toString(16).toUpperCase();
  k.log(res, `drbd ${res.name}: State change ${tid}: primary_nodes=${hex(primaries)}, weak_nodes=${hex(weak)}`);
  const rtt = Math.max(...peers.map(({ c }) => 2 * k.world.net.path(res.node.name, c.peerName).latencyUs));
  const ms = Math.max(0, Math.round(rtt / 1000));
  if (role === "Primary" && distantPrimary(k, res)) {
    // K9 check_primaries_distances: SS_TWO_PRIMARIES, the change is aborted everywhere
    k.log(res, `drbd ${res.name}: Aborting cluster-wide state change ${tid} (${ms}ms) rv = -1`);
    for (const { p } of peers) if (p) k.logConn(p.res, p.conn, `Aborting remote state change ${tid}`);
    return { ok: false, code: -1 };
  }
  k.log(res, `drbd ${res.name}: Committing cluster-wide state change ${tid} (${ms}ms)`);
  for (const { p } of peers)
    if (p) k.logConn(p.res, p.conn, `Committing remote state change ${tid} (primary_nodes=${hex(primaries)})`);
  return k.change(res, mutate, { ...opts, peerTag: "remote" });
}

/** Both ends of the connection are Connected and packets get through: a live link of the mesh. */
function linked(k: DrbdKernel, res: Resource, c: Connection): Resource | null {
  if (c.cstate !== "Connected" || !k.cluster.reachable(res, c)) return null;
  const p = k.peerSide(res, c);
  return p && p.conn.cstate === "Connected" ? p.res : null;
}

/** Nodes a two-phase commit started on `res` reaches, directly or relayed by peers (reachable_nodes). */
export function reachableMembers(k: DrbdKernel, res: Resource): Resource[] {
  const seen = new Set<Resource>([res]);
  const todo = [res];
  for (let r = todo.pop(); r; r = todo.pop())
    for (const c of r.connections.values()) {
      const p = linked(k, r, c);
      if (p && !seen.has(p)) {
        seen.add(p);
        todo.push(p);
      }
    }
  return [...seen];
}

function directlyConnected(k: DrbdKernel, res: Resource): Set<Resource> {
  const s = new Set<Resource>([res]);
  for (const c of res.connections.values()) {
    const p = linked(k, res, c);
    if (p) s.add(p);
  }
  return s;
}

/** A Primary with access to UpToDate data: it sets weak_nodes in the 2PC reply (K9 change_cluster_wide_state). */
function capablePrimary(r: Resource): boolean {
  return r.role === "Primary" && [...r.devices.values()].every((d) => hasUpToDateAccess(r, d));
}

/**
 * After losing a peer (or a disconnect that leaves the cluster connected through other nodes),
 * the node runs an empty cluster-wide state change (K9 twopc_after_lost_peer, tag "lost-peer");
 * at commit every member that cannot reach a Primary directly outdates itself
 * (do_twopc_after_lost_peer / do_change_cstate: primary_nodes & ~directly_reachable →
 * __outdate_myself). Only when some peer is still connected: alone, there is nobody to ask.
 */
export function twopcAfterLostPeer(k: DrbdKernel, res: Resource, tag = "lost-peer", announce = true): void {
  const members = reachableMembers(k, res);
  if (members.length < 2) return;
  const primaries = members.filter(capablePrimary);
  if (announce) {
    // a graceful disconnect carries this in its own 2PC: only a lost peer starts an empty one
    const tid = k.rng.nextU32();
    k.log(res, `drbd ${res.name}: Preparing cluster-wide state change ${tid}: ${res.nodeId}->all empty`);
    let primaryMask = 0n;
    for (const p of primaries) primaryMask |= 1n << BigInt(p.nodeId);
    const weak = primaries.length ? ((1n << 64n) - 1n) & ~reachableFrom(k, primaries) : 0n;
    const hex = (v: bigint) => v.toString(16).toUpperCase();
    k.log(res, `drbd ${res.name}: State change ${tid}: primary_nodes=${hex(primaryMask)}, weak_nodes=${hex(weak)}`);
    k.log(res, `drbd ${res.name}: Committing cluster-wide state change ${tid} (0ms)`);
  }
  for (const m of members) {
    const direct = directlyConnected(k, m);
    if (!primaries.some((p) => !direct.has(p))) continue;
    k.change(
      m,
      () => {
        for (const d of m.devices.values()) if (diskRank(d.disk) > diskRank("Outdated")) d.disk = "Outdated";
      },
      { tag: m === res ? tag : "remote" },
    );
  }
}

/** Node mask of the primaries and the nodes they are directly connected to. */
function reachableFrom(k: DrbdKernel, primaries: Resource[]): bigint {
  let m = 0n;
  for (const p of primaries) for (const r of directlyConnected(k, p)) m |= 1n << BigInt(r.nodeId);
  return m;
}

/**
 * A promotion is checked by every node the 2PC reaches (K9 check_primaries_distances): another
 * Primary anywhere in the connected mesh refuses it (-1) unless every connection allows two
 * primaries.
 */
export function distantPrimary(k: DrbdKernel, res: Resource): Resource | null {
  const others = reachableMembers(k, res).filter((r) => r !== res && r.role === "Primary");
  if (!others.length) return null;
  const allowed = [...res.connections.values()].every((c) => c.net.allowTwoPrimaries);
  return allowed ? null : (others[0] ?? null);
}
