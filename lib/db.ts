import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/generated/prisma/client";
import { databaseUrl } from "./database-url";

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

/** A new client on `url`. Prefer the shared `db`; tests and scripts use their own. */
export function createDb(url: string = databaseUrl()): Db {
  return new PrismaClient({ adapter: sqliteAdapter(url) });
}

const globalForDb = globalThis as unknown as { drbdLabDb?: Db };

/** The process-wide client (kept on globalThis so dev hot reloads do not open new files). */
export const db: Db = globalForDb.drbdLabDb ?? createDb();
if (process.env.NODE_ENV !== "production") globalForDb.drbdLabDb = db;
