import { afterAll, describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { dbProvider } from "./db";
import { testsOnPostgres } from "./testing/postgres";
import { createTempDatabase } from "./testing/temp-db";

const tmp = createTempDatabase();
afterAll(() => tmp.cleanup());

describe("database connection", () => {
  it("is on the database the suite runs on", () => {
    expect(dbProvider(tmp.db)).toBe(testsOnPostgres() ? "postgresql" : "sqlite");
    expect(tmp.url.startsWith(testsOnPostgres() ? "postgresql://" : "file:")).toBe(true);
  });

  it("has, after the migrations, every column of every model (migrations and schema agree)", async () => {
    // findFirst selects every scalar field: a table or a column the migrations lack fails here
    const client = tmp.db as unknown as Record<string, { findFirst: () => Promise<unknown> }>;
    const models = Object.values(Prisma.ModelName);
    expect(models.length).toBeGreaterThan(10);
    for (const m of models) await client[m.charAt(0).toLowerCase() + m.slice(1)]?.findFirst();
  });

  it.runIf(!testsOnPostgres())("applies WAL, busy timeout and foreign keys on connect", async () => {
    expect(await tmp.db.$queryRawUnsafe("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
    expect(await tmp.db.$queryRawUnsafe("PRAGMA busy_timeout")).toEqual([{ timeout: 5000n }]);
    expect(await tmp.db.$queryRawUnsafe("PRAGMA foreign_keys")).toEqual([{ foreign_keys: 1n }]);
  });

  it("enforces foreign keys", async () => {
    await expect(tmp.db.enrollment.create({ data: { userId: "nobody", cohortId: "nothing" } })).rejects.toThrow();
  });

  it("keeps a lab's event log ordered and unique per sequence number", async () => {
    const user = await tmp.db.user.create({ data: { id: "u1", name: "U", email: "u1@x.fr" } });
    const lab = await tmp.db.labSession.create({
      data: { userId: user.id, exerciseId: "tp1", chapter: "tp1", scenario: "tp1.start", seed: 42 },
    });
    const event = (seq: number) => ({
      labSessionId: lab.id,
      seq,
      target: "node1",
      input: "drbdadm status",
      output: "r0 role:Secondary",
      outputDigest: "d",
      virtualTimeMs: seq * 100,
    });
    await tmp.db.labEvent.create({ data: event(1) });
    await tmp.db.labEvent.create({ data: event(0) });
    await expect(tmp.db.labEvent.create({ data: event(1) })).rejects.toThrow();
    const log = await tmp.db.labEvent.findMany({ where: { labSessionId: lab.id }, orderBy: { seq: "asc" } });
    expect(log.map((e) => e.seq)).toEqual([0, 1]);
  });
});
