"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { SIGN_IN_FIELDS, type SignInField, signIn } from "@/lib/accounts";
import { getAuth } from "@/lib/auth";
import { db } from "@/lib/db";
import { type FormState, formValues } from "@/lib/forms";
import { signInRateRule } from "@/lib/rate-limit";

export async function signInAction(_previous: FormState<SignInField>, form: FormData): Promise<FormState<SignInField>> {
  const values = formValues(form, SIGN_IN_FIELDS);
  const outcome = await signIn(getAuth(), db, values, await headers(), signInRateRule());
  if (!outcome.ok) return { errors: outcome.errors, values: { email: values.email } };
  redirect("/");
}
