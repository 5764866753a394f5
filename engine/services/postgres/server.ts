/**
 * The PostgreSQL servers of a lab: at most one per node (port 5432), each a PGlite instance
 * started on a data directory of the node's filesystem. A server lives from `pg_ctl start` to
 * `pg_ctl stop` or the node's crash/stop; while it runs it holds its mount busy and costs
 * ~90 MiB, so nothing else keeps it.
 *
 * PGlite serves one database per instance. A cluster's databases are real (CREATE DATABASE
 * makes base/<oid>, `\l` reads pg_database, current_database() is right): a connection to
 * another database restarts the instance on that database (a clean close, then an open: the
 * learner sees a slower connection, nothing else).
 */
import type { IFileSystem } from "just-bash";
import { type TimerId, US_PER_S } from "../../core/clock";
import { rebindable } from "../../core/rebind";
import { wallClockMs } from "../../core/time";
import type { LabNode, World } from "../../world/types";
import { NodeDirBackend } from "./node-backend";
import { openPglite, type PGlite, type SimpleQueryResult, simpleQuery } from "./pglite";
import { rewriteSleeps, VIRTUAL_SLEEP_SQL } from "./template";

export const PG_PORT = 5432;
export const SOCKET = `/var/run/postgresql/.s.PGSQL.${PG_PORT}`;
/** uid/gid of the image's postgres user (engine/world/default-files.ts). */
export const POSTGRES_OWNER = { uid: 101, gid: 103 };
/**
 * A server no client used for this long (virtual time: commands, and the waits the app records
 * while the learner reads) is put to sleep: its instance is closed cleanly — PostgreSQL writes
 * a checkpoint, as its checkpointer does after checkpoint_timeout (5 min) — and its memory
 * (~100 MiB of WebAssembly) is freed. The next query opens it again from its data directory.
 * The server is still running for the learner (ps, pg_ctl status, busy mount); the decision
 * depends on virtual time only, so a replay does the same.
 */
export const PG_IDLE_STOP_US = 5 * 60 * US_PER_S;
/**
 * Every this many command lines of the lab, an open instance with no transaction open is put
 * to sleep as an idle one is (closed cleanly, opened again by the next query): its memory is not
 * the lab's objects, so a checkpoint (engine/checkpoint.ts) can only carry a lab whose servers
 * sleep. The points depend on the lab's command count only, so every replay sleeps at the same
 * ones and a lab restored from a checkpoint goes on as the live one did.
 */
export const PG_QUIESCE_EVERY = 8;

export interface RunningServer {
  dataDir: string;
  pid: number;
  database: string;
  /** The instance; undefined while the server sleeps (idle, see PG_IDLE_STOP_US). */
  pg: PGlite | undefined;
  /** The instance's storage; undefined while the server sleeps. */
  backend: NodeDirBackend | undefined;
  fs: IFileSystem;
  startedUs: number;
  /** Whether the instance may write to the node's filesystem (false once the node died). */
  alive: boolean;
  /** The interactive session whose open transaction is the one in the instance now. */
  holder?: PgSession;
  /** Virtual time of the last query (or the start). */
  lastUsedUs: number;
  /** The timer that puts the idle server to sleep. */
  idleTimer?: TimerId;
  /** Closing or opening the instance in the background (sleep, wake-up): its I/O takes no one's time. */
  background: boolean;
}

/**
 * A client connection that outlives one command: psql at its prompt. PGlite is a single
 * backend, so all clients of a server share it. To keep an interactive session's open
 * transaction its own (other clients must not see its uncommitted rows, nor end it), the
 * session's transaction is *parked* when another client needs the backend: rolled back, its
 * statements kept, and run again (their output discarded) before the session's next
 * statement. The others thus see the database as if the open transaction came after them;
 * nothing uncommitted ever reaches them, and a crash while it is parked or open loses it, as
 * it should. What differs from real PostgreSQL: the others never wait on its locks, now()
 * and sequence values are taken again when it is resumed (and a pg_sleep in it sleeps again),
 * a resumed statement may fail where the original did not if the others changed the same rows
 * (the transaction is then aborted), and session settings (SET outside a transaction,
 * temporary tables) are shared by all clients.
 */
export class PgSession {
  /** Transaction status after the last statement: I (idle), T (in a block), E (failed block). */
  status = "I";
  /** The statements of the open transaction, from the one that opened it. */
  readonly txn: string[] = [];
  /** Rolled back for another client; replayed before the next statement. */
  parked = false;
  constructor(
    readonly node: LabNode,
    readonly server: RunningServer,
    readonly database: string,
  ) {}
}

/** Thrown to the client when a database does not exist (FATAL at connection time). */
export class ConnectError extends Error {}

export class PgServers {
  private readonly running = new Map<string, RunningServer>();
  private nextPid = new Map<string, number>();

  constructor(private readonly world: () => World) {}

  get(node: LabNode): RunningServer | undefined {
    return this.running.get(node.name);
  }

