import { getAuth } from "@/lib/auth";
import { databaseUrl } from "@/lib/database-url";
import { db } from "@/lib/db";
import { sessionAuthenticator } from "./authenticate";
import { labClusterFor } from "./cluster";
import { createLabApi, defaultLabApiDeps, type LabApi, type LabApiDeps } from "./http";
import type { LabPool } from "./pool";

const globalForLabs = globalThis as unknown as { drbdLabDeps?: LabApiDeps; drbdLabApi?: LabApi };

function deps(): LabApiDeps {
  if (!globalForLabs.drbdLabDeps) {
    const d = defaultLabApiDeps(db, sessionAuthenticator(getAuth), databaseUrl());
    // several servers on one PostgreSQL: lab locks, catch-up and Ctrl-C across them
    globalForLabs.drbdLabDeps = { ...d, cluster: labClusterFor(databaseUrl(), d.labs) };
  }
  return globalForLabs.drbdLabDeps;
}

/** The process-wide lab API (one pool of lab workers per server process). */
export function labApi(): LabApi {
  globalForLabs.drbdLabApi ??= createLabApi(deps());
  return globalForLabs.drbdLabApi;
}

/** The process-wide lab workers (grading replays run there too). */
export function labPool(): LabPool {
  return deps().labs;
}
