import type { CheckResult } from "@/graders";
import type { Db } from "@/lib/db";
import { effectiveScore } from "./progress";

export interface AttemptView {
  id: string;
  createdAt: string;
  kind: string;
  payload: unknown;
  score: number;
  maxScore: number;
  graderVersion: string;
  /** Every grading, newest first (regrades add rows). */
  gradings: { id: string; graderVersion: string; score: number; createdAt: string; checks: CheckResult[] }[];
  overrides: { score: number; comment: string; author: string; createdAt: string }[];
  /** Lab submissions: the commands and their output, as the learner saw them. */
  transcript?: { seq: number; target: string; input: string; output: string }[];
}

/** A student's attempts at one exercise, newest first (callers check the class first). */
export async function studentAttempts(db: Db, userId: string, exerciseId: string): Promise<AttemptView[]> {
  const subs = await db.submission.findMany({
    where: { userId, exerciseId },
    orderBy: { createdAt: "desc" },
    include: {
      gradings: { orderBy: { createdAt: "desc" } },
      overrides: { orderBy: { createdAt: "desc" }, include: { author: { select: { name: true } } } },
    },
  });
  const out: AttemptView[] = [];
  for (const s of subs) {
    const payload = JSON.parse(s.payload) as { events?: number };
    const latest = s.gradings[0];
    const view: AttemptView = {
      id: s.id,
      createdAt: s.createdAt.toISOString(),
      kind: s.kind,
      payload,
      score: effectiveScore(s) ?? 0,
      maxScore: latest?.maxScore ?? 0,
      graderVersion: latest?.graderVersion ?? "",
      gradings: s.gradings.map((g) => ({
        id: g.id,
        graderVersion: g.graderVersion,
        score: g.score,
        createdAt: g.createdAt.toISOString(),
        checks: JSON.parse(g.checks) as CheckResult[],
      })),
      overrides: s.overrides.map((o) => ({
        score: o.score,
        comment: o.comment,
        author: o.author.name,
        createdAt: o.createdAt.toISOString(),
      })),
    };
    if (s.labSessionId) {
      view.transcript = await db.labEvent.findMany({
        where: { labSessionId: s.labSessionId },
        orderBy: { seq: "asc" },
        ...(payload.events !== undefined ? { take: payload.events } : {}),
        select: { seq: true, target: true, input: true, output: true },
      });
    }
    out.push(view);
  }
  return out;
}
