import type { CheckOutcome } from "../types";
import type { ConfigCtx } from "./context";

/** Every address of r0, seen from every host (its own and its peer's), must use `port`. */
export function portEverywhere(ctx: ConfigCtx, resource: string, port: string): CheckOutcome {
  const wrong = new Set<string>();
  for (const h of ctx.hosts) {
    const r = ctx.resolve(resource, h.name);
    if (!r) {
      wrong.add(`${resource} n’est pas défini pour ${h.name}`);
      continue;
    }
    for (const p of r.peers) {
      for (const [who, a] of [
        [h.name, p.myAddress],
        [p.name, p.address],
      ] as const) {
        if (a && a.port !== port) wrong.add(`${who} écoute encore sur ${a.addr}:${a.port}`);
      }
    }
  }
  return wrong.size === 0 ? { passed: true } : { passed: false, detail: `${[...wrong].join(" ; ")}.` };
}

/** r0 still replicates /dev/sda1 between node1 and node2 as /dev/drbd0, nothing else moved. */
export function r0Preserved(ctx: ConfigCtx): CheckOutcome {
  const problems: string[] = [];
  for (const h of ctx.hosts) {
    const r = ctx.resolve("r0", h.name);
    if (!r) {
      problems.push(`r0 n’est plus défini pour ${h.name}`);
      continue;
    }
    const v = r.volumes[0];
    if (v?.minor !== 0 || v.disk !== "/dev/sda1") problems.push(`${h.name} : r0 doit rester /dev/drbd0 sur /dev/sda1`);
    const addr = r.me.address?.addr;
    if (addr !== undefined && addr !== h.ip) problems.push(`${h.name} doit garder l’adresse ${h.ip}`);
  }
  return problems.length === 0 ? { passed: true } : { passed: false, detail: `${problems.join(" ; ")}.` };
}
