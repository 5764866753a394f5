import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSession } from "@/lib/guards";
import { AuthPanel } from "../components/auth-panel";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Connexion" };

export default async function SignInPage() {
  if (await getSession()) redirect("/");
  return (
    <AuthPanel title="Connexion" intro="Retrouvez vos chapitres, vos laboratoires et votre progression.">
      <SignInForm />
    </AuthPanel>
  );
}
