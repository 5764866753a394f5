/**
 * PostgreSQL databases for the integration tests: `TEST_POSTGRES_URL` is an administrator URL on
 * a throw-away server (.ci/postgres.sh); each test file gets its own database, dropped after.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";

/** The vitest project that reruns the database suites on PostgreSQL sets this (vitest.config.mts). */
export function testsOnPostgres(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TEST_DATABASE_PROVIDER === "postgresql";
}

export function adminUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.TEST_POSTGRES_URL?.trim();
  if (!url) throw new Error("TEST_POSTGRES_URL is not set (start one with .ci/postgres.sh)");
  return url;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates a fresh database and applies the migrations (synchronously: a child process). */
export function createPostgresDatabase(prefix = "drbd_test"): { url: string; name: string } {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const root = process.cwd();
  execFileSync(process.execPath, ["--import", "tsx", path.join(root, "lib", "testing", "postgres-create.ts"), name], {
    cwd: root,
    env: { ...process.env, TEST_POSTGRES_URL: adminUrl() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { url: withDatabase(adminUrl(), name), name };
}

/** Creates `name` on the admin URL's server and migrates it. */
export async function createAndMigrate(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const { migratePostgres } = await import("../migrate-postgres");
  const url = withDatabase(adminUrl(), name);
  await migratePostgres(url);
  return url;
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
