import type { Auth } from "./auth";
import { createCohort } from "./cohorts";
import type { Db } from "./db";
import type { Role } from "./roles";

export const DEMO_COHORT_NAME = "Démo HA";
export const DEMO_INSTRUCTOR = {
  email: "formateur@drbd-lab.local",
  password: "formateur123",
  name: "Camille Formatrice",
};
export const DEMO_STUDENTS = [1, 2, 3].map((n) => ({
  email: `etudiant${n}@drbd-lab.local`,
  password: "etudiant123",
  name: `Étudiant ${n}`,
}));

export interface DemoSummary {
  joinCode: string;
  created: boolean;
}

async function ensureUser(auth: Auth, db: Db, who: { email: string; password: string; name: string }, role: Role) {
  const existing = await db.user.findUnique({ where: { email: who.email } });
  if (existing) return { id: existing.id, created: false };
  // Server-side call without headers: allowed by the admin plugin for seeding.
  const { user } = await auth.api.createUser({ body: { ...who, role } });
  return { id: user.id, created: true };
}

/**
 * Demo accounts and class, created once: re-running changes nothing (existing accounts keep
 * the password a learner may have changed). Callers must not run it in production mode.
 */
export async function seedDemo(auth: Auth, db: Db): Promise<DemoSummary> {
  const instructor = await ensureUser(auth, db, DEMO_INSTRUCTOR, "instructor");
  let created = instructor.created;
  let cohort = await db.cohort.findFirst({ where: { name: DEMO_COHORT_NAME, instructorId: instructor.id } });
  if (!cohort) {
    cohort = await createCohort(db, instructor.id, DEMO_COHORT_NAME);
    created = true;
  }
  for (const student of DEMO_STUDENTS) {
    const { id, created: isNew } = await ensureUser(auth, db, student, "student");
    created ||= isNew;
    await db.enrollment.upsert({
      where: { userId_cohortId: { userId: id, cohortId: cohort.id } },
      create: { userId: id, cohortId: cohort.id },
      update: {},
    });
  }
  return { joinCode: cohort.joinCode, created };
}

export function describeDemo(summary: DemoSummary): string {
  return [
    `Classe « ${DEMO_COHORT_NAME} » — code d'inscription : ${summary.joinCode}`,
    `Formateur : ${DEMO_INSTRUCTOR.email} / ${DEMO_INSTRUCTOR.password}`,
    ...DEMO_STUDENTS.map((s) => `Étudiant  : ${s.email} / ${s.password}`),
  ].join("\n");
}
