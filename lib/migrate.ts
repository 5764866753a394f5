import { execFileSync } from "node:child_process";
import path from "node:path";

/**
 * Applies the committed migrations (prisma/migrations) to `url` with `prisma migrate deploy`
 * through the WebAssembly schema engine (prisma.config.ts). Idempotent.
 */
export function migrateDatabase(url: string, root = process.cwd()): string {
  const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
  return execFileSync(process.execPath, [cli, "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}
