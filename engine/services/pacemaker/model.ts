/**
 * The cluster information base (CIB) of the simulated Pacemaker 2.1 / Corosync 3 cluster, as
 * plain data: the configuration that `pcs` edits, shared by every node of the cluster once it
 * is set up (the CIB is replicated), and the per-node daemon state.
 */

/** Ubuntu 22.04 (the node image) ships Pacemaker 2.1.2 and pcs 0.10.11. */
export const PACEMAKER_VERSION = "2.1.2-ada5c3b36e2";

export type Role = "Promoted" | "Unpromoted" | "Started";

export interface Primitive {
  id: string;
  /** "ocf:linbit:drbd", "ocf:heartbeat:Filesystem", "ocf:heartbeat:IPaddr2". */
  agent: string;
  params: Record<string, string>;
  ops: { name: string; options: Record<string, string> }[];
  meta: Record<string, string>;
}

export interface Clone {
  id: string;
  /** The primitive inside the clone. */
  rsc: string;
  promotable: boolean;
  meta: Record<string, string>;
}

export interface Colocation {
  id: string;
  rsc: string;
  rscRole?: Role;
  withRsc: string;
  withRole?: Role;
  score: number;
}

export interface Order {
  id: string;
  first: string;
  firstAction: "start" | "promote" | "stop" | "demote";
  then: string;
  thenAction: "start" | "promote" | "stop" | "demote";
}

export interface Location {
  id: string;
  rsc: string;
  /** The node of a plain constraint ("" when a rule decides). */
  node: string;
  score: number;
  role?: Role;
  /** `pcs constraint location RSC rule ... #uname eq|ne NODE`: the nodes the score applies to. */
  rule?: { id: string; exprId: string; operation: "eq" | "ne"; value: string };
}

/** Does this location constraint apply to `node`? */
export function locationApplies(l: Location, node: string): boolean {
  if (!l.rule) return l.node === node;
  return l.rule.operation === "eq" ? node === l.rule.value : node !== l.rule.value;
}

export interface Cib {
  clusterName: string;
  nodes: string[];
  properties: Record<string, string>;
  primitives: Primitive[];
  clones: Clone[];
  colocations: Colocation[];
  orders: Order[];
  locations: Location[];
  standby: string[];
  /** Who changed the CIB last (`Last change:` of crm_mon). */
  lastChange: { us: number; node: string; via: string };
  epoch: number;
}

export interface FailedAction {
  rsc: string;
  op: string;
  node: string;
  rc: number;
  reason: string;
  atUs: number;
}

export const INFINITY = 1_000_000;

export function scoreText(n: number): string {
  if (n >= INFINITY) return "INFINITY";
  if (n <= -INFINITY) return "-INFINITY";
  return String(n);
}

export function parseScore(s: string): number | undefined {
  const t = s.replace(/^\+/, "");
  if (/^INFINITY$/i.test(t)) return INFINITY;
  if (/^-INFINITY$/i.test(t)) return -INFINITY;
  if (!/^-?\d+$/.test(t)) return undefined;
  return Math.max(-INFINITY, Math.min(INFINITY, Number(t)));
}

/** Accepts the Pacemaker 2.1 role names and the deprecated ones pcs still takes. */
export function parseRole(s: string): Role | undefined {
  const l = s.toLowerCase();
  if (l === "promoted" || l === "master") return "Promoted";
  if (l === "unpromoted" || l === "slave") return "Unpromoted";
  if (l === "started") return "Started";
  return undefined;
}

/** Every resource id (primitives and clones). */
export function resourceIds(cib: Cib): string[] {
  return [...cib.primitives.map((p) => p.id), ...cib.clones.map((c) => c.id)];
}

export function cloneOf(cib: Cib, primitive: string): Clone | undefined {
  return cib.clones.find((c) => c.rsc === primitive);
}

export function primitive(cib: Cib, id: string): Primitive | undefined {
  return cib.primitives.find((p) => p.id === id);
}

export function metaInt(meta: Record<string, string>, keys: string[], dflt: number): number {
  for (const k of keys) {
    const v = meta[k];
    if (v !== undefined && /^\d+$/.test(v)) return Number(v);
  }
  return dflt;
}

export function newCib(name: string, nodes: string[], us: number, node: string): Cib {
  return {
    clusterName: name,
    nodes: [...nodes],
    properties: {},
    primitives: [],
    clones: [],
    colocations: [],
    orders: [],
    locations: [],
    standby: [],
    lastChange: { us, node, via: "cibadmin" },
    epoch: 1,
  };
}
