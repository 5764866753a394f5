import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testsOnPostgres } from "@/lib/testing/postgres";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { EventLog, type EventRow } from "./event-log";
import { storedBytes } from "./storage";

// The writer is SQLite's (its own better-sqlite3 connection); on PostgreSQL rows go through Prisma.
const onSqlite = !testsOnPostgres();
const tmp = createTempDatabase();
const log = onSqlite ? new EventLog(tmp.url) : (undefined as unknown as EventLog);
let session = "";

beforeAll(async () => {
  await tmp.db.user.create({ data: { id: "u1", email: "u1@drbd-lab.local", name: "U1", emailVerified: false } });
  session = (
    await tmp.db.labSession.create({
      data: { userId: "u1", exerciseId: "tp1", chapter: "tp1", scenario: "fresh", seed: 1 },
    })
  ).id;
});
afterAll(async () => {
  log?.close();
  await tmp.cleanup();
});

const row = (seq: number, input = `echo ${seq}`, output = `${seq}\n`): EventRow => ({
  labSessionId: session,
  seq,
  target: "host",
  input,
  output,
  outputDigest: "d",
  virtualTimeMs: seq,
});
const used = async () => (await tmp.db.user.findUniqueOrThrow({ where: { id: "u1" } })).labStorageBytes;

describe.runIf(onSqlite)("lab event log writer", () => {
  it("commits the rows of one turn together, readable by Prisma as its own, and charges their bytes", async () => {
    await Promise.all([0, 1, 2].map((s) => log.append(row(s))));
    const rows = await tmp.db.labEvent.findMany({ where: { labSessionId: session }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.seq, r.input, r.output, r.interruptedAtWork])).toEqual([
      [0, "echo 0", "0\n", null],
      [1, "echo 1", "1\n", null],
      [2, "echo 2", "2\n", null],
    ]);
    expect(rows[0]?.createdAt).toBeInstanceOf(Date);
    expect(Math.abs((rows[0]?.createdAt.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(await used()).toBe([0, 1, 2].reduce((n, s) => n + storedBytes(`echo ${s}`, `${s}\n`), 0));
    await log.append({ ...row(3, "wait 2000", ""), target: "lab" });
    expect(await used()).toBe(3 * storedBytes("echo 0", "0\n")); // a wait is not charged
  });

  it("fails only the row whose seq is taken; the others of its batch are stored", async () => {
    const results = await Promise.allSettled([
      log.append(row(4)),
      log.append(row(2, "echo doublon")),
      log.append(row(5)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(await tmp.db.labEvent.count({ where: { labSessionId: session, input: "echo doublon" } })).toBe(0);
    expect(await tmp.db.labEvent.count({ where: { labSessionId: session } })).toBe(6);
  });

  it("waits for a writer holding the database without blocking the thread, and answers only once committed", async () => {
    const other = new Database(tmp.url.replace(/^file:/, ""));
    other.prepare("BEGIN IMMEDIATE").run();
    let done = false;
    const appended = log.append(row(6)).then(() => {
      done = true;
    });
    let ticks = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 200) {
      await new Promise((r) => setTimeout(r, 10));
      ticks++;
    }
    expect(ticks).toBeGreaterThan(5); // the event loop kept turning
    expect(done).toBe(false);
    other.prepare("COMMIT").run();
    other.close();
    await appended;
    expect(await tmp.db.labEvent.count({ where: { labSessionId: session, seq: 6 } })).toBe(1);
  });

  it("refuses a row for a session that does not exist (foreign key)", async () => {
    await expect(log.append({ ...row(0), labSessionId: "nope" })).rejects.toThrow(/FOREIGN KEY/);
  });
});
