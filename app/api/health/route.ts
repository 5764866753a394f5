import { db } from "@/lib/db";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

// Public on purpose: load balancers and uptime probes call it without a session.
// It reveals nothing but whether the database answers.
export async function GET() {
  const { httpStatus, body } = await checkHealth(db);
  return Response.json(body, { status: httpStatus, headers: { "Cache-Control": "no-store" } });
}
