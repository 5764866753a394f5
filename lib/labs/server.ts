import { getAuth } from "@/lib/auth";
import { db } from "@/lib/db";
import { sessionAuthenticator } from "./authenticate";
import { createLabApi, defaultLabApiDeps, type LabApi } from "./http";

const globalForLabs = globalThis as unknown as { drbdLabApi?: LabApi };

/** The process-wide lab API (one cache of live labs per server process). */
export function labApi(): LabApi {
  globalForLabs.drbdLabApi ??= createLabApi(defaultLabApiDeps(db, sessionAuthenticator(getAuth)));
  return globalForLabs.drbdLabApi;
}
