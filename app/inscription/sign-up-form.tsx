"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Alert } from "../components/ui/alert";
import { Button } from "../components/ui/button";
import { Field } from "../components/ui/field";
import { signUpAction } from "./actions";

export function SignUpForm() {
  const [state, action, pending] = useActionState(signUpAction, { errors: {}, values: {} });
  return (
    <form action={action} className="space-y-5" noValidate>
      {state.errors.form ? <Alert tone="error">{state.errors.form}</Alert> : null}
      <Field
        name="joinCode"
        label="Code de la classe"
        hint="Donné par votre formateur, par exemple DRBD-7K2Q-M4XT."
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        required
        defaultValue={state.values.joinCode}
        error={state.errors.joinCode}
      />
      <Field
        name="name"
        label="Nom complet"
        autoComplete="name"
        required
        defaultValue={state.values.name}
        error={state.errors.name}
      />
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
        hint="8 caractères au moins."
        autoComplete="new-password"
        required
        minLength={8}
        error={state.errors.password}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Création du compte…" : "Créer mon compte"}
      </Button>
      <p className="text-center text-sm text-slate-600">
        Déjà inscrit·e ?{" "}
        <Link href="/connexion" className="font-medium text-brand-700 underline underline-offset-2">
          Connectez-vous
        </Link>
      </p>
    </form>
  );
}
