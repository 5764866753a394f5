import { Prisma } from "@/generated/prisma/client";
import type { Db } from "./db";
import { generateJoinCode } from "./join-code";

const MAX_CODE_ATTEMPTS = 20;

/** Creates a class with a fresh join code (retrying on the rare collision). */
export async function createCohort(db: Db, instructorId: string, name: string, newCode = () => generateJoinCode()) {
  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
    try {
      return await db.cohort.create({ data: { name, instructorId, joinCode: newCode() } });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") continue;
      throw error;
    }
  }
  throw new Error("Could not find a free join code");
}

export function findCohortByJoinCode(db: Db, joinCode: string) {
  return db.cohort.findUnique({ where: { joinCode } });
}

/** The classes an instructor may see (an admin sees all), with their enrolled students. */
export function listCohortsWithStudents(db: Db, viewer: { id: string; role: string }) {
  return db.cohort.findMany({
    where: viewer.role === "admin" ? {} : { instructorId: viewer.id },
    orderBy: { createdAt: "asc" },
    include: {
      instructor: { select: { name: true } },
      enrollments: {
        orderBy: { user: { name: "asc" } },
        include: { user: { select: { id: true, name: true, email: true, role: true, labStorageBytes: true } } },
      },
    },
  });
}

export type CohortWithStudents = Awaited<ReturnType<typeof listCohortsWithStudents>>[number];

/** True when `studentId` is enrolled in a class that `instructorId` teaches. */
export async function teachesStudent(db: Db, instructorId: string, studentId: string): Promise<boolean> {
  const link = await db.enrollment.findFirst({
    where: { userId: studentId, cohort: { instructorId } },
    select: { id: true },
  });
  return link !== null;
}
