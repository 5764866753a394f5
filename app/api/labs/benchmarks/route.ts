import { labApi } from "@/lib/labs/server";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return labApi().benchmarks(request);
}
