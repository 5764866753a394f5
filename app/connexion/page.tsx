import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { FR_SIGNED_UP } from "@/lib/accounts";
import { getSession } from "@/lib/guards";
import { AuthPanel } from "../components/auth-panel";
import { Alert } from "../components/ui/alert";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Connexion" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ inscription?: string }> }) {
  if (await getSession()) redirect("/");
  const signedUp = (await searchParams).inscription === "1";
  return (
    <AuthPanel title="Connexion" intro="Retrouvez vos chapitres, vos laboratoires et votre progression.">
      {signedUp ? (
        <Alert tone="info" className="mb-5" data-testid="signed-up">
          {FR_SIGNED_UP}
        </Alert>
      ) : null}
      <SignInForm />
    </AuthPanel>
  );
}
