import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { PrismaClient as PgPrismaClient } from "@/generated/prisma-pg/client";
import { databaseUrl, isPostgresUrl } from "./database-url";

/**
 * The database client. Both providers' clients are generated from the same models
 * (prisma/postgresql/schema.prisma is generated from prisma/schema.prisma), so they have the same
 * API; the SQLite one's type is the one the code sees.
 */
export type Db = PrismaClient;

// Run on every new connection, before Prisma sends anything else. WAL lets readers proceed
// while a writer commits; busy_timeout makes concurrent writers wait instead of failing
// with SQLITE_BUSY; foreign keys enforce the schema's relations.
export const CONNECTION_PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;";

type AdapterFactory = PrismaBetterSQLite3;

/** The better-sqlite3 adapter, with the PRAGMAs applied as each connection opens. */
export function sqliteAdapter(url: string): AdapterFactory {
  const inner = new PrismaBetterSQLite3({ url, timeout: 5000 });
  const withPragmas = async (connect: () => ReturnType<AdapterFactory["connect"]>) => {
    const adapter = await connect();
    await adapter.executeScript(CONNECTION_PRAGMAS);
    return adapter;
  };
  return Object.assign(Object.create(inner) as AdapterFactory, {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => withPragmas(() => inner.connect()),
    connectToShadowDb: () => withPragmas(() => inner.connectToShadowDb()),
  });
}

/** Connections per process to PostgreSQL (DATABASE_POOL_SIZE, default 10). */
export function postgresPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.DATABASE_POOL_SIZE ?? "");
  return Number.isInteger(n) && n > 0 ? n : 10;
}

/**
 * A new client on `url`: PostgreSQL for `postgresql://…` (through `pg`), else SQLite. Prefer the
 * shared `db`; tests and scripts use their own.
 */
export function createDb(url: string = databaseUrl()): Db {
  if (isPostgresUrl(url)) {
    const adapter = new PrismaPg({ connectionString: url, max: postgresPoolSize() });
    const client = new PgPrismaClient({ adapter }) as unknown as Db;
    onPostgres.add(client);
    return client;
  }
  return new PrismaClient({ adapter: sqliteAdapter(url) });
}

const onPostgres = new WeakSet<Db>();

/** Which database `db` is on. */
export function dbProvider(db: Db): "sqlite" | "postgresql" {
  return onPostgres.has(db) ? "postgresql" : "sqlite";
}

const globalForDb = globalThis as unknown as { drbdLabDb?: Db };

/** The process-wide client (kept on globalThis so dev hot reloads do not open new files). */
export const db: Db = globalForDb.drbdLabDb ?? createDb();
if (process.env.NODE_ENV !== "production") globalForDb.drbdLabDb = db;