  all(): [string, RunningServer][] {
    return [...this.running.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  /** The PID the next server on this node gets (deterministic: counts up per node). */
  peekPid(node: LabNode): number {
    return this.nextPid.get(node.name) ?? 60 + 7 * (node.name.length + Number(node.name.replace(/\D/g, "") || 0));
  }

  private pid(node: LabNode): number {
    const n = this.peekPid(node);
    this.nextPid.set(node.name, n + 11);
    return n;
  }

  private wallMs = (): number => wallClockMs(this.world().clock.now);

  private makeBackend(fs: IFileSystem, dataDir: string, background: () => boolean = () => false): NodeDirBackend {
    return new NodeDirBackend(fs, dataDir, POSTGRES_OWNER, (us) => {
      const clock = this.world().clock;
      if (us > 0 && !clock.isRunning && !background()) clock.advanceBy(us);
    });
  }

  /** Servers whose instance is open now (not asleep), for tests and the memory bench. */
  awake(): string[] {
    return this.all()
      .filter(([, s]) => s.pg !== undefined)
      .map(([n]) => n);
  }

  /** (Re)arm the idle timer after a use: when it fires, a job puts the server to sleep. */
  private used(node: LabNode, s: RunningServer): void {
    const world = this.world();
    s.lastUsedUs = world.clock.now;
    world.clock.cancel(s.idleTimer);
    s.idleTimer = world.clock.schedule(PG_IDLE_STOP_US, "postgres idle", onIdle(this, node, s));
  }

  /** Close an idle server's instance cleanly (a checkpoint), keeping the server "running". */
  async sleep(node: LabNode, s: RunningServer): Promise<void> {
    if (!s.pg || this.running.get(node.name) !== s || !s.alive) return;
    // used since the timer fired (in the same command), or an open transaction: stay awake
    if (this.world().clock.now - s.lastUsedUs < PG_IDLE_STOP_US || s.holder) {
      if (!s.idleTimer) this.used(node, s);
      return;
    }
    await this.closeInstance(s);
  }

  /**
   * Every PG_QUIESCE_EVERY command lines: the open instances with no transaction open go to
   * sleep (see PG_QUIESCE_EVERY); the next query opens them again.
   */
  async quiesce(count: number): Promise<void> {
    if (count % PG_QUIESCE_EVERY !== 0) return;
    for (const [, s] of this.all()) {
      if (!s.pg || !s.alive || s.holder) continue;
      this.world().clock.cancel(s.idleTimer);
      s.idleTimer = undefined;
      await this.closeInstance(s);
    }
  }

  private async closeInstance(s: RunningServer): Promise<void> {
    const pg = s.pg;
    if (!pg) return;
    s.pg = undefined;
    s.background = true;
    try {
      await pg.close();
    } finally {
      s.background = false;
      s.backend = undefined;
    }
  }

  /** @internal the idle timer fired: a job puts the server to sleep once the step's work is done. */
  idleJob(node: LabNode, s: RunningServer): void {
    this.world().enqueue(node, "postgres idle", () => this.sleep(node, s));
  }

  /** The server's instance, opened again from its data directory if it was asleep. */
  private async instance(s: RunningServer): Promise<PGlite> {
    if (s.pg) return s.pg;
    s.background = true;
    try {
      s.backend = this.makeBackend(s.fs, s.dataDir, () => s.background);
      s.pg = await openPglite({ backend: s.backend, database: s.database, wallMs: this.wallMs });
      guard(s);
      return s.pg;
    } finally {
      s.background = false;
    }
  }

  /** Start PostgreSQL on `dataDir` of the node's filesystem. */
  async start(node: LabNode, fs: IFileSystem, dataDir: string): Promise<RunningServer> {
    let server: RunningServer | undefined;
    const backend = this.makeBackend(fs, dataDir, () => server?.background === true);
    const pg = await openPglite({ backend, database: "postgres", wallMs: this.wallMs });
    server = {
      dataDir,
      pid: this.pid(node),
      database: "postgres",
      pg,
      backend,
      fs,
      startedUs: this.world().clock.now,
      alive: true,
      lastUsedUs: this.world().clock.now,
      background: false,
    };
    guard(server);
    this.running.set(node.name, server);
    this.used(node, server);
    return server;
  }

  /** Clean stop: the shutdown checkpoint is written, then the instance is freed. */
  async stop(node: LabNode): Promise<void> {
    const s = this.running.get(node.name);
    if (!s) return;
    this.running.delete(node.name);
    this.world().clock.cancel(s.idleTimer);
    // asleep: its last checkpoint is on disk already, as a clean stop would write it
    await s.pg?.close();
  }

  /**
   * The node died (or was stopped without waiting for PostgreSQL): the instance is dropped
   * without a checkpoint and may no longer write; only what apply() already wrote survives.
   */
  drop(node: LabNode): void {
    const s = this.running.get(node.name);
    if (!s) return;
    this.running.delete(node.name);
    s.alive = false;
    this.world().clock.cancel(s.idleTimer);
    // Closing frees the WebAssembly heap; its final flush is discarded (see guard()).
    void s.pg?.close().catch(() => undefined);
  }

  /** An interactive client's connection to the node's server (see PgSession). */
  open(node: LabNode, database: string): PgSession {
    const s = this.running.get(node.name);
    if (!s) throw new ConnectError("no server");
    return new PgSession(node, s, database);
  }

  /** Whether the session's server still runs (a stop, a crash or a restart ends its connection). */
  connected(session: PgSession): boolean {
    return this.running.get(session.node.name) === session.server;
  }

  /** The client disconnects: its open transaction is rolled back. */
  async close(session: PgSession): Promise<void> {
    const s = session.server;
    if (this.connected(session) && s.holder === session) {
      await this.run(s, session.database, "ROLLBACK");
      s.holder = undefined;
    }
    session.txn.length = 0;
    session.status = "I";
  }

  /**
   * Run SQL on a database of the node's server (reconnecting to it when needed). Without a
   * session, the client is a one-shot one (psql -c, pgbench, createdb).
   */
  async query(node: LabNode, database: string, sql: string, session?: PgSession): Promise<SimpleQueryResult> {
    const s = this.running.get(node.name);
    if (!s) throw new ConnectError("no server");
    if (session && session.server !== s) throw new ConnectError("server closed the connection unexpectedly");
    this.used(node, s);
    if (s.holder && s.holder !== session) {
      await this.run(s, s.holder.database, "ROLLBACK");
      s.holder.parked = true;
      s.holder = undefined;
    }
    if (!session) return this.run(s, database, sql);
    if (session.parked) {
      session.parked = false;
      let st = "I";
      for (const q of session.txn) st = (await this.run(s, session.database, q)).status;
      if (st !== "I") s.holder = session;
    }
    const r = await this.run(s, session.database, sql);
    if (r.status === "I") session.txn.length = 0;
    else session.txn.push(sql);
    session.status = r.status;
    s.holder = r.status === "I" ? undefined : session;
    return r;
  }

  /**
   * A grader's read-only query (graders/lab/observe.ts): as a one-shot client, but it does not
   * count as a use (the idle timer stays as the learner left it), and a sleeping server goes
   * back to sleep after it, so a checkpoint can still carry the lab.
   */
  async probe(node: LabNode, database: string, sql: string): Promise<SimpleQueryResult> {
    const s = this.running.get(node.name);
    if (!s) throw new ConnectError("no server");
    const asleep = s.pg === undefined;
    if (s.holder) {
      await this.run(s, s.holder.database, "ROLLBACK");
      s.holder.parked = true;
      s.holder = undefined;
    }
    try {
      return await this.run(s, database, sql);
    } finally {
      if (asleep && this.running.get(node.name) === s) await this.closeInstance(s);
    }
  }

  private async run(s: RunningServer, database: string, sql: string): Promise<SimpleQueryResult> {
    let pg = await this.instance(s);
    if (s.database !== database) {
      const r = await simpleQuery(pg, `SELECT 1 FROM pg_database WHERE datname = '${database.replace(/'/g, "''")}'`);
      if ((r.statements[0]?.rows.length ?? 0) === 0) throw new ConnectError(`database "${database}" does not exist`);
      await pg.close();
      s.backend = this.makeBackend(s.fs, s.dataDir, () => s.background);
      pg = await openPglite({ backend: s.backend, database, wallMs: this.wallMs });
      s.pg = pg;
      guard(s);
      s.database = database;
    }
    if (!/pg_sleep/i.test(sql)) return simpleQuery(pg, sql);
    const has = await simpleQuery(pg, "SELECT 1 FROM pg_catalog.pg_proc WHERE proname = 'lab_sleep'");
    if ((has.statements[0]?.rows.length ?? 0) === 0) await simpleQuery(pg, VIRTUAL_SLEEP_SQL);
    const r = await simpleQuery(pg, rewriteSleeps(sql));
    // the result column keeps the name the learner wrote
    for (const st of r.statements) for (const f of st.fields ?? []) f.name = f.name.replace(/^lab_sleep/, "pg_sleep");
    await this.spendSleep(pg);
    return r;
  }

  /** Seconds slept by pg_sleep during the last query (template.ts) become virtual time. */
  private async spendSleep(pg: PGlite): Promise<void> {
    const r = await simpleQuery(pg, "SELECT pg_catalog.current_setting('lab.slept', true)");
    const slept = Number(r.statements[0]?.rows[0]?.[0] ?? 0);
    if (slept > 0) {
      await simpleQuery(pg, "SELECT pg_catalog.set_config('lab.slept', '0', false)");
      this.world().clock.advanceBy(Math.round(slept * 1_000_000));
    }
  }
}

/** The idle timer's closure (one a checkpoint can carry: core/rebind.ts). */
const onIdle = rebindable("postgres.idle", (servers: PgServers, node: LabNode, s: RunningServer) => () => {
  s.idleTimer = undefined;
  servers.idleJob(node, s);
});

/** Once the server is dead, its writes go nowhere (the process is gone). */
function guard(s: RunningServer): void {
  const b = s.backend;
  if (!b) return;
  const apply = b.apply.bind(b);
  b.apply = async (changes) => {
    if (s.alive) await apply(changes);
  };
}
