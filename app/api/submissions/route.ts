import { gradingApi } from "@/lib/grading/server";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return gradingApi().submit(request);
}

export async function GET(request: Request) {
  return gradingApi().state(request);
}
