/**
 * The policy engine (pacemaker-schedulerd), reduced to the exercise's needs: from the CIB, the
 * partition's members and what the agents' monitors report, decide where each resource should
 * run and in which role, then the ordered list of actions that gets there. Scores follow
 * Pacemaker: location constraints, the promotion score the DRBD agent sets (only UpToDate
 * data is promotable), INFINITY colocations, mandatory orderings, and resource-stickiness 1
 * (pcs's default for new clusters) so that a running resource stays where it is.
 */
import { type Action, type ProbeResult, promotionScore } from "./agents";
import {
  type Cib,
  type Clone,
  cloneOf,
  type FailedAction,
  INFINITY,
  locationApplies,
  metaInt,
  type Primitive,
} from "./model";

export interface Placement {
  /** Clone primitive id → where it runs and where it is promoted. */
  clones: Record<string, { running: string[]; promoted: string[] }>;
  /** Primitive id → the node it runs on (null: stopped). */
  primitives: Record<string, string | null>;
  /** Primitive id → every node it is active on (more than one after a healed partition). */
  active?: Record<string, string[]>;
}

export interface PlannedAction {
  rsc: string;
  node: string;
  action: Action;
}

export type Probes = Record<string, Record<string, ProbeResult>>;

const STICKINESS = 1;

function locationScore(cib: Cib, ids: string[], node: string, role?: string): number {
  let s = 0;
  for (const l of cib.locations) {
    if (!ids.includes(l.rsc) || !locationApplies(l, node)) continue;
    if (l.role && l.role !== "Started" && l.role !== role) continue;
    s = addScores(s, l.score);
  }
  return s;
}

/** Pacemaker's score addition (pcmk__add_scores): -INFINITY wins over everything, then INFINITY. */
function addScores(a: number, b: number): number {
  if (a <= -INFINITY || b <= -INFINITY) return -INFINITY;
  if (a >= INFINITY || b >= INFINITY) return INFINITY;
  return Math.max(-INFINITY, Math.min(INFINITY, a + b));
}

/** Start failures make a node ineligible (start-failure-is-fatal: fail-count = INFINITY). */
function banned(failures: FailedAction[], rsc: string, node: string): boolean {
  return failures.some((f) => f.rsc === rsc && f.node === node && f.op === "start");
}

/** What runs where now, according to the agents' monitors on the partition's members. */
export function actualPlacement(cib: Cib, members: string[], probes: Probes): Placement {
  const out: Placement = { clones: {}, primitives: {}, active: {} };
  for (const p of cib.primitives) {
    const on = members.filter((n) => probes[n]?.[p.id]?.running);
    if (cloneOf(cib, p.id)) out.clones[p.id] = { running: on, promoted: on.filter((n) => probes[n]?.[p.id]?.promoted) };
    else {
      out.primitives[p.id] = on[0] ?? null;
      (out.active as Record<string, string[]>)[p.id] = on;
    }
  }
  return out;
}

function colocatedWith(cib: Cib, id: string): { rsc: string; withRole?: string }[] {
  return cib.colocations
    .filter((c) => c.withRsc === id && c.score >= INFINITY)
    .map((c) => ({ rsc: c.rsc, ...(c.withRole ? { withRole: c.withRole } : {}) }));
}

/** Location preferences of everything that must follow `id` (colocated with it, transitively). */
function followersScore(
  cib: Cib,
  id: string,
  node: string,
  role: string | undefined,
  seen = new Set<string>(),
): number {
  let s = 0;
  for (const f of colocatedWith(cib, id)) {
    if (role && f.withRole && f.withRole !== role) continue;
    if (seen.has(f.rsc)) continue;
    seen.add(f.rsc);
    s += locationScore(cib, [f.rsc], node) + followersScore(cib, f.rsc, node, undefined, seen);
  }
  return Math.max(-INFINITY, Math.min(INFINITY, s));
}

