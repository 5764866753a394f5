import { instructorApi } from "@/lib/instructor/server";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ sessionId: string }> }) {
  return instructorApi().replay(request, (await params).sessionId);
}
