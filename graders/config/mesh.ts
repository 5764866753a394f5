import type { CheckOutcome } from "../types";
import type { ConfigCtx } from "./context";

/** One connection between two hosts as each side resolves it. */
export interface PairView {
  a: string;
  b: string;
  /** Protocols seen from each side (more than one entry per side = declared twice). */
  protocols: string[];
  declarations: number;
}

const key = (x: string, y: string) => (x < y ? `${x}|${y}` : `${y}|${x}`);

export function pairs(ctx: ConfigCtx, resource: string): Map<string, PairView> {
  const out = new Map<string, PairView>();
  for (const h of ctx.hosts) {
    const r = ctx.resolve(resource, h.name);
    for (const p of r?.peers ?? []) {
      const k = key(h.name, p.name);
      const [a, b] = k.split("|") as [string, string];
      const v = out.get(k) ?? { a, b, protocols: [], declarations: 0 };
      v.protocols.push(p.settings.protocol);
      v.declarations += 1;
      out.set(k, v);
    }
  }
  return out;
}

/** Every host is defined for the resource (its own `on` section). */
export function allHostsDefined(ctx: ConfigCtx, resource: string): CheckOutcome {
  const missing = ctx.hosts.filter((h) => !ctx.resolve(resource, h.name)).map((h) => h.name);
  return missing.length === 0
    ? { passed: true }
    : { passed: false, detail: `Sans section « on » : ${missing.join(", ")}.` };
}

/** Every pair of hosts is connected, exactly once (DRBD 9 full mesh). */
export function fullMesh(ctx: ConfigCtx, resource: string): CheckOutcome {
  const seen = pairs(ctx, resource);
  const problems: string[] = [];
  const names = ctx.hosts.map((h) => h.name);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const v = seen.get(key(names[i] as string, names[j] as string));
      if (!v) problems.push(`pas de connexion ${names[i]}–${names[j]}`);
      else if (v.declarations > 2) problems.push(`connexion ${names[i]}–${names[j]} déclarée plusieurs fois`);
    }
  }
  return problems.length === 0 ? { passed: true } : { passed: false, detail: `${problems.join(" ; ")}.` };
}

/** The given pairs all replicate with `protocol` (as seen from both sides). */
export function pairsUse(
  ctx: ConfigCtx,
  resource: string,
  wanted: readonly [string, string][],
  protocol: string,
): CheckOutcome {
  const seen = pairs(ctx, resource);
  const bad: string[] = [];
  for (const [x, y] of wanted) {
    const v = seen.get(key(x, y));
    if (!v) bad.push(`${x}–${y} : pas de connexion`);
    else if (v.protocols.some((p) => p !== protocol))
      bad.push(`${x}–${y} : protocole ${[...new Set(v.protocols)].join("/")}`);
  }
  return bad.length === 0 ? { passed: true } : { passed: false, detail: `${bad.join(" ; ")}.` };
}
