import { gradingApi } from "@/lib/grading/server";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return gradingApi().regrade(request, (await params).id);
}
