import { gradingApi } from "@/lib/grading/server";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return gradingApi().override(request, (await params).id);
}
