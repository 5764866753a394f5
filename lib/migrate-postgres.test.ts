import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS_TABLE, migratePostgres } from "./migrate-postgres";
import { POSTGRES_MIGRATIONS } from "./postgres-schema";
import { createPostgresDatabase, dropPostgresDatabase, testsOnPostgres } from "./testing/postgres";

describe.runIf(testsOnPostgres())("PostgreSQL migrations", () => {
  const database = testsOnPostgres() ? createPostgresDatabase() : { url: "", name: "" };
  const roots: string[] = [];
  afterAll(async () => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
    await dropPostgresDatabase(database.name);
  });

  /** A project root with the committed migrations plus `extra` ones (name → SQL). */
  function rootWith(extra: Record<string, string>): string {
    const root = mkdtempSync(path.join(tmpdir(), "drbd-lab-migrations-"));
    roots.push(root);
    cpSync(POSTGRES_MIGRATIONS, path.join(root, POSTGRES_MIGRATIONS), { recursive: true });
    for (const [name, sql] of Object.entries(extra)) {
      mkdirSync(path.join(root, POSTGRES_MIGRATIONS, name), { recursive: true });
      writeFileSync(path.join(root, POSTGRES_MIGRATIONS, name, "migration.sql"), sql);
    }
    return root;
  }

  async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
    const c = new pg.Client({ connectionString: database.url });
    await c.connect();
    try {
      return (await c.query<T>(sql)).rows;
    } finally {
      await c.end();
    }
  }

  it("is idempotent", async () => {
    expect(await migratePostgres(database.url)).toMatch(/No pending migrations/);
  });

  it("applies a new migration once, even from two servers starting together", async () => {
    const root = rootWith({ "29990101000000_extra": 'CREATE TABLE "extra" (id INTEGER PRIMARY KEY);' });
    const [a, b] = await Promise.all([migratePostgres(database.url, root), migratePostgres(database.url, root)]);
    expect([a, b].filter((r) => r.includes("29990101000000_extra"))).toHaveLength(1);
    const rows = await query<{ name: string }>(`SELECT name FROM "${MIGRATIONS_TABLE}" ORDER BY name`);
    expect(rows.map((r) => r.name).at(-1)).toBe("29990101000000_extra");
  });

  it("rolls back a failing migration and records nothing", async () => {
    const root = rootWith({ "29990102000000_broken": 'CREATE TABLE "half" (id INTEGER); SELECT 1/0;' });
    await expect(migratePostgres(database.url, root)).rejects.toThrow(/29990102000000_broken failed: division by zero/);
    expect(await query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half'`)).toEqual([]);
    expect(await query(`SELECT 1 FROM "${MIGRATIONS_TABLE}" WHERE name = '29990102000000_broken'`)).toEqual([]);
  });

  it("refuses a migration changed after it was applied", async () => {
    const root = rootWith({ "29990101000000_extra": 'CREATE TABLE "extra" (id BIGINT PRIMARY KEY);' });
    await expect(migratePostgres(database.url, root)).rejects.toThrow(/29990101000000_extra was changed/);
  });
});
