"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Alert } from "../components/ui/alert";
import { Button } from "../components/ui/button";
import { Field } from "../components/ui/field";
import { signInAction } from "./actions";

export function SignInForm() {
  const [state, action, pending] = useActionState(signInAction, { errors: {}, values: {} });
  return (
    <form action={action} className="space-y-5" noValidate>
      {state.errors.form ? <Alert tone="error">{state.errors.form}</Alert> : null}
      <Field
        name="email"
        type="email"
        label="Adresse e-mail"
        autoComplete="email"
        required
        defaultValue={state.values.email}
        error={state.errors.email}
      />
      <Field
        name="password"
        type="password"
        label="Mot de passe"
        autoComplete="current-password"
        required
        error={state.errors.password}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Connexion…" : "Se connecter"}
      </Button>
      <p className="text-center text-sm text-slate-600">
        Pas encore de compte ?{" "}
        <Link href="/inscription" className="font-medium text-brand-700 underline underline-offset-2">
          Inscrivez-vous avec le code de votre classe
        </Link>
      </p>
    </form>
  );
}
