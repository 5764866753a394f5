import type { DrbdSubsystem } from "../../engine/drbd/index";
import type { Lab, LabNode } from "../../engine/index";
import type { PostgresSubsystem } from "../../engine/services/postgres/index";
import { ConnectError } from "../../engine/services/postgres/server";
import type { DrbdResourceView } from "./context";

/**
 * Read-only looks at a lab during a replay (see LabObserver): DRBD's state, what is mounted
 * where, the PostgreSQL server of a node. Nothing here runs a command or lets time pass,
 * except `countRows`, a plain SELECT on a server that already runs.
 */

/** DRBD state of a resource on a node, straight from the subsystem (no lab.state() copy). */
export function drbdNow(lab: Lab, node: string, resource = "r0"): DrbdResourceView | null {
  return lab.world.subsystem<DrbdSubsystem>("drbd")?.snapshot()[node]?.[resource] ?? null;
}

export function runningNode(lab: Lab, name: string): LabNode | null {
  const n = lab.world.node(name);
  return n && n.state === "running" ? n : null;
}

/** The mount holding `path` on the node (longest mount point prefix), or null: the container's root fs. */
export function mountOf(node: LabNode, path: string): { device: string; mountpoint: string } | null {
  let best: { device: string; mountpoint: string } | null = null;
  for (const m of node.mounts) {
    const mp = m.mountpoint.replace(/\/+$/, "") || "/";
    const inside = mp === "/" || path === mp || path.startsWith(`${mp}/`);
    if (inside && (!best || mp.length > best.mountpoint.length)) best = { device: m.device, mountpoint: mp };
  }
  return best;
}

export const isDrbdDevice = (device: string | undefined): boolean => /^\/dev\/drbd\d+$/.test(device ?? "");

export interface PgSeen {
  dataDir: string;
  /** Device of the filesystem holding the data directory; null: the container's root fs. */
  device: string | null;
  database: string;
}

/** The PostgreSQL server running on a node, and where its data directory lives. */
export function pgOn(lab: Lab, name: string): PgSeen | null {
  const node = runningNode(lab, name);
  const pgs = lab.world.subsystem<PostgresSubsystem>("postgres");
  const s = node && pgs?.servers.get(node);
  if (!node || !s) return null;
  return { dataDir: s.dataDir, device: mountOf(node, s.dataDir)?.device ?? null, database: s.database };
}

export type RowCount = { rows: number } | { error: string };

/**
 * `SELECT COUNT(*) FROM <table>` on the server of a node, as the grader's own client (no shell,
 * no event in the learner's log). Connecting to another database than the server's current one
 * reopens the instance, as the engine's psql does.
 */
export async function countRows(lab: Lab, name: string, database: string, table: string): Promise<RowCount> {
  const node = runningNode(lab, name);
  const pgs = lab.world.subsystem<PostgresSubsystem>("postgres");
  if (!node || !pgs?.servers.get(node)) return { error: `PostgreSQL ne tourne pas sur ${name}` };
  try {
    const r = await pgs.servers.probe(node, database, `SELECT COUNT(*) FROM ${table}`);
    const st = r.statements[0];
    if (st?.error) return { error: `PostgreSQL répond « ERROR: ${st.error.message} »` };
    const n = Number(st?.rows[0]?.[0]);
    return Number.isFinite(n) ? { rows: n } : { error: "réponse illisible" };
  } catch (e) {
    if (e instanceof ConnectError) return { error: `PostgreSQL répond « FATAL: ${e.message} »` };
    throw e;
  }
}

/** French wording of where a data directory lives. */
export function whereText(p: PgSeen): string {
  return p.device ? `${p.dataDir} (sur ${p.device})` : `${p.dataDir} (sur le système de fichiers racine du conteneur)`;
}

/** Stop what a replayed lab keeps running outside the JS heap: its PostgreSQL instances. */
export async function releaseLab(lab: Lab): Promise<void> {
  const pgs = lab.world.subsystem<PostgresSubsystem>("postgres");
  for (const [name] of pgs?.servers.all() ?? []) {
    const node = lab.world.node(name);
    if (node) await pgs?.servers.stop(node);
  }
}
