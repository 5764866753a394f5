import { getAuth } from "@/lib/auth";
import { db } from "@/lib/db";
import { labPool } from "@/lib/labs/server";
import { sessionViewer } from "./authenticate";
import { createGradingApi, type GradingApi } from "./http";

const globalForGrading = globalThis as unknown as { drbdGradingApi?: GradingApi };

/** The process-wide grading API (route handlers call it). */
export function gradingApi(): GradingApi {
  globalForGrading.drbdGradingApi ??= createGradingApi({
    db,
    authenticate: sessionViewer(getAuth),
    gradeLab: (userId, def, submission, report) => labPool().grade(userId, def.id, submission, report),
  });
  return globalForGrading.drbdGradingApi;
}
