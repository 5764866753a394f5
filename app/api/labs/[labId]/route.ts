import { labApi } from "@/lib/labs/server";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ labId: string }> }) {
  return labApi().open(request, (await params).labId);
}
