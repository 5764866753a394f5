import { gradingApi } from "@/lib/grading/server";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return gradingApi().csv(request, (await params).id);
}
