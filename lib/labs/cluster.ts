/**
 * Several app servers on one PostgreSQL ("Scaling past one machine" in the README).
 *
 * Each server keeps live labs in its workers as a cache of the log (`lab_event`). Before a
 * command, a server takes the lab's lock (a PostgreSQL advisory lock on the lab session, held by
 * one connection per server until the command's row is written), checks that its live lab is at
 * the log's last row and replays only the rows other servers appended. So the commands of a lab
 * are serialised across servers, the log never forks, and a lab moves between servers with no
 * sticky sessions. The unique (labSessionId, seq) is the last line: a command whose row cannot be
 * written (lock lost with its connection) is refused, never acknowledged. A server that dies
 * releases its locks with its connection.
 *
 * Ctrl-C may reach another server than the one running the command: it is relayed with
 * NOTIFY/LISTEN. On SQLite (one server) there is no cluster: `LabServiceDeps.cluster` is unset.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { isPostgresUrl } from "@/lib/database-url";
import type { Db } from "@/lib/db";
import type { StoredEvent } from "./live";
import type { LabPool } from "./pool";
import { formatWaits } from "./wait-log";

const INTERRUPT_CHANNEL = "drbd_lab_interrupt";

/** The 64-bit advisory lock key of a lab session (a collision only serialises two labs). */
export function labLockKey(sessionId: string): bigint {
  return createHash("sha256").update(`lab:${sessionId}`).digest().readBigInt64BE(0);
}

type LockConn = { client?: pg.Client; connecting?: Promise<pg.Client> };

/** Connections per server that hold lab locks (LAB_LOCK_CONNECTIONS, default 4): a lab always uses the same one. */
export function lockConnections(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.LAB_LOCK_CONNECTIONS ?? "");
  return Number.isInteger(n) && n > 0 ? n : 4;
}

export class LabCluster {
  private readonly conns: LockConn[];
  private readonly interruptHandlers: ((sessionId: string) => void)[] = [];

  constructor(
    private readonly url: string,
    /** Longest wait for a lab's lock before the command is refused (another server holds it). */
    private readonly lockTimeoutMs = 120_000,
    connections = lockConnections(),
  ) {
    this.conns = Array.from({ length: connections }, () => ({}));
  }

  /**
   * Lock connection `i` (reopened if lost); the first one also listens for Ctrl-C. A lab's lock is
   * taken and released on the same connection (advisory locks belong to a connection).
   */
  private conn(i: number): Promise<pg.Client> {
    const slot = this.conns[i] as LockConn;
    if (slot.client) return Promise.resolve(slot.client);
    slot.connecting ??= (async () => {
      const c = new pg.Client({ connectionString: this.url, application_name: "drbd-lab locks" });
      const lost = () => {
        // its locks are gone with it: commands under them still cannot fork the log (unique seq)
        if (slot.client === c) slot.client = undefined;
      };
      c.on("error", (e) => {
        console.error("lab lock connection lost", e.message);
        lost();
      });
      c.on("end", lost);
      c.on("notification", (n) => {
        if (n.channel === INTERRUPT_CHANNEL && n.payload) for (const h of this.interruptHandlers) h(n.payload);
      });
      try {
        await c.connect();
        if (i === 0) await c.query(`LISTEN ${INTERRUPT_CHANNEL}`);
      } catch (e) {
        slot.connecting = undefined;
        throw e;
      }
      slot.client = c;
      slot.connecting = undefined;
      return c;
    })();
    return slot.connecting;
  }

  /**
   * Runs `fn` holding the lab's lock across servers. The lock is tried without blocking the
   * shared connection, every few milliseconds, until `lockTimeoutMs`.
   */
  async exclusive<T>(sessionId: string, fn: () => Promise<T>): Promise<T> {
    const k = labLockKey(sessionId);
    const key = k.toString();
    const i = Number(BigInt.asUintN(64, k) % BigInt(this.conns.length));
    const start = Date.now();
    let c = await this.conn(i);
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      const r = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS ok", [key]);
      if (r.rows[0]?.ok) break;
      if (Date.now() - start > this.lockTimeoutMs) throw new Error(`lab ${sessionId}: lock not obtained`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      c = await this.conn(i);
    }
    try {
      return await fn();
    } finally {
      // a connection lost meanwhile took the lock with it
      if (this.conns[i]?.client === c)
        await c.query("SELECT pg_advisory_unlock($1::bigint)", [key]).catch(() => undefined);
    }
  }

