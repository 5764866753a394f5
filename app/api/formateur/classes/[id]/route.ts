import { gradingApi } from "@/lib/grading/server";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return gradingApi().classView(request, (await params).id);
}
