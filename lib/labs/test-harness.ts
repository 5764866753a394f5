/** The lab API on a temporary database with the demo accounts (lib/labs tests). */
import type { Auth } from "@/lib/auth";
import { DEMO_STUDENTS, seedDemo } from "@/lib/demo-seed";
import { createTempDatabase, createTestAuth } from "@/lib/testing/temp-db";
import { sessionAuthenticator } from "./authenticate";
import { LabCache } from "./cache";
import { createLabApi, type LabApiDeps } from "./http";
import { CommandRateLimiter, DEFAULT_LIMITS } from "./limits";

export function labApiHarness() {
  const tmp = createTempDatabase();
  const auth: Auth = createTestAuth(tmp.db);
  const cache = new LabCache({ maxEntries: 10, idleMs: 60_000 });
  const deps: LabApiDeps = {
    db: tmp.db,
    cache,
    authenticate: sessionAuthenticator(() => auth),
    limits: DEFAULT_LIMITS,
    rate: new CommandRateLimiter({ commandsPerSecond: 1000, burst: 1000 }),
  };
  return {
    tmp,
    cache,
    deps,
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
  };
}
