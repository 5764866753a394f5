import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSession, SIGN_IN_PATH } from "@/lib/guards";
import { AuthPanel } from "../components/auth-panel";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Nouveau mot de passe" };

/** After an instructor's reset: the temporary password is replaced before anything else. */
export default async function ChangePasswordPage() {
  const session = await getSession();
  if (!session) redirect(SIGN_IN_PATH);
  if (!session.user.mustChangePassword) redirect("/");
  return (
    <AuthPanel
      title="Choisissez un nouveau mot de passe"
      intro="Votre formateur a réinitialisé votre mot de passe. Remplacez le mot de passe temporaire pour continuer."
    >
      <ChangePasswordForm />
    </AuthPanel>
  );
}
