import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAuth } from "../auth";
import { createDb, type Db } from "../db";
import { migrateDatabase } from "../migrate";
import { createPostgresDatabase, dropPostgresDatabase, testsOnPostgres } from "./postgres";

export interface TempDatabase {
  url: string;
  db: Db;
  cleanup: () => Promise<void>;
}

/**
 * A migrated database for integration tests: SQLite in a fresh temporary directory, or a fresh
 * PostgreSQL database when the suite runs on PostgreSQL (lib/testing/postgres.ts).
 */
export function createTempDatabase(): TempDatabase {
  let url: string;
  let remove: () => Promise<void>;
  if (testsOnPostgres()) {
    const created = createPostgresDatabase();
    url = created.url;
    remove = () => dropPostgresDatabase(created.name);
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), "drbd-lab-test-"));
    url = `file:${path.join(dir, "test.db")}`;
    migrateDatabase(url);
    remove = async () => rmSync(dir, { recursive: true, force: true });
  }
  const db = createDb(url);
  return {
    url,
    db,
    cleanup: async () => {
      await db.$disconnect();
      await remove();
    },
  };
}

export const TEST_SECRET = "test-secret-test-secret-test-secret-0123";
export const TEST_BASE_URL = "http://127.0.0.1:3999";

export function createTestAuth(db: Db, env: Partial<NodeJS.ProcessEnv> = {}) {
  return createAuth({ db, secret: TEST_SECRET, baseURL: TEST_BASE_URL, env: env as NodeJS.ProcessEnv });
}
