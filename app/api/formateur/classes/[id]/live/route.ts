import { instructorApi } from "@/lib/instructor/server";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return instructorApi().live(request, (await params).id);
}
