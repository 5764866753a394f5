import { labApi } from "@/lib/labs/server";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ sessionId: string }> }) {
  return labApi().exec(request, (await params).sessionId);
}
