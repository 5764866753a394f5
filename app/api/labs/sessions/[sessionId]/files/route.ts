import { labApi } from "@/lib/labs/server";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ sessionId: string }> };

export async function GET(request: Request, { params }: Ctx) {
  return labApi().files(request, (await params).sessionId);
}

export async function POST(request: Request, { params }: Ctx) {
  return labApi().writeFile(request, (await params).sessionId);
}
