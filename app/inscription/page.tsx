import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSession } from "@/lib/guards";
import { AuthPanel } from "../components/auth-panel";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Inscription" };

export default async function SignUpPage() {
  if (await getSession()) redirect("/");
  return (
    <AuthPanel title="Créer un compte" intro="Rejoignez votre classe avec le code que vous a donné votre formateur.">
      <SignUpForm />
    </AuthPanel>
  );
}
