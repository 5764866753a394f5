import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/generated/prisma/client";
import { databaseUrl } from "./database-url";

export type Db = PrismaClient;

// Statements run once per connection, before any other query (the adapter holds a single
// better-sqlite3 connection and runs queries in call order). WAL lets readers proceed while a
// writer commits; busy_timeout makes concurrent writers wait instead of failing SQLITE_BUSY.
const CONNECTION_PRAGMAS = ["PRAGMA journal_mode = WAL", "PRAGMA busy_timeout = 5000", "PRAGMA foreign_keys = ON"];

/** A new client on `url` with the connection PRAGMAs applied. Prefer the shared `db`. */
export function createDb(url: string = databaseUrl()): Db {
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 5000 }) });
  let ready: Promise<void> | undefined;
  const init = () => {
    ready ??= (async () => {
      for (const sql of CONNECTION_PRAGMAS) await client.$queryRawUnsafe(sql);
    })().catch((error: unknown) => {
      ready = undefined; // retry on the next query (e.g. the file became reachable)
      throw error;
    });
    return ready;
  };
  return client.$extends({
    query: {
      async $allOperations({ args, query }) {
        await init();
        return query(args);
      },
    },
  }) as unknown as Db;
}

const globalForDb = globalThis as unknown as { drbdLabDb?: Db };

/** The process-wide client (kept on globalThis so dev hot reloads do not open new files). */
export const db: Db = globalForDb.drbdLabDb ?? createDb();
if (process.env.NODE_ENV !== "production") globalForDb.drbdLabDb = db;