export function desiredPlacement(
  cib: Cib,
  eligible: string[],
  actual: Placement,
  probes: Probes,
  failures: FailedAction[],
): Placement {
  const out: Placement = { clones: {}, primitives: {} };
  const nodeIndex = (n: string) => cib.nodes.indexOf(n);
  for (const c of cib.clones) {
    const p = c.rsc;
    const now = actual.clones[p] ?? { running: [], promoted: [] };
    const max = metaInt(c.meta, ["clone-max"], cib.nodes.length);
    const ids = [p, c.id];
    const candidates = eligible
      .filter((n) => !banned(failures, p, n) && locationScore(cib, ids, n) > -INFINITY)
      .sort(
        (a, b) =>
          Number(now.running.includes(b)) - Number(now.running.includes(a)) ||
          locationScore(cib, ids, b) - locationScore(cib, ids, a) ||
          nodeIndex(a) - nodeIndex(b),
      );
    const running = candidates.slice(0, max);
    let promoted: string[] = [];
    if (c.promotable) {
      const pmax = metaInt(c.meta, ["promoted-max", "master-max"], 1);
      const score = (n: string) => {
        const base = promotionScore(probes[n]?.[p]?.disk);
        if (base <= 0) return -INFINITY;
        const loc = addScores(locationScore(cib, ids, n, "Promoted"), followersScore(cib, c.id, n, "Promoted"));
        if (loc <= -INFINITY) return -INFINITY;
        return Math.min(INFINITY, base + loc + (now.promoted.includes(n) ? STICKINESS : 0));
      };
      promoted = running
        .filter((n) => score(n) > -INFINITY)
        .sort((a, b) => score(b) - score(a) || nodeIndex(a) - nodeIndex(b))
        .slice(0, pmax);
    }
    out.clones[p] = { running: [...running].sort((a, b) => nodeIndex(a) - nodeIndex(b)), promoted };
  }
  const solving = new Set<string>();
  const place = (p: Primitive): string | null => {
    if (p.id in out.primitives) return out.primitives[p.id] ?? null;
    if (solving.has(p.id)) return null;
    solving.add(p.id);
    const ok = (n: string | null | undefined): n is string =>
      !!n && eligible.includes(n) && !banned(failures, p.id, n) && locationScore(cib, [p.id], n) > -INFINITY;
    let node: string | null = null;
    const col = cib.colocations.find((c) => c.rsc === p.id && c.score >= INFINITY);
    if (col) {
      const clone = cib.clones.find((c) => c.id === col.withRsc);
      const target = clone
        ? col.withRole === "Promoted"
          ? out.clones[clone.rsc]?.promoted[0]
          : out.clones[clone.rsc]?.running[0]
        : (() => {
            const q = cib.primitives.find((x) => x.id === col.withRsc);
            return q ? place(q) : null;
          })();
      node = ok(target) ? target : null;
    } else {
      const current = actual.primitives[p.id];
      const cands = eligible.filter((n) => ok(n));
      cands.sort(
        (a, b) =>
          locationScore(cib, [p.id], b) +
            followersScore(cib, p.id, b, undefined) +
            (b === current ? STICKINESS : 0) -
            (locationScore(cib, [p.id], a) +
              followersScore(cib, p.id, a, undefined) +
              (a === current ? STICKINESS : 0)) || nodeIndex(a) - nodeIndex(b),
      );
      node = cands[0] ?? null;
    }
    // mandatory orderings: `then` cannot run unless `first` reached its state
    if (node) {
      for (const o of cib.orders.filter((x) => x.then === p.id && x.thenAction === "start")) {
        const clone = cib.clones.find((c) => c.id === o.first);
        const firstPrim = cib.primitives.find((x) => x.id === o.first);
        if (clone) {
          const d = out.clones[clone.rsc];
          if (o.firstAction === "promote" && !d?.promoted.length) node = null;
          if (o.firstAction === "start" && !d?.running.length) node = null;
        } else if (firstPrim && !place(firstPrim)) node = null;
      }
    }
    out.primitives[p.id] = node;
    return node;
  };
  for (const p of cib.primitives) if (!cloneOf(cib, p.id)) place(p);
  return out;
}

/** Topological order of the primitives for starting (mandatory orderings, then creation order). */
function startOrder(cib: Cib): string[] {
  const prims = cib.primitives.filter((p) => !cloneOf(cib, p.id)).map((p) => p.id);
  const out: string[] = [];
  const visit = (id: string, stack: Set<string>) => {
    if (out.includes(id) || stack.has(id)) return;
    stack.add(id);
    for (const o of cib.orders.filter((x) => x.then === id)) if (prims.includes(o.first)) visit(o.first, stack);
    out.push(id);
  };
  for (const id of prims) visit(id, new Set());
  return out;
}

/** The transition: stops and demotions first (reverse order), then starts and promotions. */
export function planTransition(cib: Cib, actual: Placement, desired: Placement): PlannedAction[] {
  const order = startOrder(cib);
  const acts: PlannedAction[] = [];
  // a resource active on several nodes (multiple-active, default policy stop_start) is
  // stopped everywhere but where it belongs
  for (const id of [...order].reverse()) {
    const on = actual.active?.[id] ?? (actual.primitives[id] ? [actual.primitives[id] as string] : []);
    const keep = on.length > 1 ? null : desired.primitives[id];
    for (const n of on) if (n !== keep) acts.push({ rsc: id, node: n, action: "stop" });
  }
  const clones: Clone[] = cib.clones;
  for (const c of clones) {
    const a = actual.clones[c.rsc] ?? { running: [], promoted: [] };
    const d = desired.clones[c.rsc] ?? { running: [], promoted: [] };
    for (const n of a.promoted) if (!d.promoted.includes(n)) acts.push({ rsc: c.rsc, node: n, action: "demote" });
    for (const n of a.running) if (!d.running.includes(n)) acts.push({ rsc: c.rsc, node: n, action: "stop" });
  }
  for (const c of clones) {
    const a = actual.clones[c.rsc] ?? { running: [], promoted: [] };
    const d = desired.clones[c.rsc] ?? { running: [], promoted: [] };
    for (const n of d.running) if (!a.running.includes(n)) acts.push({ rsc: c.rsc, node: n, action: "start" });
    for (const n of d.promoted) if (!a.promoted.includes(n)) acts.push({ rsc: c.rsc, node: n, action: "promote" });
  }
  for (const id of order) {
    const d = desired.primitives[id];
    const on = actual.active?.[id] ?? [];
    if (d && (on.length > 1 || actual.primitives[id] !== d)) acts.push({ rsc: id, node: d, action: "start" });
  }
  return acts;
}
