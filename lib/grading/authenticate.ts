import type { Auth } from "@/lib/auth";
import { decideAccess, FR_CHANGE_PASSWORD_FIRST } from "@/lib/guards";
import { roleOf } from "@/lib/roles";
import type { Authenticate } from "./http";

/** Signed-in, non-banned users get their id and role; others a French 401. */
export function sessionViewer(auth: () => Auth): Authenticate {
  return async (request) => {
    const session = await auth().api.getSession({ headers: request.headers });
    if (decideAccess(session) === "password")
      return Response.json({ error: FR_CHANGE_PASSWORD_FIRST }, { status: 403 });
    if (decideAccess(session) !== "allowed" || !session)
      return Response.json({ error: "Connectez-vous pour continuer." }, { status: 401 });
    return { id: session.user.id, role: roleOf(session.user) };
  };
}
