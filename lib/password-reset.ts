import { randomInt } from "node:crypto";
import { z } from "zod";
import type { Auth } from "./auth";
import { teachesStudent } from "./cohorts";
import type { Db } from "./db";
import { authErrorCode, type FormState, fieldErrors } from "./forms";
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
  // the temporary password was read aloud: the student replaces it at the next sign-in
  await db.user.update({ where: { id: studentId }, data: { mustChangePassword: true } });
  return { ok: true, password: newPassword, studentName: student.name };
}

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Saisissez le mot de passe temporaire."),
    newPassword: z
      .string()
      .min(8, "Le mot de passe doit contenir au moins 8 caractères.")
      .max(128, "Le mot de passe doit contenir au plus 128 caractères."),
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "Les deux saisies ne sont pas identiques.",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "Choisissez un mot de passe différent du mot de passe temporaire.",
  });

export const CHANGE_PASSWORD_FIELDS = ["currentPassword", "newPassword", "confirmPassword"] as const;
export type ChangePasswordField = (typeof CHANGE_PASSWORD_FIELDS)[number];

/**
 * The signed-in user (`headers` carry their session) replaces the temporary password an
 * instructor gave them; their other sessions close and the requirement is lifted.
 */
export async function changeRequiredPassword(
  auth: Auth,
  db: Db,
  userId: string,
  input: Record<ChangePasswordField, string>,
  headers: Headers,
): Promise<{ ok: true } | { ok: false; errors: FormState<ChangePasswordField>["errors"] }> {
  const parsed = changePasswordSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const { currentPassword, newPassword } = parsed.data;
  try {
    await auth.api.changePassword({ body: { currentPassword, newPassword, revokeOtherSessions: true }, headers });
  } catch (error) {
    if (authErrorCode(error) === "INVALID_PASSWORD") {
      return { ok: false, errors: { currentPassword: "Mot de passe temporaire incorrect." } };
    }
    throw error;
  }
  await db.user.update({ where: { id: userId }, data: { mustChangePassword: false } });
  return { ok: true };
}
