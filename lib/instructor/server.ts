import { getAuth } from "@/lib/auth";
import { db } from "@/lib/db";
import { sessionViewer } from "@/lib/grading/authenticate";
import { labPool } from "@/lib/labs/server";
import { createInstructorApi, type InstructorApi } from "./http";

const globalForInstructor = globalThis as unknown as { drbdInstructorApi?: InstructorApi };

/** The process-wide live view and replay API (route handlers call it). */
export function instructorApi(): InstructorApi {
  globalForInstructor.drbdInstructorApi ??= createInstructorApi({
    db,
    authenticate: sessionViewer(getAuth),
    labs: labPool(),
  });
  return globalForInstructor.drbdInstructorApi;
}
