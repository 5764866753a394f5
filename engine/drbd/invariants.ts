/**
 * DRBD invariants for the property tests (and lab self-checks): they hold after any command
 * sequence once in-flight writes are delivered.
 */
import { sameContent } from "../block/digest";
import type { DrbdKernel } from "./kernel";
import type { Resource } from "./objects";
import { CONN_STATES, DISK_STATES, REPL_STATES, ROLES } from "./strings";

export interface InvariantViolation {
  rule: string;
  detail: string;
}

/** Nodes reachable from `res` over Connected connections (one connected component). */
function component(k: DrbdKernel, res: Resource): Resource[] {
  const seen = new Set<Resource>([res]);
  const todo = [res];
  while (todo.length) {
    const r = todo.pop() as Resource;
    for (const c of r.connections.values()) {
      if (c.cstate !== "Connected") continue;
      const p = k.peerSide(r, c);
      if (p && p.conn.cstate === "Connected" && !seen.has(p.res)) {
        seen.add(p.res);
        todo.push(p.res);
      }
    }
  }
  return [...seen];
}

export function checkInvariants(k: DrbdKernel, opts: { compareData?: boolean } = {}): InvariantViolation[] {
  const v: InvariantViolation[] = [];
  const live = k.allResources().filter((r) => k.alive(r));
  for (const r of live) {
    if (!ROLES.includes(r.role)) v.push({ rule: "valid-enum", detail: `${r.node.name} role ${r.role}` });
    for (const d of r.devices.values())
      if (!DISK_STATES.includes(d.disk)) v.push({ rule: "valid-enum", detail: `${r.node.name} disk ${d.disk}` });
    for (const c of r.connections.values()) {
      if (!CONN_STATES.includes(c.cstate)) v.push({ rule: "valid-enum", detail: `${r.node.name} cstate ${c.cstate}` });
      if (!ROLES.includes(c.peerRole)) v.push({ rule: "valid-enum", detail: `${r.node.name} peer role ${c.peerRole}` });
      for (const pd of c.peerDevices.values()) {
        if (!REPL_STATES.includes(pd.repl) || !DISK_STATES.includes(pd.peerDisk))
          v.push({ rule: "valid-enum", detail: `${r.node.name} peer device ${pd.repl}/${pd.peerDisk}` });
        if (c.cstate !== "Connected" && (c.peerRole !== "Unknown" || pd.repl !== "Off"))
          v.push({
            rule: "sanitized",
            detail: `${r.node.name}->${c.peerName} not connected but peer ${c.peerRole} repl ${pd.repl}`,
          });
      }
      // both ends of a connection agree on what they see of each other
      const p = k.peerSide(r, c);
      if (p && c.cstate === "Connected" && p.conn.cstate === "Connected") {
        if (c.peerRole !== p.res.role)
          v.push({
            rule: "peer-view",
            detail: `${r.node.name} sees ${c.peerName} as ${c.peerRole}, it is ${p.res.role}`,
          });
        for (const [vnr, pd] of c.peerDevices) {
          const pdev = p.res.devices.get(vnr);
          if (pdev && pd.peerDisk !== pdev.disk)
            v.push({
              rule: "peer-view",
              detail: `${r.node.name} sees ${c.peerName}/${vnr} disk ${pd.peerDisk}, it is ${pdev.disk}`,
            });
        }
      }
    }
    // never two Primaries in one connected component without allow-two-primaries
    const comp = component(k, r);
    const primaries = comp.filter((x) => x.role === "Primary");
    const allowed = comp.every((x) =>
      [...x.connections.values()].every((c) => c.cstate !== "Connected" || c.net.allowTwoPrimaries),
    );
    if (primaries.length > 1 && !allowed)
      v.push({ rule: "single-primary", detail: primaries.map((x) => x.node.name).join(",") });
  }
  if (opts.compareData) {
    for (const r of live)
      for (const c of r.connections.values()) {
        const p = k.peerSide(r, c);
        if (!p || c.cstate !== "Connected" || r.node.name > c.peerName) continue;
        for (const [vnr, d] of r.devices) {
          const pd = p.res.devices.get(vnr);
          const repl = c.peerDevices.get(vnr)?.repl;
          if (
            !pd ||
            d.disk !== "UpToDate" ||
            pd.disk !== "UpToDate" ||
            repl !== "Established" ||
            !d.backing ||
            !pd.backing ||
            !d.md
          )
            continue;
          if (!sameContent(d.backing, 0, pd.backing, 0, d.md.dataSize))
            v.push({
              rule: "identical-data",
              detail: `${r.name}/${vnr} differs between ${r.node.name} and ${c.peerName}`,
            });
        }
      }
  }
  return v;
}
