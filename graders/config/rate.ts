import type { CheckOutcome } from "../types";
import type { ConfigCtx } from "./context";
import { where } from "./context";

/**
 * How the resync speed of a resource is limited on one host, in DRBD 9 terms (drbd-behavior §6):
 * with the dynamic controller (c-plan-ahead > 0, default 20) the ceiling is c-max-rate and
 * resync-rate is only the starting value; with c-plan-ahead 0 the rate is fixed at resync-rate.
 * Only options *written* in the config count: c-max-rate's default is already 100 MiB/s, and
 * the exercise asks the learner to state the limit.
 */
export interface RateFinding {
  host: string;
  explicitMax?: number;
  explicitResync?: number;
  planAhead: number;
}

export function rateFindings(ctx: ConfigCtx, resource: string): RateFinding[] {
  const out: RateFinding[] = [];
  for (const h of ctx.hosts) {
    const r = ctx.resolve(resource, h.name);
    const pd = r?.peers[0]?.volumes[0]?.peerDevice ?? r?.peerDevice ?? {};
    const f: RateFinding = {
      host: h.name,
      planAhead: typeof pd["c-plan-ahead"] === "number" ? pd["c-plan-ahead"] : 20,
    };
    if (typeof pd["c-max-rate"] === "number") f.explicitMax = pd["c-max-rate"];
    if (typeof pd["resync-rate"] === "number") f.explicitResync = pd["resync-rate"];
    out.push(f);
  }
  return out;
}

const fmt = (kib: number) => (kib % 1024 === 0 ? `${kib / 1024}M (${kib} KiB/s)` : `${kib} KiB/s`);

function evaluate(ctx: ConfigCtx, resource: string, f: RateFinding, kib: number): CheckOutcome {
  if (f.planAhead === 0) {
    return f.explicitResync === kib
      ? { passed: true, detail: `débit fixe resync-rate ${fmt(kib)} (c-plan-ahead 0).` }
      : {
          passed: false,
          fraction: 0,
          detail: `avec c-plan-ahead 0 le débit est resync-rate, qui vaut ${fmt(f.explicitResync ?? 250)} (${where(ctx, resource, "resync-rate")}).`,
        };
  }
  if (f.explicitMax !== undefined) {
    return f.explicitMax === kib
      ? { passed: true, detail: `plafond c-max-rate ${fmt(kib)}.` }
      : {
          passed: false,
          fraction: 0,
          detail: `c-max-rate vaut ${fmt(f.explicitMax)} (${where(ctx, resource, "c-max-rate")}), pas ${fmt(kib)}.`,
        };
  }
  if (f.explicitResync === kib) {
    return {
      passed: false,
      fraction: 0.5,
      detail: `resync-rate ${fmt(kib)} seul n’est que la valeur de départ du contrôleur dynamique de DRBD 9 (c-plan-ahead ${f.planAhead}) ; le plafond reste c-max-rate. Écrivez « c-max-rate 100M; », ou ajoutez « c-plan-ahead 0; » pour un débit fixe.`,
    };
  }
  if (f.explicitResync !== undefined) {
    return {
      passed: false,
      fraction: 0,
      detail: `resync-rate vaut ${fmt(f.explicitResync)} (${where(ctx, resource, "resync-rate")}) et aucun c-max-rate n’est écrit.`,
    };
  }
  return {
    passed: false,
    fraction: 0,
    detail: "aucune limite de débit de resynchronisation n’est écrite (ni c-max-rate, ni resync-rate).",
  };
}

/**
 * Is the resync limited to exactly `kib` KiB/s on every host? Partial credit for resync-rate
 * alone. Hosts with the same finding are reported together ("node1, node2 : …").
 */
export function rateLimitedTo(ctx: ConfigCtx, resource: string, kib: number): CheckOutcome {
  const results = rateFindings(ctx, resource).map((f) => ({ host: f.host, o: evaluate(ctx, resource, f, kib) }));
  const byText = new Map<string, string[]>();
  for (const { host, o } of results) byText.set(o.detail ?? "", [...(byText.get(o.detail ?? "") ?? []), host]);
  const detail = [...byText].map(([text, hosts]) => `${hosts.join(", ")} : ${text}`).join(" ");
  const failed = results.filter((r) => !r.o.passed);
  if (failed.length === 0) return { passed: true, detail };
  return { passed: false, fraction: Math.min(...failed.map((r) => r.o.fraction ?? 0)), detail };
}
