import { getChapter } from "@/lib/chapters";
import { db } from "@/lib/db";
import { requireApiRole } from "@/lib/guards";
import { markRead } from "@/lib/reading";

export const dynamic = "force-dynamic";

/** POST /api/chapters/[slug]/read — the learner reached the end of a reading chapter. */
export async function POST(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const who = await requireApiRole(request);
  if (who instanceof Response) return who;
  const found = getChapter((await params).slug);
  if (!found) return Response.json({ error: "Chapitre introuvable." }, { status: 404 });
  if (found.chapter.exercises.length > 0)
    return Response.json({ error: "Ce chapitre compte par ses exercices, pas par sa lecture." }, { status: 400 });
  await markRead(db, who.user.id, found.chapter.slug);
  return Response.json({ read: true });
}
