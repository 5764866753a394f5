"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getAuth } from "@/lib/auth";
import { db } from "@/lib/db";
import { type FormState, formValues } from "@/lib/forms";
import { getSession, SIGN_IN_PATH } from "@/lib/guards";
import { CHANGE_PASSWORD_FIELDS, type ChangePasswordField, changeRequiredPassword } from "@/lib/password-reset";

export async function changePasswordAction(
  _previous: FormState<ChangePasswordField>,
  form: FormData,
): Promise<FormState<ChangePasswordField>> {
  const session = await getSession();
  if (!session) redirect(SIGN_IN_PATH);
  const values = formValues(form, CHANGE_PASSWORD_FIELDS);
  const outcome = await changeRequiredPassword(getAuth(), db, session.user.id, values, await headers());
  if (!outcome.ok) return { errors: outcome.errors, values: {} };
  redirect("/");
}
