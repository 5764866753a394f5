/**
 * The PostgreSQL schema is generated from prisma/schema.prisma (the one that is edited): the same
 * models, only the datasource and the generated client's directory differ.
 * `npm run db:new-migration` rewrites prisma/postgresql/schema.prisma; lib/postgres-schema.test.ts
 * checks that the committed copy agrees with prisma/schema.prisma.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export const SQLITE_SCHEMA = path.join("prisma", "schema.prisma");
export const POSTGRES_SCHEMA = path.join("prisma", "postgresql", "schema.prisma");
export const POSTGRES_MIGRATIONS = path.join("prisma", "postgresql", "migrations");

const HEADER =
  "// GENERATED from prisma/schema.prisma by `npm run db:new-migration` (scripts/postgres-schema.ts): do not edit.\n";

function replaceBlock(schema: string, kind: "generator" | "datasource", name: string, body: string): string {
  const re = new RegExp(`^${kind} ${name} \\{[^}]*\\}`, "m");
  if (!re.test(schema)) throw new Error(`prisma/schema.prisma has no "${kind} ${name}" block`);
  return schema.replace(re, `${kind} ${name} {\n${body}}`);
}

/** The PostgreSQL variant of a SQLite Prisma schema. */
export function postgresSchema(sqlite: string): string {
  let s = replaceBlock(
    sqlite,
    "generator",
    "client",
    '  provider   = "prisma-client"\n  output     = "../../generated/prisma-pg"\n  engineType = "client"\n',
  );
  s = replaceBlock(
    s,
    "datasource",
    "db",
    [
      '  provider = "postgresql"',
      "  // Literal for the same reason as in prisma/schema.prisma; the adapter's URL (DATABASE_URL) is used.",
      '  url      = "postgresql://localhost/drbd_lab"',
      "",
    ].join("\n"),
  );
  return HEADER + s;
}

/** The PostgreSQL schema as prisma/schema.prisma in `root` says it should be. */
export function expectedPostgresSchema(root = process.cwd()): string {
  return postgresSchema(readFileSync(path.join(root, SQLITE_SCHEMA), "utf8"));
}
