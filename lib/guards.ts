import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { type AuthSession, getAuth } from "./auth";
import { type Role, roleOf } from "./roles";

export const SIGN_IN_PATH = "/connexion";
export const CHANGE_PASSWORD_PATH = "/mot-de-passe";
export const FR_CHANGE_PASSWORD_FIRST = "Choisissez d’abord un nouveau mot de passe.";

/** `password`: signed in with a temporary password, which must be replaced first. */
export type Access = "anonymous" | "forbidden" | "password" | "allowed";

/** The decision every guard takes; `roles` empty means "any signed-in user". */
export function decideAccess(session: AuthSession | null, roles: readonly Role[] = []): Access {
  if (!session || session.user.banned) return "anonymous";
  if (session.user.mustChangePassword) return "password";
  if (roles.length > 0 && !roles.includes(roleOf(session.user))) return "forbidden";
  return "allowed";
}

/** The current request's session (read once per request). */
export const getSession = cache(async (): Promise<AuthSession | null> => {
  const requestHeaders = await headers(); // first: during prerendering this bails out to dynamic
  return getAuth().api.getSession({ headers: requestHeaders });
});

export interface SignedIn {
  session: AuthSession;
  user: AuthSession["user"] & { role: Role };
}

function signedIn(session: AuthSession): SignedIn {
  return { session, user: { ...session.user, role: roleOf(session.user) } };
}

/** Pages and server actions: anonymous visitors go to the sign-in page. */
export async function requireUser(): Promise<SignedIn> {
  return requireRole();
}

/** Pages and server actions: anonymous → sign-in page; wrong role → 403 (app/forbidden.tsx). */
export async function requireRole(...roles: Role[]): Promise<SignedIn> {
  const session = await getSession();
  const access = decideAccess(session, roles);
  if (access === "anonymous" || !session) redirect(SIGN_IN_PATH);
  if (access === "password") redirect(CHANGE_PASSWORD_PATH);
  if (access === "forbidden") forbidden();
  return signedIn(session);
}

/** Route handlers: the signed-in user, or the 401/403 JSON response to return. */
export async function requireApiRole(request: Request, ...roles: Role[]): Promise<SignedIn | Response> {
  const session = await getAuth().api.getSession({ headers: request.headers });
  const access = decideAccess(session, roles);
  if (access === "anonymous" || !session)
    return Response.json({ error: "Connectez-vous pour continuer." }, { status: 401 });
  if (access === "password") return Response.json({ error: FR_CHANGE_PASSWORD_FIRST }, { status: 403 });
  if (access === "forbidden") return Response.json({ error: "Accès refusé." }, { status: 403 });
  return signedIn(session);
}
