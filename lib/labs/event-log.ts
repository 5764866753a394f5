import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";

/** One row of a lab's log (lab_event), as a command or a wait appends it. */
export type EventRow = {
  labSessionId: string;
  seq: number;
  target: string;
  input: string;
  output: string;
  outputDigest: string;
  virtualTimeMs: number;
  interruptedAtUs?: number | null;
  interruptedAtWork?: number | null;
  /** The command's exit code (null for a wait). */
  exitCode?: number | null;
  /** The live checks after this row (JSON, graders/lab/live.ts) and how many hold. */
  checks?: string | null;
  checksHeld?: number | null;
};

/** How Prisma's SQLite adapter writes a DateTime (rows must sort and read back alike). */
const prismaDateTime = (d: Date) => d.toISOString().replace("Z", "+00:00");

const INSERT = `INSERT INTO "lab_event" ("id", "labSessionId", "seq", "target", "input", "output", "outputDigest",
  "virtualTimeMs", "interruptedAtUs", "interruptedAtWork", "exitCode", "checks", "checksHeld", "createdAt")
  VALUES (@id, @labSessionId, @seq, @target, @input, @output, @outputDigest, @virtualTimeMs, @interruptedAtUs,
  @interruptedAtWork, @exitCode, @checks, @checksHeld, @createdAt)`;

/** How long a row waits for a writer that holds the database (another server, a long transaction). */
const BUSY_GIVE_UP_MS = 5000;
const BUSY_RETRY_MS = 5;

type Pending = { row: Record<string, unknown>; resolve: () => void; reject: (e: Error) => void; since: number };

/**
 * The lab log's writer: the one write of a command is its row's INSERT, and the row's trigger
 * charges the learner's storage (migration lab_event_charges_storage). Rows appended during
 * one turn of the event loop are committed together (one transaction, one sync of the WAL),
 * and each append resolves once its row is committed — nothing is acknowledged before it is
 * on disk. Its own connection and a prepared statement: Prisma's query layer cost about five
 * times the statement, on the thread that serves every request.
 *
 * The connection never waits for a lock (busy_timeout 0: better-sqlite3 would block the whole
 * thread, and with it the Prisma transaction holding the lock): a batch that finds the
 * database busy is tried again a few milliseconds later, for up to 5 s, as Prisma's own
 * busy_timeout would. A batch that fails otherwise (a row whose seq is taken) is retried row
 * by row, so that only the faulty row fails.
 */
export class EventLog {
  private readonly sqlite: Database.Database;
  private readonly insert: Database.Statement;
  private readonly insertMany: (rows: Record<string, unknown>[]) => void;
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;

  constructor(url: string) {
    this.sqlite = new Database(url.replace(/^file:/, ""), { timeout: 0 });
    this.sqlite.pragma("foreign_keys = ON");
    this.insert = this.sqlite.prepare(INSERT);
    this.insertMany = this.sqlite.transaction((rows: Record<string, unknown>[]) => {
      for (const r of rows) this.insert.run(r);
    });
  }

  /** Resolves once the row is committed; rejects with SQLite's error (the row is not stored). */
  append(e: EventRow): Promise<void> {
    if (this.closed) return Promise.reject(new Error("event log closed"));
    const row = {
      ...e,
      id: randomUUID(),
      interruptedAtUs: e.interruptedAtUs ?? null,
      interruptedAtWork: e.interruptedAtWork ?? null,
      exitCode: e.exitCode ?? null,
      checks: e.checks ?? null,
      checksHeld: e.checksHeld ?? null,
      createdAt: prismaDateTime(new Date()),
    };
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject, since: Date.now() });
      this.schedule(0);
    });
  }

  private schedule(delayMs: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.flush();
    };
    if (delayMs > 0) setTimeout(run, delayMs);
    else setImmediate(run);
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      this.insertMany(batch.map((p) => p.row));
      for (const p of batch) p.resolve();
      return;
    } catch (e) {
      if (!isBusy(e) && batch.length > 1) {
        for (const p of batch) this.one(p);
        return;
      }
      this.failed(batch, e as Error);
    }
  }

  private one(p: Pending): void {
    try {
      this.insert.run(p.row);
      p.resolve();
    } catch (e) {
      this.failed([p], e as Error);
    }
  }

  /** Busy: back in the queue for a later try (until BUSY_GIVE_UP_MS); any other error: rejected. */
  private failed(batch: Pending[], e: Error): void {
    const now = Date.now();
    for (const p of batch) {
      if (isBusy(e) && now - p.since < BUSY_GIVE_UP_MS && !this.closed) this.queue.push(p);
      else p.reject(e);
    }
    if (this.queue.length > 0) this.schedule(BUSY_RETRY_MS);
  }

  close(): void {
    this.flush();
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error("event log closed"));
    this.sqlite.close();
  }
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: string } | undefined)?.code ?? "";
  return code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_") || code === "SQLITE_LOCKED";
}
