import type { Auth } from "@/lib/auth";
import { decideAccess, FR_CHANGE_PASSWORD_FIRST } from "@/lib/guards";
import { onProcessEvent } from "@/lib/process-events";
import type { Authenticate } from "./http";

const SESSION_COOKIE = /(?:^|;\s*)((?:__Secure-)?better-auth\.session_token)=([^;]+)/;

export interface AuthCacheOptions {
  /** How long a signed-in session is trusted without a look-up (ms; 0: always look up). */
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

export const DEFAULT_AUTH_CACHE: AuthCacheOptions = {
  ttlMs: Number(process.env.LAB_AUTH_CACHE_MS ?? 60_000),
  maxEntries: 10_000,
};

/**
 * Any signed-in, non-banned user may use a lab; others get 401 (JSON, French). A command comes
 * about every second: the session found for a cookie is kept `ttlMs` (60 s by default). A
 * sign-out, a revoked session or a ban in this process drops the user's entries at once
 * (lib/process-events.ts); one done by another server reaches the lab API within `ttlMs`.
 * Refusals are never kept.
 */
export function sessionAuthenticator(auth: () => Auth, opts: AuthCacheOptions = DEFAULT_AUTH_CACHE): Authenticate {
  const now = opts.now ?? Date.now;
  const known = new Map<string, { userId: string; until: number }>();
  onProcessEvent("sessions-ended", (userId) => {
    for (const [token, entry] of known) if (entry.userId === userId) known.delete(token);
  });
  return async (request) => {
    const token = SESSION_COOKIE.exec(request.headers.get("cookie") ?? "")?.[2];
    const hit = token ? known.get(token) : undefined;
    if (hit && hit.until > now()) return { userId: hit.userId };
    if (token) known.delete(token);
    const session = await auth().api.getSession({ headers: request.headers });
    if (decideAccess(session) === "password")
      return Response.json({ error: FR_CHANGE_PASSWORD_FIRST }, { status: 403 });
    if (decideAccess(session) !== "allowed" || !session)
      return Response.json({ error: "Connectez-vous pour utiliser le lab." }, { status: 401 });
    if (token && opts.ttlMs > 0) {
      known.set(token, { userId: session.user.id, until: now() + opts.ttlMs });
      if (known.size > opts.maxEntries) {
        const oldest = known.keys().next().value;
        if (oldest !== undefined) known.delete(oldest);
      }
    }
    return { userId: session.user.id };
  };
}
