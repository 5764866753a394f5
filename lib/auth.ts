import { prismaAdapter } from "better-auth/adapters/prisma";
import { betterAuth } from "better-auth/minimal";
import { nextCookies } from "better-auth/next-js";
import { admin } from "better-auth/plugins";
import { type Db, db as sharedDb } from "./db";
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
  return betterAuth({
    appName: "DRBD Lab",
    baseURL,
    secret,
    database: prismaAdapter(db, { provider: "sqlite" }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    // Sign-up needs a class join code: it only happens through the server action
    // (app/inscription), never through the raw HTTP endpoint.
    disabledPaths: ["/sign-up/email"],
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
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
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
