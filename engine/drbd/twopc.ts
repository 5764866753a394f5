/**
 * Cluster-wide role changes (K9 drbd_state.c change_cluster_wide_state): the initiator
 * validates locally, prepares the change on every connected peer, collects the replies and
 * commits; both sides log it ("Preparing cluster-wide state change 1234: 0->all role( Primary )").
 */
import type { DrbdKernel } from "./kernel";
import type { Resource } from "./objects";
import type { ChangeOptions, StateResult } from "./state-engine";
import type { Role } from "./strings";

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
  for (const { p } of peers) if (p && p.res.role === "Primary") primaries |= 1n << BigInt(p.res.nodeId);
  let reachable = 1n << BigInt(res.nodeId);
  for (const { p } of peers) if (p) reachable |= 1n << BigInt(p.res.nodeId);
  const weak = ((1n << 64n) - 1n) & ~reachable;
  const hex = (v: bigint) => v.toString(16).toUpperCase();
  k.log(res, `drbd ${res.name}: State change ${tid}: primary_nodes=${hex(primaries)}, weak_nodes=${hex(weak)}`);
  const rtt = Math.max(...peers.map(({ c }) => 2 * k.world.net.path(res.node.name, c.peerName).latencyUs));
  k.log(
    res,
    `drbd ${res.name}: Committing cluster-wide state change ${tid} (${Math.max(0, Math.round(rtt / 1000))}ms)`,
  );
  for (const { p } of peers)
    if (p) k.logConn(p.res, p.conn, `Committing remote state change ${tid} (primary_nodes=${hex(primaries)})`);
  return k.change(res, mutate, { ...opts, peerTag: "remote" });
}
