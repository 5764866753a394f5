import {
  type AnyExercise,
  type CheckResult,
  type GradeResult,
  getExercise,
  grade,
  type ReportProgress,
} from "@/graders";
import type { Db } from "@/lib/db";
import { newestCheckpoint } from "@/lib/labs/checkpoint-store";
import { gradingCheckpoint } from "@/lib/labs/checkpoints";
import { labIdOf } from "./exercise-view";
import { currentLabLog, labLogOf } from "./lab-log";
import { recomputeProgress } from "./progress";

export class NoLabSession extends Error {}

/** What the learner sends: answers (questions) or a file's text (config, script). */
export interface LearnerInput {
  answers?: Record<string, unknown>;
  text?: string;
}

/** Stored payload of a lab submission: which session, and how many of its events were graded. */
export interface LabPayload {
  lab: string;
  labSessionId: string;
  events: number;
}

export const STORED_KIND: Record<AnyExercise["kind"], string> = {
  questions: "quiz",
  config: "config",
  lab: "lab",
  script: "script",
};

/** The grader input for a non-lab exercise. */
export function graderInput(def: AnyExercise, input: LearnerInput): unknown {
  if (def.kind === "questions") return { answers: input.answers ?? {} };
  return input.text ?? "";
}

/**
 * Hints unlock one by one: after k failed attempts, the hints of the first k failing checks
 * are shown (the grader returns all of them; the learner earns them).
 */
export function withUnlockedHints(result: GradeResult, failedAttempts: number): GradeResult {
  let left = failedAttempts;
  const checks = result.checks.map((c): CheckResult => {
    if (c.passed || !c.hint) return stripHint(c);
    if (left > 0) {
      left--;
      return c;
    }
    return stripHint(c);
  });
  return { ...result, checks };
}

function stripHint(c: CheckResult): CheckResult {
  const { hint: _hint, ...rest } = c;
  return rest;
}

export interface SubmitOutcome {
  result: GradeResult;
  /** Absent for an invalid submission: it is not stored and costs no attempt. */
  submissionId?: string;
  progress: { bestScore: number; maxScore: number; attempts: number; lastActivityAt: Date } | null;
}

/** Failed attempts so far = stored submissions whose effective score is below the maximum. */
async function failedAttempts(db: Db, userId: string, def: AnyExercise): Promise<number> {
  const subs = await db.submission.findMany({
    where: { userId, exerciseId: def.id },
    select: { gradings: { select: { score: true }, orderBy: { createdAt: "desc" }, take: 1 } },
  });
  return subs.filter((s) => (s.gradings[0]?.score ?? 0) < def.points).length;
}

/**
 * One "Vérifier": the server loads the definition, builds the submission (a lab one from the
 * stored event log, never from the browser), grades it, and stores Submission + Grading +
 * Progress in one transaction. Invalid input is returned with its diagnostics and not stored.
 */
/** Grades a lab submission somewhere else than this thread (the lab workers); default: here. */
export type GradeLab = (
  userId: string,
  def: AnyExercise,
  submission: unknown,
  report?: ReportProgress,
) => Promise<GradeResult>;

export async function submit(
  db: Db,
  userId: string,
  exerciseId: string,
  input: LearnerInput,
  gradeLab?: GradeLab,
  report?: ReportProgress,
): Promise<SubmitOutcome> {
  const def = getExercise(exerciseId);
  if (!def) throw new Error(`unknown exercise ${exerciseId}`);
  let graded: unknown;
  let payload: unknown;
  let labSessionId: string | undefined;
  const labId = labIdOf(def);
  if (labId) {
    const log = await currentLabLog(db, userId, labId);
    if (!log) throw new NoLabSession();
    graded = log.submission;
    labSessionId = log.session.id;
    payload = { lab: labId, labSessionId, events: await eventRowCount(db, log.session.id) } satisfies LabPayload;
  } else {
    graded = graderInput(def, input);
    payload = def.kind === "questions" ? { answers: input.answers ?? {} } : { text: input.text ?? "" };
  }
  // in the lab's worker, from the lab's newest checkpoint when it has one (only the rest is replayed)
  const saved = labId && gradeLab && labSessionId ? await newestCheckpoint(db, labSessionId) : null;
  const checkpoint = saved ? gradingCheckpoint(saved) : null;
  const result =
    labId && gradeLab
      ? await gradeLab(userId, def, checkpoint ? { ...(graded as object), checkpoint } : graded, report)
      : await grade(def, graded, report);
  if (!result.valid) {
    const progress = await db.progress.findUnique({ where: { userId_exerciseId: { userId, exerciseId } } });
    return { result, progress };
  }
  const stored = await db.$transaction(async (tx) => {
    const sub = await tx.submission.create({
      data: {
        userId,
        exerciseId,
        kind: STORED_KIND[def.kind],
        payload: JSON.stringify(payload),
        ...(labSessionId ? { labSessionId } : {}),
      },
    });
    await tx.grading.create({
      data: {
        submissionId: sub.id,
        graderVersion: String(def.graderVersion),
        score: result.score,
        maxScore: result.max,
        checks: JSON.stringify(result.checks),
      },
    });
    const progress = await recomputeProgress(tx, userId, exerciseId);
    return { id: sub.id, progress };
  });
  const failed = await failedAttempts(db, userId, def);
  return { result: withUnlockedHints(result, failed), submissionId: stored.id, progress: stored.progress };
}

async function eventRowCount(db: Db, labSessionId: string): Promise<number> {
  return db.labEvent.count({ where: { labSessionId } });
}

/** Grader input of a stored submission (regrade): lab ones replay the first N stored events. */
export async function storedGraderInput(
  db: Db,
  def: AnyExercise,
  sub: { payload: string; labSessionId: string | null },
): Promise<unknown | null> {
  const payload = JSON.parse(sub.payload) as Partial<LabPayload> & LearnerInput;
  if (def.kind !== "lab") return graderInput(def, payload);
  if (!sub.labSessionId) return null; // the session was deleted: nothing left to replay
  const session = await db.labSession.findUnique({ where: { id: sub.labSessionId } });
  if (!session) return null;
  return labLogOf(db, session, payload.events);
}

export { failedAttempts };
