import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Auth } from "./auth";
import { FR_ACCOUNT_LOCKED } from "./auth-lockout";
import type { Db } from "./db";
import { authErrorCode, type FormState, fieldErrors } from "./forms";
import { joinCodeSchema } from "./join-code";
import { clientIp, consumeRateLimit, type RateRule } from "./rate-limit";

const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Saisissez une adresse e-mail valide." }));

export const signInSchema = z.object({
  email,
  password: z.string().min(1, "Saisissez votre mot de passe."),
});

export const signUpSchema = z.object({
  name: z.string().trim().min(2, "Indiquez votre nom (2 caractères au moins).").max(80, "80 caractères au plus."),
  email,
  password: z
    .string()
    .min(8, "Le mot de passe doit contenir au moins 8 caractères.")
    .max(128, "Le mot de passe doit contenir au plus 128 caractères."),
  joinCode: joinCodeSchema,
});

export const SIGN_IN_FIELDS = ["email", "password"] as const;
export const SIGN_UP_FIELDS = ["name", "email", "password", "joinCode"] as const;
export type SignInField = (typeof SIGN_IN_FIELDS)[number];
export type SignUpField = (typeof SIGN_UP_FIELDS)[number];

export type Outcome<F extends string> = { ok: true; userId: string } | { ok: false; errors: FormState<F>["errors"] };

/** What sign-up answers when its fields are valid: the same whether the address was free or not. */
export type SignUpOutcome = { ok: true } | { ok: false; errors: FormState<SignUpField>["errors"] };

export const FR_SIGNED_UP =
  "Si cette adresse n’avait pas encore de compte, il vient d’être créé dans votre classe : connectez-vous. " +
  "Si elle en avait déjà un, connectez-vous avec son mot de passe.";

function tooMany(seconds: number) {
  return `Trop de tentatives. Réessayez dans ${seconds} seconde${seconds > 1 ? "s" : ""}.`;
}

/** Checks the password and opens a session (the cookie is set by better-auth's nextCookies). */
export async function signIn(
  auth: Auth,
  db: Db,
  input: Record<SignInField, string>,
  headers: Headers,
  rule: RateRule,
): Promise<Outcome<SignInField>> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const limit = await consumeRateLimit(db, `action:sign-in:${clientIp(headers)}`, rule);
  if (!limit.allowed) return { ok: false, errors: { form: tooMany(limit.retryAfterSeconds) } };
  try {
    const result = await auth.api.signInEmail({ body: parsed.data, headers });
    return { ok: true, userId: result.user.id };
  } catch (error) {
    const code = authErrorCode(error);
    if (code === "INVALID_EMAIL_OR_PASSWORD") {
      return { ok: false, errors: { password: "Adresse e-mail ou mot de passe incorrect." } };
    }
    if (code === "BANNED_USER") return { ok: false, errors: { form: "Ce compte a été suspendu." } };
    if (code === "ACCOUNT_LOCKED") {
      return {
        ok: false,
        errors: { form: (error as { body?: { message?: string } }).body?.message ?? FR_ACCOUNT_LOCKED(900) },
      };
    }
    throw error;
  }
}

/**
 * Creates a student account in the class whose join code was given. It does not sign in, and
 * an address that already has an account gets the same answer (nothing is changed): sign-up
 * never tells whether an address is known. The caller shows FR_SIGNED_UP on the sign-in page.
 */
export async function signUpWithJoinCode(
  auth: Auth,
  db: Db,
  input: Record<SignUpField, string>,
  headers: Headers,
  rule: RateRule,
): Promise<SignUpOutcome> {
  const parsed = signUpSchema.safeParse(input);
  const code = joinCodeSchema.safeParse(input.joinCode);
  if (!parsed.success && !code.success) return { ok: false, errors: fieldErrors(parsed.error) };
  // A well-formed code is looked up even when other fields are wrong, so that all the errors
  // show at once. Each lookup is counted per IP like sign-in: it bounds guessing of codes.
  const limit = await consumeRateLimit(db, `action:sign-up:${clientIp(headers)}`, rule);
  if (!limit.allowed) return { ok: false, errors: { form: tooMany(limit.retryAfterSeconds) } };
  const cohort = code.success ? await db.cohort.findUnique({ where: { joinCode: code.data } }) : null;
  const errors: FormState<SignUpField>["errors"] = parsed.success ? {} : fieldErrors(parsed.error);
  if (code.success && !cohort) errors.joinCode = "Code de classe inconnu. Vérifiez-le auprès de votre formateur.";
  if (!parsed.success || !cohort) return { ok: false, errors };
  const { name, email, password } = parsed.data;
  const hashLikeASignUp = async () => (await auth.$context).password.hash(randomBytes(16).toString("hex"));
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) {
    // as long as a real sign-up (which hashes the password): the time tells nothing either
    await hashLikeASignUp();
    return { ok: true };
  }
  let userId: string;
  try {
    const result = await auth.api.signUpEmail({ body: { name, email, password }, headers });
    userId = result.user.id;
  } catch (error) {
    const code = authErrorCode(error);
    if (code?.startsWith("USER_ALREADY_EXISTS")) return { ok: true }; // created meanwhile
    if (code === "PASSWORD_TOO_SHORT") return { ok: false, errors: { password: "Mot de passe trop court." } };
    throw error;
  }
  // better-auth answers an existing address with a made-up user: never enrol that one
  if (!(await db.user.findUnique({ where: { id: userId }, select: { id: true } }))) return { ok: true };
  try {
    await db.enrollment.create({ data: { userId, cohortId: cohort.id } });
  } catch (error) {
    // No account without a class: undo the sign-up (sessions and accounts cascade).
    await db.user.delete({ where: { id: userId } }).catch(() => undefined);
    throw error;
  }
  return { ok: true };
}
