import { z } from "zod";
import { getExercise, type ReportProgress } from "@/graders";
import type { Db } from "@/lib/db";
import { FR_LONE_SURROGATE, hasLoneSurrogate } from "@/lib/unicode";
import { isEnrolled, ownedCohort, type Viewer } from "./access";
import { studentAttempts } from "./attempts";
import { classView } from "./class-view";
import { gradebookCsv } from "./csv";
import { OverrideRefused, overrideScore } from "./override";
import { regradeExercise } from "./regrade";
import { exerciseState } from "./state";
import { ndjsonResponse, progressLines } from "./stream";
import { type GradeLab, NoLabSession, submit } from "./submit";

/** Who is calling: id and role, or the 401 response to send. */
export type Authenticate = (request: Request) => Promise<Viewer | Response>;

export interface GradingApiDeps {
  db: Db;
  authenticate: Authenticate;
  /** Where a lab's log is replayed for "Vérifier" (the lab workers; default: this thread). */
  gradeLab?: GradeLab;
}

const EXERCISE_ID = z.string().regex(/^[a-z0-9.]{1,12}$/, "Exercice inconnu.");
const submitBody = z.strictObject({
  exercise: EXERCISE_ID,
  answers: z.record(z.string().max(40), z.unknown()).optional(),
  text: z.string().max(100_000).optional(),
  /** Stream the grading's progress (lib/grading/stream.ts) instead of one JSON reply. */
  stream: z.boolean().optional(),
});
const regradeBody = z.strictObject({ exercise: EXERCISE_ID });
const overrideBody = z.strictObject({
  submissionId: z.string().min(1).max(40),
  score: z.number().finite(),
  comment: z.string().trim().min(1, "Un commentaire est requis.").max(2000),
});

const json = (body: unknown, status = 200) => Response.json(body, { status });
const notFound = () => json({ error: "Introuvable." }, 404);
const forbidden = () => json({ error: "Accès réservé aux formateur·rices." }, 403);

async function readJson<T>(request: Request, schema: z.ZodType<T>): Promise<T | Response> {
  let raw: unknown;
  try {
    raw = JSON.parse(await request.text());
  } catch {
    return json({ error: "Requête invalide : le corps doit être du JSON." }, 400);
  }
  if (hasLoneSurrogate(raw)) return json({ error: FR_LONE_SURROGATE }, 400);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return json({ error: `Requête invalide : ${parsed.error.issues[0]?.message}` }, 400);
  return parsed.data;
}

const isStaff = (v: Viewer) => v.role === "instructor" || v.role === "admin";

/**
 * Grading route handlers on injectable dependencies (tests use a temp database). Learner
 * routes only ever read or write the caller's own rows; instructor routes answer 403 to a
 * student and 404 for a class the instructor does not teach (its existence is not revealed).
 */
export function createGradingApi(deps: GradingApiDeps) {
  const { db } = deps;
  const grading = new Set<string>();

  async function asStaff(request: Request, cohortId: string, fn: (v: Viewer) => Promise<Response>) {
    const who = await deps.authenticate(request);
    if (who instanceof Response) return who;
    if (!isStaff(who)) return forbidden();
    if (!(await ownedCohort(db, who, cohortId))) return notFound();
    return fn(who);
  }

  return {
    /** POST /api/submissions — grade and store one "Vérifier". */
    async submit(request: Request): Promise<Response> {
      const who = await deps.authenticate(request);
      if (who instanceof Response) return who;
      const body = await readJson(request, submitBody);
      if (body instanceof Response) return body;
      if (!getExercise(body.exercise)) return notFound();
      // One grading at a time per learner: a lab replay costs real CPU.
      if (grading.has(who.id)) return json({ error: "Une vérification est déjà en cours." }, 429);
      grading.add(who.id);
      const run = async (report?: ReportProgress) => {
        try {
          const out = await submit(db, who.id, body.exercise, body, deps.gradeLab, report);
          return { status: 200, body: { ...out, stored: out.submissionId !== undefined } };
        } catch (e) {
          if (e instanceof NoLabSession)
            return {
              status: 409,
              body: { error: "Ouvrez le lab de ce chapitre et faites l’exercice avant de vérifier." },
            };
          throw e;
        } finally {
          grading.delete(who.id);
        }
      };
      if (!body.stream) {
        const r = await run();
        return json(r.body, r.status);
      }
      return ndjsonResponse(async (send) => {
        try {
          send({ type: "done", ...(await run(progressLines(send))) });
        } catch (e) {
          console.error("grading failed", e);
          send({ type: "done", status: 500, body: { error: "Erreur du serveur." } });
        }
      });
    },

    /** GET /api/submissions?exercise=ID — the caller's own state for that exercise. */
    async state(request: Request): Promise<Response> {
      const who = await deps.authenticate(request);
      if (who instanceof Response) return who;
      const id = EXERCISE_ID.safeParse(new URL(request.url).searchParams.get("exercise"));
      if (!id.success) return notFound();
      const state = await exerciseState(db, who.id, id.data);
      return state ? json(state) : notFound();
    },

    /** GET /api/formateur/classes/[id] — heatmap, statistics and review queue. */
    classView: (request: Request, cohortId: string) =>
      asStaff(request, cohortId, async () => json(await classView(db, cohortId))),

    /** GET /api/formateur/classes/[id]/csv — the gradebook for Excel FR. */
    csv: (request: Request, cohortId: string) =>
      asStaff(request, cohortId, async () => {
        const cohort = await db.cohort.findUniqueOrThrow({ where: { id: cohortId } });
        const name =
          cohort.name
            .normalize("NFD")
            .replace(/[^\w-]+/g, "-")
            .replace(/^-|-$/g, "") || "classe";
        return new Response(gradebookCsv(await classView(db, cohortId)), {
          headers: {
            "content-type": "text/csv; charset=utf-8",
            "content-disposition": `attachment; filename="notes-${name}.csv"`,
          },
        });
      }),

    /** POST /api/formateur/classes/[id]/regrade { exercise }. */
    regrade: (request: Request, cohortId: string) =>
      asStaff(request, cohortId, async () => {
        const body = await readJson(request, regradeBody);
        if (body instanceof Response) return body;
        if (!getExercise(body.exercise)) return notFound();
        return json(await regradeExercise(db, cohortId, body.exercise));
      }),

    /** POST /api/formateur/classes/[id]/overrides { submissionId, score, comment }. */
    override: (request: Request, cohortId: string) =>
      asStaff(request, cohortId, async (viewer) => {
        const body = await readJson(request, overrideBody);
        if (body instanceof Response) return body;
        try {
          const row = await overrideScore(db, viewer, cohortId, body.submissionId, body.score, body.comment);
          return row ? json(row, 201) : notFound();
        } catch (e) {
          if (e instanceof OverrideRefused) return json({ error: e.message }, 400);
          throw e;
        }
      }),

    /** GET /api/formateur/classes/[id]/students/[sid]?exercise=ID — attempts and transcripts. */
    attempts: (request: Request, cohortId: string, studentId: string) =>
      asStaff(request, cohortId, async () => {
        const id = EXERCISE_ID.safeParse(new URL(request.url).searchParams.get("exercise"));
        if (!id.success || !getExercise(id.data) || !(await isEnrolled(db, cohortId, studentId))) return notFound();
        return json(await studentAttempts(db, studentId, id.data));
      }),
  };
}

export type GradingApi = ReturnType<typeof createGradingApi>;