  /** Asks every server to stop the lab's running command; true when one holds its lock now (a command runs there). */
  async interrupt(sessionId: string): Promise<boolean> {
    const c = await this.conn(0);
    await c.query("SELECT pg_notify($1, $2)", [INTERRUPT_CHANNEL, sessionId]);
    const key = labLockKey(sessionId);
    const r = await c.query<{ held: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
         AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 1) AS held`,
      [((key >> 32n) & 0xffffffffn).toString(), (key & 0xffffffffn).toString()],
    );
    return r.rows[0]?.held ?? false;
  }

  /** Ctrl-C relayed from another server. */
  onInterrupt(handler: (sessionId: string) => void): void {
    this.interruptHandlers.push(handler);
    void this.conn(0).catch((e: Error) => console.error("lab lock connection", e.message));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.conns.map(async (slot) => {
        const c = slot.client;
        slot.client = undefined;
        await c?.end().catch(() => undefined);
      }),
    );
  }
}

/** With PostgreSQL, the cluster of this server's labs (Ctrl-C from other servers reaches `labs`); none on SQLite. */
export function labClusterFor(url: string, labs: LabPool): LabCluster | undefined {
  if (!isPostgresUrl(url)) return undefined;
  const cluster = new LabCluster(url);
  cluster.onInterrupt((sessionId) => labs.interrupt(sessionId));
  return cluster;
}

/** The stored rows of a lab from `fromSeq` on, as a worker replays them. */
export function storedEvents(db: Db, sessionId: string, fromSeq = 0): Promise<StoredEvent[]> {
  return db.labEvent.findMany({
    where: fromSeq > 0 ? { labSessionId: sessionId, seq: { gte: fromSeq } } : { labSessionId: sessionId },
    orderBy: { seq: "asc" },
    select: {
      seq: true,
      target: true,
      input: true,
      output: true,
      outputDigest: true,
      interruptedAtUs: true,
      interruptedAtWork: true,
      checksHeld: true,
      createdAt: true,
    },
  });
}

export class LabGone extends Error {}

/** Several servers: `fn` holding the lab's lock (`exclusive`) after catching up with the log. One server: `fn`. */
export async function labTurn<T>(
  c: { db: Db; labs: LabPool; cluster?: LabCluster },
  sessionId: string,
  exclusive: boolean,
  fn: () => Promise<T>,
): Promise<T> {
  const { cluster } = c;
  if (!cluster) return fn();
  const run = async () => {
    await syncWithLog(c.db, c.labs, sessionId);
    return fn();
  };
  return exclusive ? cluster.exclusive(sessionId, run) : run();
}

/**
 * Brings the lab this server holds (if any) to the log's last row, replaying only the missing
 * rows; a lab that cannot follow on is dropped (rebuilt from the whole log when next used).
 * LabGone when the session is no longer active (reset on another server).
 */
export async function syncWithLog(db: Db, labs: LabPool, sessionId: string): Promise<void> {
  const [position, tail] = await Promise.all([
    labs.position(sessionId),
    db.labSession.findUnique({
      where: { id: sessionId },
      select: {
        status: true,
        events: { orderBy: { seq: "desc" }, take: 1, select: { seq: true, target: true, input: true } },
      },
    }),
  ]);
  if (tail?.status !== "active") throw new LabGone();
  if (!position) return;
  const last = tail.events[0];
  const open = position.openWait;
  const inSync = last
    ? last.seq === position.nextSeq - 1 &&
      (last.target === "lab" ? open?.seq === last.seq && formatWaits(open.pieces) === last.input : !open)
    : position.nextSeq === 0;
  if (inSync) return;
  const from = open ? open.seq : position.nextSeq;
  if (!last || last.seq < from) {
    labs.evict(sessionId); // ahead of the log: only a row that failed to be written does that
    return;
  }
  await labs.catchUp(sessionId, await storedEvents(db, sessionId, from));
}
