import { mkdirSync } from "node:fs";
import path from "node:path";

/** Default SQLite file, relative to the project root (the process' working directory). */
export const DEFAULT_DATABASE_FILE = path.join("data", "drbd-lab.db");

/** `postgresql://…` (or `postgres://…`) selects PostgreSQL; anything else is a SQLite `file:` URL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * The database URL every process uses: `DATABASE_URL` when set, else `file:<root>/data/drbd-lab.db`.
 * The default directory is created on demand; an explicit URL is taken as is, so that a wrong
 * one fails loudly (the health check reports it).
 */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.DATABASE_URL?.trim();
  if (explicit) return explicit;
  const file = path.resolve(process.cwd(), DEFAULT_DATABASE_FILE);
  mkdirSync(/*turbopackIgnore: true*/ path.dirname(file), { recursive: true });
  return `file:${file}`;
}

/** The URL as logs may show it: a PostgreSQL password replaced by `***`. */
export function displayUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgresql://…";
  }
}
