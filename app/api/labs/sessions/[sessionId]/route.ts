import { labApi } from "@/lib/labs/server";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ sessionId: string }> }) {
  return labApi().get(request, (await params).sessionId);
}
