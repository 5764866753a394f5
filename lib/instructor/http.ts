import type { Db } from "@/lib/db";
import { ownedCohort, type Viewer } from "@/lib/grading/access";
import type { Authenticate } from "@/lib/grading/http";
import type { LabPool } from "@/lib/labs/pool";
import { storedLabRef } from "@/lib/labs/service";
import { liveClass } from "./live";

/**
 * Route handlers of the live class view and of the replay page, on injectable dependencies.
 * An instructor sees only the learners of the classes they teach (an admin every class), a
 * learner only their own labs; anything else is « Introuvable » (404), as for classes.
 */
export interface InstructorApiDeps {
  db: Db;
  authenticate: Authenticate;
  /** The lab workers, where replays run. */
  labs: Pick<LabPool, "replay">;
  now?: () => Date;
}

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
const notFound = () => json({ error: "Introuvable." }, 404);
const isStaff = (v: Viewer) => v.role === "instructor" || v.role === "admin";

/** The lab session if the viewer may replay it (its learner, or who teaches that learner), else null. */
export async function viewableLab(db: Db, viewer: Viewer, sessionId: string) {
  const row = await db.labSession.findUnique({
    where: { id: sessionId },
    select: { id: true, userId: true, exerciseId: true, scenario: true, seed: true, user: { select: { name: true } } },
  });
  if (!row) return null;
  if (row.userId === viewer.id || viewer.role === "admin") return row;
  if (viewer.role !== "instructor") return null;
  const taught = await db.enrollment.findFirst({
    where: { userId: row.userId, cohort: { instructorId: viewer.id } },
    select: { id: true },
  });
  return taught ? row : null;
}

export function createInstructorApi(deps: InstructorApiDeps) {
  const { db } = deps;
  return {
    /** GET /api/formateur/classes/[id]/live — the live view's rows (polled by the page). */
    async live(request: Request, cohortId: string): Promise<Response> {
      const who = await deps.authenticate(request);
      if (who instanceof Response) return who;
      if (!isStaff(who)) return json({ error: "Accès réservé aux formateur·rices." }, 403);
      if (!(await ownedCohort(db, who, cohortId))) return notFound();
      return json(await liveClass(db, cohortId, deps.now?.() ?? new Date()));
    },

    /**
     * GET /api/replay/[sessionId] — the replay's steps, state history and first frame;
     * `?at=SEQ`: the cluster right after row SEQ (-1: before the first row).
     */
    async replay(request: Request, sessionId: string): Promise<Response> {
      const who = await deps.authenticate(request);
      if (who instanceof Response) return who;
      const at = new URL(request.url).searchParams.get("at");
      if (at !== null && !/^-?\d{1,9}$/.test(at))
        return json({ error: "Requête invalide : « at » est un numéro de commande." }, 400);
      const row = await viewableLab(db, who, sessionId);
      if (!row) return notFound();
      const last = await db.labEvent.aggregate({ where: { labSessionId: row.id }, _max: { seq: true }, _count: true });
      // the log only grows: its length names the replay the worker keeps
      const key = `${row.id}:${last._count}:${last._max.seq ?? -1}`;
      const answer = await deps.labs.replay(storedLabRef(db, row), key, at === null ? null : Number(at));
      if (at !== null) return json({ frame: answer.frame });
      return json({ learner: row.user.name, labId: row.exerciseId, ...answer.info, frame: answer.frame });
    },
  };
}

export type InstructorApi = ReturnType<typeof createInstructorApi>;
