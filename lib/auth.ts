import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { betterAuth } from "better-auth/minimal";
import { nextCookies } from "better-auth/next-js";
import { admin } from "better-auth/plugins";
import {
  accountLockedFor,
  accountLockoutRule,
  clearFailedSignIns,
  FR_ACCOUNT_LOCKED,
  recordFailedSignIn,
} from "./auth-lockout";
import { type Db, db as sharedDb } from "./db";
import { emitProcessEvent } from "./process-events";
import { signInRateRule } from "./rate-limit";
import { ac, accessRoles } from "./roles";
import { authSecret } from "./secret";

export interface AuthOptions {
  db: Db;
  secret: string;
  /** Public URL; when unset, better-auth derives it from each request. */
  baseURL?: string;
  env?: NodeJS.ProcessEnv;
}

export function createAuth({ db, secret, baseURL, env = process.env }: AuthOptions) {
  const signIn = signInRateRule(env);
  const lockout = accountLockoutRule(env);
  const signInEmail = (body: unknown) =>
    typeof (body as { email?: unknown } | undefined)?.email === "string" ? (body as { email: string }).email : "";
  return betterAuth({
    appName: "DRBD Lab",
    baseURL,
    secret,
    database: prismaAdapter(db, { provider: "sqlite" }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: false },
    // Sign-up needs a class join code: it only happens through the server action
    // (app/inscription), never through the raw HTTP endpoint.
    // Nobody renames themselves either: a learner's name is what the instructor grades and
    // exports, and a student could take another's (names are set at sign-up or by staff).
    disabledPaths: ["/sign-up/email", "/update-user"],
    trustedOrigins: trustedOrigins(baseURL, env),
    telemetry: { enabled: false },
    // Failed sign-ins are expected in tests; keep their output readable.
    logger: { level: process.env.NODE_ENV === "test" ? "error" : "warn" },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 100,
      customRules: { "/sign-in/email": signIn },
    },
    user: {
      additionalFields: {
        // set by an instructor's password reset; lib/guards sends the user to /mot-de-passe
        mustChangePassword: { type: "boolean", defaultValue: false, input: false, required: false },
      },
    },
    // Per account, on top of the per-address limit: the HTTP endpoint and the sign-in form
    // (which calls auth.api.signInEmail) both pass through these hooks.
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const seconds = await accountLockedFor(db, signInEmail(ctx.body), lockout);
        if (seconds > 0) {
          throw new APIError("TOO_MANY_REQUESTS", { message: FR_ACCOUNT_LOCKED(seconds), code: "ACCOUNT_LOCKED" });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const email = signInEmail(ctx.body);
        const returned = ctx.context.returned;
        if (isAPIError(returned)) {
          if (returned.statusCode === 401) await recordFailedSignIn(db, email, lockout);
        } else await clearFailedSignIns(db, email);
      }),
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    // A sign-out, a revoked session or a ban ends sessions: the lab API's session cache forgets
    // that user at once (lib/process-events.ts) instead of trusting the cookie until its TTL.
    databaseHooks: {
      session: { delete: { after: async (session) => emitProcessEvent("sessions-ended", session.userId) } },
      user: {
        update: {
          after: async (user) => {
            if ((user as { banned?: boolean | null }).banned) emitProcessEvent("sessions-ended", user.id);
          },
        },
      },
    },
    advanced: { defaultCookieAttributes: { httpOnly: true, sameSite: "lax" } },
    plugins: [admin({ ac, roles: accessRoles, defaultRole: "student", adminRoles: ["admin"] }), nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
export type AuthSession = NonNullable<Awaited<ReturnType<Auth["api"]["getSession"]>>>;

function trustedOrigins(baseURL: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const origins = (env.BETTER_AUTH_TRUSTED_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  if (baseURL) origins.push(new URL(baseURL).origin);
  return origins;
}

let shared: Auth | undefined;

/**
 * The process-wide instance, created on first use (not at import) so that `next build`
 * needs no secret and production start fails on the first request with a clear message.
 */
export function getAuth(): Auth {
  shared ??= createAuth({
    db: sharedDb,
    secret: authSecret(),
    baseURL: process.env.BETTER_AUTH_URL?.trim() || undefined,
  });
  return shared;
}
