/**
 * The "postgres" subsystem: PostgreSQL on the lab nodes (TP4). Programs: initdb, pg_ctl,
 * psql, createdb, dropdb, pgbench. The engine is PGlite, loaded on first use only (see pglite.ts).
 *
 * Life cycle: a server runs from `pg_ctl start` to `pg_ctl stop`; a node crash drops it with
 * what it had written to the data directory (recovery at the next start); a graceful container
 * stop is treated the same way, since the subsystem hooks are synchronous and the storage
 * layer unmounts in the same step (committed data are in the WAL, so nothing committed is
 * lost). While it runs, the mount holding its data directory is busy. A server idle for
 * PG_IDLE_STOP_US of virtual time sleeps (its instance closed cleanly, its memory freed) and
 * the next query wakes it from its data directory (server.ts); the learner sees it running.
 */
import type { LabNode, ProcessInfo, Subsystem, World } from "../../world/types";
import { createdbCommand, dropdbCommand } from "./commands/createdb";
import { initdbCommand } from "./commands/initdb";
import { pgCtlCommand } from "./commands/pg-ctl";
import { pgbenchCommand } from "./commands/pgbench";
import { psqlCommand } from "./commands/psql";
import { PgServers } from "./server";

/** PGlite's PostgreSQL (the data directory's PG_VERSION; `SELECT version()` says 18.6). */
const VERSION = "18.6";

export class PostgresSubsystem implements Subsystem {
  readonly name = "postgres";
  readonly version = VERSION;
  readonly major = VERSION.split(".")[0] as string;
  private world: World | undefined;
  readonly servers = new PgServers(() => {
    if (!this.world) throw new Error("postgres subsystem not attached");
    return this.world;
  });
  private initdbs = 0;

  attach(world: World): void {
    this.world = world;
  }

  noteInitdb(): void {
    this.initdbs++;
  }

  peekPid(node: LabNode): number {
    return this.servers.peekPid(node);
  }

  commands() {
    return [initdbCommand, pgCtlCommand, psqlCommand, createdbCommand, dropdbCommand, pgbenchCommand];
  }

  onCrash(node: LabNode): void {
    this.servers.drop(node);
  }

  onShutdown(node: LabNode): void {
    this.servers.drop(node);
  }

  busyMounts(node: LabNode): string[] {
    const s = this.servers.get(node);
    return s ? [s.dataDir] : [];
  }

  processes(node: LabNode): ProcessInfo[] {
    const s = this.servers.get(node);
    if (!s) return [];
    const bin = `/usr/lib/postgresql/${this.major}/bin/postgres`;
    return [
      { user: "postgres", command: `${bin} -D ${s.dataDir}`, rssKb: 92_160, vszKb: 217_000, stat: "Ss" },
      { user: "postgres", command: "postgres: checkpointer ", rssKb: 6_200, vszKb: 217_100, stat: "Ss" },
      { user: "postgres", command: "postgres: background writer ", rssKb: 5_100, vszKb: 217_100, stat: "Ss" },
      { user: "postgres", command: "postgres: walwriter ", rssKb: 9_800, vszKb: 217_000, stat: "Ss" },
    ];
  }

  afterCommand(count: number): Promise<void> {
    return this.servers.quiesce(count);
  }

  checkpointBlocker(): string | undefined {
    const open = this.servers.awake();
    return open.length > 0 ? `PostgreSQL open on ${open.join(", ")}` : undefined;
  }

  snapshot(): unknown {
    return {
      initdbs: this.initdbs,
      servers: Object.fromEntries(
        this.servers.all().map(([n, s]) => [n, { dataDir: s.dataDir, pid: s.pid, database: s.database }]),
      ),
    };
  }

  invariants(): string[] {
    const out: string[] = [];
    for (const [name] of this.servers.all()) {
      const node = this.world?.node(name);
      if (!node || node.state !== "running") out.push(`postgres: a server runs on ${name}, which is not running`);
    }
    return out;
  }
}

export function postgresSubsystem(): PostgresSubsystem {
  return new PostgresSubsystem();
}
