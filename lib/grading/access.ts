import type { Db } from "@/lib/db";

export interface Viewer {
  id: string;
  role: string;
}

/** The class if the viewer teaches it (an admin sees every class), else null → 404. */
export async function ownedCohort(db: Db, viewer: Viewer, cohortId: string) {
  if (viewer.role !== "instructor" && viewer.role !== "admin") return null;
  const cohort = await db.cohort.findUnique({ where: { id: cohortId } });
  if (!cohort) return null;
  if (viewer.role !== "admin" && cohort.instructorId !== viewer.id) return null;
  return cohort;
}

/** Students enrolled in the class (role student or not: an enrolled account is graded). */
export async function cohortStudents(db: Db, cohortId: string) {
  const rows = await db.enrollment.findMany({
    where: { cohortId },
    include: { user: { select: { id: true, name: true, email: true } } },
    orderBy: { user: { name: "asc" } },
  });
  return rows.map((r) => r.user);
}

/** True when the student is enrolled in that class (detail pages take both ids). */
export async function isEnrolled(db: Db, cohortId: string, userId: string): Promise<boolean> {
  return (await db.enrollment.findUnique({ where: { userId_cohortId: { userId, cohortId } } })) !== null;
}
