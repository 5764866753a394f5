import { gradingApi } from "@/lib/grading/server";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string; studentId: string }> }) {
  const { id, studentId } = await params;
  return gradingApi().attempts(request, id, studentId);
}
