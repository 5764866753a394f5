import type { SplitBrainEvent, StateChangeEvent, StateField, StateObject } from "../../engine/index";
import { frNumber } from "../format";
import type { CheckOutcome } from "../types";
import type { LabCtx } from "./context";

/**
 * Reusable lab predicates, each returning what was actually observed so the failure message
 * can say what is wrong ("node2 : rôle Primary, disque Inconsistent").
 */
export function roleAndDisk(ctx: LabCtx, node: string, role: string, disk: string, resource = "r0"): CheckOutcome {
  if (ctx.state.nodes[node]?.state !== "running") return { passed: false, detail: `${node} n’est pas démarré.` };
  const s = ctx.drbd(node, resource);
  if (!s) return { passed: false, detail: `${node} : la ressource ${resource} n’est pas active (drbdadm up ?).` };
  const d = s.devices[0]?.disk ?? "?";
  return s.role === role && d === disk
    ? { passed: true }
    : { passed: false, detail: `${node} : rôle ${s.role}, disque ${d}.` };
}

/** `node` sees `peer` connected, replication finished and the peer's disk UpToDate. */
export function inSyncWith(ctx: LabCtx, node: string, peer: string, resource = "r0"): CheckOutcome {
  const s = ctx.drbd(node, resource);
  const c = s?.connections.find((x) => x.peer === peer);
  if (!s || !c) return { passed: false, detail: `${node} n’a pas de connexion vers ${peer} pour ${resource}.` };
  if (c.cstate !== "Connected") return { passed: false, detail: `${node} → ${peer} : connexion ${c.cstate}.` };
  const pd = c.peerDevices[0];
  if (pd?.replication !== "Established" || pd.peerDisk !== "UpToDate") {
    const done = pd?.done != null ? ` (${frNumber(pd.done, { minDecimals: 2 })} %)` : "";
    return {
      passed: false,
      detail: `${node} → ${peer} : réplication ${pd?.replication ?? "?"}, disque du pair ${pd?.peerDisk ?? "?"}${done}.`,
    };
  }
  return { passed: true };
}

export function mountedAt(ctx: LabCtx, node: string, device: string, mountpoint: string): CheckOutcome {
  const mounts = ctx.state.nodes[node]?.mounts ?? [];
  const m = mounts.find((x) => x.mountpoint === mountpoint);
  if (!m) return { passed: false, detail: `Rien n’est monté sur ${mountpoint} sur ${node}.` };
  return m.device === device
    ? { passed: true }
    : { passed: false, detail: `${node} : ${m.device} est monté sur ${mountpoint}, pas ${device}.` };
}

/** A file of the given size under a mount point that must be the given device (data on DRBD). */
export async function fileOnDevice(
  ctx: LabCtx,
  node: string,
  mount: { device: string; mountpoint: string },
  path: string,
  size: number | "non-empty",
): Promise<CheckOutcome> {
  const m = mountedAt(ctx, node, mount.device, mount.mountpoint);
  const f = await ctx.file(node, path);
  if (f && !m.passed)
    return { passed: false, detail: `${path} existe sur ${node}, mais pas sur ${mount.device} : ${m.detail}` };
  if (!f) return { passed: false, detail: `${path} n’existe pas sur ${node}.` };
  if (!f) return { passed: false, detail: `${path} n’existe pas sur ${node}.` };
  if (size === "non-empty") return f.size > 0 ? { passed: true } : { passed: false, detail: `${path} est vide.` };
  return f.size === size
    ? { passed: true }
    : { passed: false, detail: `${path} fait ${f.size} octets au lieu de ${size}.` };
}

/**
 * The learner's successful commands matching `re` (any machine or the one they ran on, whichever
 * terminal carried them: `docker exec -it drbd-node1 bash` in the host tab, then commands), with
 * their times.
 */
export function succeeded(ctx: LabCtx, re: RegExp, machine?: string): { index: number; atUs: number; input: string }[] {
  const out: { index: number; atUs: number; input: string }[] = [];
  ctx.commands.forEach((c, index) => {
    if (c.exitCode === 0 && (machine === undefined || c.machine === machine) && re.test(c.input)) {
      out.push({ index, atUs: c.atUs, input: c.input });
    }
  });
  return out;
}

/**
 * A node's role for `resource` at a virtual time, from the typed state history (the resource's
 * `role` changes, K9 notify_resource_state_change); Secondary before any change, and again once
 * the resource is destroyed (down, crash) until it is brought up and promoted.
 */
export function roleAt(ctx: LabCtx, node: string, atUs: number, resource = "r0"): string {
  let role = "Secondary";
  for (const e of ctx.history()) {
    if (e.atUs > atUs) break;
    if (e.node !== node || e.resource !== resource) continue;
    if (e.kind === "destroy" || e.kind === "create") role = "Secondary";
    else if (e.kind === "change" && e.object === "resource")
      role = e.changes.find((c) => c.field === "role")?.to ?? role;
  }
  return role;
}

/** What a state change must match: its object, and fields going from/to values (a string or a pattern). */
export interface ChangeQuery {
  node: string;
  resource?: string;
  object: StateObject;
  /** Connection and peer-device: the peer's name. */
  peer?: string;
  /** Every listed field must change, from and to the given values when given. */
  fields: { field: StateField; from?: string | RegExp; to?: string | RegExp }[];
}

const matches = (v: string, want: string | RegExp | undefined) =>
  want === undefined || (typeof want === "string" ? v === want : want.test(v));

/** First state change of the history at or after `fromUs` that matches `q`. */
export function changeAfter(ctx: LabCtx, q: ChangeQuery, fromUs = 0): StateChangeEvent | undefined {
  const resource = q.resource ?? "r0";
  for (const e of ctx.history()) {
    if (e.kind !== "change" || e.atUs < fromUs || e.node !== q.node || e.resource !== resource) continue;
    if (e.object !== q.object || (q.peer !== undefined && e.peer !== q.peer)) continue;
    const all = q.fields.every((f) =>
      e.changes.some((c) => c.field === f.field && matches(c.from, f.from) && matches(c.to, f.to)),
    );
    if (all) return e;
  }
  return undefined;
}

/** The split brains a node's handshakes found (for `resource`), oldest first. */
export function splitBrains(ctx: LabCtx, node?: string, resource = "r0"): SplitBrainEvent[] {
  return ctx
    .history()
    .filter(
      (e): e is SplitBrainEvent =>
        e.kind === "split-brain" && e.resource === resource && (node === undefined || e.node === node),
    );
}
