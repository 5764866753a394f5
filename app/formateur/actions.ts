"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getAuth } from "@/lib/auth";
import { createCohort } from "@/lib/cohorts";
import { db } from "@/lib/db";
import { type FormState, fieldErrors } from "@/lib/forms";
import { requireRole } from "@/lib/guards";
import { resetLabStorage } from "@/lib/labs/storage";
import { resetStudentPassword } from "@/lib/password-reset";

const classSchema = z.object({
  name: z
    .string()
    .trim()
    .min(2, "Donnez un nom à la classe (2 caractères au moins).")
    .max(80, "80 caractères au plus."),
});

export async function createClassAction(_previous: FormState<"name">, form: FormData): Promise<FormState<"name">> {
  const { user } = await requireRole("instructor", "admin");
  const name = String(form.get("name") ?? "");
  const parsed = classSchema.safeParse({ name });
  if (!parsed.success) return { errors: fieldErrors(parsed.error), values: { name } };
  const cohort = await createCohort(db, user.id, parsed.data.name);
  revalidatePath("/formateur");
  return {
    errors: {},
    values: {},
    message: `Classe « ${cohort.name} » créée. Code d'inscription : ${cohort.joinCode}`,
  };
}

export interface ResetState {
  error?: string;
  password?: string;
  studentName?: string;
}

export async function resetPasswordAction(_previous: ResetState, form: FormData): Promise<ResetState> {
  const { user } = await requireRole("instructor", "admin");
  const studentId = z.string().min(1).safeParse(form.get("studentId"));
  if (!studentId.success) return { error: "Étudiant·e introuvable." };
  const result = await resetStudentPassword(getAuth(), db, user, studentId.data);
  if (!result.ok) return { error: result.error };
  return { password: result.password, studentName: result.studentName };
}

export interface StorageResetState {
  error?: string;
  done?: boolean;
}

/** Lets a learner who used their lab storage quota go on (lib/labs/storage.ts). */
export async function resetLabStorageAction(_previous: StorageResetState, form: FormData): Promise<StorageResetState> {
  const { user } = await requireRole("instructor", "admin");
  const studentId = z.string().min(1).safeParse(form.get("studentId"));
  if (!studentId.success || !(await resetLabStorage(db, user, studentId.data))) {
    return { error: "Étudiant·e introuvable." };
  }
  revalidatePath("/formateur");
  return { done: true };
}
