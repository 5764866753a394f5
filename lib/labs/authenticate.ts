import type { Auth } from "@/lib/auth";
import { decideAccess, FR_CHANGE_PASSWORD_FIRST } from "@/lib/guards";
import type { Authenticate } from "./http";

/** Any signed-in, non-banned user may use a lab; others get 401 (JSON, French). */
export function sessionAuthenticator(auth: () => Auth): Authenticate {
  return async (request) => {
    const session = await auth().api.getSession({ headers: request.headers });
    if (decideAccess(session) === "password")
      return Response.json({ error: FR_CHANGE_PASSWORD_FIRST }, { status: 403 });
    if (decideAccess(session) !== "allowed" || !session)
      return Response.json({ error: "Connectez-vous pour utiliser le lab." }, { status: 401 });
    return { userId: session.user.id };
  };
}
