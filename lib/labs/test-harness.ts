/** The lab API on a temporary database with the demo accounts (lib/labs tests). */
import type { Auth } from "@/lib/auth";
import { isPostgresUrl } from "@/lib/database-url";
import type { Db } from "@/lib/db";
import { DEMO_STUDENTS, seedDemo } from "@/lib/demo-seed";
import { createTempDatabase, createTestAuth } from "@/lib/testing/temp-db";
import { sessionAuthenticator } from "./authenticate";
import { EventLog } from "./event-log";
import { createLabApi, type LabApiDeps } from "./http";
import { CommandRateLimiter, DEFAULT_LIMITS } from "./limits";
import { LabPool, type LabPoolOptions } from "./pool";
import { type LabServiceDeps, SessionRowCache, SessionToucher } from "./service";

/** Service dependencies on `db` with a small worker pool (close it after the tests). */
export function labServiceDeps(db: Db, pool: LabPoolOptions = {}): LabServiceDeps {
  return {
    db,
    labs: new LabPool({ workers: 1, maxLabsPerWorker: 10, idleMs: 60_000, ...pool }),
    sessions: new SessionRowCache(),
    touches: new SessionToucher(db),
  };
}

export function labApiHarness(pool: LabPoolOptions = {}) {
  const tmp = createTempDatabase();
  const auth: Auth = createTestAuth(tmp.db);
  const deps: LabApiDeps = {
    ...labServiceDeps(tmp.db, pool),
    // SQLite: the log's own writer, as the server has it; PostgreSQL: one INSERT through Prisma
    events: isPostgresUrl(tmp.url) ? undefined : new EventLog(tmp.url),
    authenticate: sessionAuthenticator(() => auth, { ttlMs: 0, maxEntries: 0 }),
    limits: DEFAULT_LIMITS,
    rate: new CommandRateLimiter({ commandsPerSecond: 1000, burst: 1000 }),
  };
  return {
    tmp,
    auth,
    deps,
    labs: deps.labs,
    api: createLabApi(deps),
    /** Seeds the demo accounts; the session cookies of the demo students `from`…`to - 1`. */
    async signInStudents(from: number, to: number): Promise<string[]> {
      await seedDemo(auth, tmp.db);
      const cookies: string[] = [];
      for (const s of DEMO_STUDENTS.slice(from, to)) {
        const { headers } = await auth.api.signInEmail({
          body: { email: s.email, password: s.password },
          returnHeaders: true,
        });
        cookies.push((headers.get("set-cookie") ?? "").split(";")[0] as string);
      }
      return cookies;
    },
    async close(): Promise<void> {
      await deps.touches.flush();
      await deps.labs.close();
      deps.events?.close();
    },
  };
}
