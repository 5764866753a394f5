import { randomInt } from "node:crypto";
import type { Auth } from "./auth";
import { teachesStudent } from "./cohorts";
import type { Db } from "./db";
import { JOIN_CODE_ALPHABET } from "./join-code";
import { type Role, roleOf } from "./roles";

/** A temporary password to read to the student, e.g. "k7qm-2xpa-9thw" (about 59 bits). */
export function temporaryPassword(pick: (n: number) => number = randomInt): string {
  const alphabet = JOIN_CODE_ALPHABET.toLowerCase();
  const group = () => Array.from({ length: 4 }, () => alphabet[pick(alphabet.length)]).join("");
  return `${group()}-${group()}-${group()}`;
}

export type ResetResult = { ok: true; password: string; studentName: string } | { ok: false; error: string };

/**
 * Gives a student a new temporary password and closes all their sessions. An instructor may
 * do so only for the students of their own classes; an admin for any student.
 */
export async function resetStudentPassword(
  auth: Auth,
  db: Db,
  actor: { id: string; role: Role },
  studentId: string,
  newPassword = temporaryPassword(),
): Promise<ResetResult> {
  const student = await db.user.findUnique({ where: { id: studentId } });
  if (!student || roleOf(student) !== "student") return { ok: false, error: "Étudiant·e introuvable." };
  const allowed =
    actor.role === "admin" || (actor.role === "instructor" && (await teachesStudent(db, actor.id, studentId)));
  if (!allowed) return { ok: false, error: "Cet·te étudiant·e n'est inscrit·e dans aucune de vos classes." };

  // better-auth's own hashing (scrypt) and account store: nothing hand-rolled.
  const context = await auth.$context;
  const hash = await context.password.hash(newPassword);
  const account = await context.internalAdapter.findCredentialAccount(studentId);
  if (account) await context.internalAdapter.updatePassword(studentId, hash);
  else {
    await context.internalAdapter.createAccount({
      userId: studentId,
      providerId: "credential",
      accountId: studentId,
      password: hash,
    });
  }
  await context.internalAdapter.deleteUserSessions(studentId);
  return { ok: true, password: newPassword, studentName: student.name };
}
