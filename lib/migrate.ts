import { execFileSync } from "node:child_process";
import path from "node:path";
import { isPostgresUrl } from "./database-url";

/**
 * Applies the committed migrations to `url`. Idempotent. SQLite: prisma/migrations with
 * `prisma migrate deploy` through the WebAssembly schema engine (prisma.config.ts). PostgreSQL:
 * prisma/postgresql/migrations with lib/migrate-postgres.ts, run by scripts/migrate.ts in a
 * child process (this function stays synchronous for its callers).
 */
export function migrateDatabase(url: string, root = process.cwd()): string {
  const env = { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
  const args = isPostgresUrl(url)
    ? ["--import", "tsx", path.join(root, "scripts", "migrate.ts")]
    : [path.join(root, "node_modules", "prisma", "build", "index.js"), "migrate", "deploy"];
  return execFileSync(process.execPath, args, {
    cwd: root,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}
