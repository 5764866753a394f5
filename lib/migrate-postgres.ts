import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { POSTGRES_MIGRATIONS } from "./postgres-schema";

/** Applied migrations of a PostgreSQL database (prisma migrate deploy cannot read PostgreSQL here). */
export const MIGRATIONS_TABLE = "_drbd_lab_migrations";
/** pg_advisory_lock key held while migrating: two servers starting together apply each file once. */
const MIGRATION_LOCK = 0x6472_6264; // "drbd"

/**
 * Applies prisma/postgresql/migrations/<name>/migration.sql in name order, each in its own
 * transaction with its row in `_drbd_lab_migrations` (name, sha-256). Idempotent; a file changed
 * after it was applied is an error (write a new migration instead). Returns a `prisma migrate
 * deploy`-like report.
 */
export async function migratePostgres(url: string, root = process.cwd()): Promise<string> {
  const dir = path.join(root, POSTGRES_MIGRATIONS);
  const names = readdirSync(dir)
    .filter((d) => existsSync(path.join(dir, d, "migration.sql")))
    .sort();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const out: string[] = [`${names.length} migration${names.length === 1 ? "" : "s"} found in ${POSTGRES_MIGRATIONS}`];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const applied = new Map(
      (
        await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM "${MIGRATIONS_TABLE}"`)
      ).rows.map((r) => [r.name, r.checksum]),
    );
    const done: string[] = [];
    for (const name of names) {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const was = applied.get(name);
      if (was !== undefined) {
        if (was !== checksum) throw new Error(`migration ${name} was changed after it was applied`);
        continue;
      }
      try {
        await client.query("BEGIN");
        await client.query(sql);
        await client.query(`INSERT INTO "${MIGRATIONS_TABLE}" (name, checksum) VALUES ($1, $2)`, [name, checksum]);
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${name} failed: ${(e as Error).message}`);
      }
      done.push(name);
    }
    out.push(
      done.length
        ? `All migrations have been successfully applied (${done.join(", ")}).`
        : "No pending migrations to apply.",
    );
  } finally {
    await client.end();
  }
  return `${out.join("\n")}\n`;
}
