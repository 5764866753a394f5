"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { SIGN_UP_FIELDS, type SignUpField, signUpWithJoinCode } from "@/lib/accounts";
import { getAuth } from "@/lib/auth";
import { db } from "@/lib/db";
import { type FormState, formValues } from "@/lib/forms";
import { signInRateRule } from "@/lib/rate-limit";

export async function signUpAction(_previous: FormState<SignUpField>, form: FormData): Promise<FormState<SignUpField>> {
  const values = formValues(form, SIGN_UP_FIELDS);
  const outcome = await signUpWithJoinCode(getAuth(), db, values, await headers(), signInRateRule());
  if (!outcome.ok) {
    const { password: _never, ...kept } = values;
    return { errors: outcome.errors, values: kept };
  }
  // the same page whether the address was new or already had an account (see signUpWithJoinCode)
  redirect("/connexion?inscription=1");
}
