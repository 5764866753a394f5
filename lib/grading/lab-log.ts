import type { ReplayEvent } from "@/engine/index";
import { parseWaits } from "@/lib/labs/wait-log";
import type { DbLike } from "./progress";

/** A stored lab session turned into the graders' `{ scenario, seed, events }` submission. */
export interface LabLogSubmission {
  scenario: string;
  seed: number;
  /** The engine's replay events: a command stopped by Ctrl-C keeps where it was stopped. */
  events: ReplayEvent[];
}

/** A stored row, as read back for a replay. */
export interface LabLogRow {
  target: string;
  input: string;
  interruptedAtUs?: number | null;
  interruptedAtWork?: number | null;
}

/**
 * Stored LabEvent rows → replayable events. A "lab" row holds merged waits (`wait 2000*3+500`):
 * they are split back into the same steps, since the engine runs timer jobs at each wait's end.
 * A command a Ctrl-C stopped keeps its stop point, so that what is graded is what the lab did.
 */
export function eventsFromRows(rows: readonly LabLogRow[]): ReplayEvent[] {
  const out: ReplayEvent[] = [];
  for (const r of rows) {
    if (r.target === "lab") for (const ms of parseWaits(r.input)) out.push({ kind: "wait", durationUs: ms * 1000 });
    else
      out.push({
        kind: "exec",
        target: r.target,
        input: r.input,
        ...(typeof r.interruptedAtUs === "number" ? { interruptedAtUs: r.interruptedAtUs } : {}),
        ...(typeof r.interruptedAtWork === "number" ? { interruptedAtWork: r.interruptedAtWork } : {}),
      });
  }
  return out;
}

/** The learner's active session of `labId` (latest), with its log; null when there is none. */
export async function currentLabLog(db: DbLike, userId: string, labId: string) {
  const session = await db.labSession.findFirst({
    where: { userId, exerciseId: labId, status: "active" },
    orderBy: { createdAt: "desc" },
  });
  if (!session) return null;
  return { session, submission: await labLogOf(db, session) };
}

/**
 * The log of a session, optionally only its first `take` rows (a regrade replays what was
 * graded: rows are append-only, except a trailing wait row that later waits merge into).
 */
export async function labLogOf(db: DbLike, session: { id: string; scenario: string; seed: number }, take?: number) {
  const rows = await db.labEvent.findMany({
    where: { labSessionId: session.id },
    ...(take !== undefined ? { take } : {}),
    orderBy: { seq: "asc" },
    select: { target: true, input: true, interruptedAtUs: true, interruptedAtWork: true },
  });
  return { scenario: session.scenario, seed: session.seed, events: eventsFromRows(rows) } satisfies LabLogSubmission;
}
