"use client";

import { useActionState } from "react";
import { Alert } from "../components/ui/alert";
import { Button } from "../components/ui/button";
import { Field } from "../components/ui/field";
import { changePasswordAction } from "./actions";

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, { errors: {}, values: {} });
  return (
    <form action={action} className="space-y-5" noValidate>
      {state.errors.form ? <Alert tone="error">{state.errors.form}</Alert> : null}
      <Field
        name="currentPassword"
        type="password"
        label="Mot de passe temporaire"
        autoComplete="current-password"
        required
        error={state.errors.currentPassword}
      />
      <Field
        name="newPassword"
        type="password"
        label="Nouveau mot de passe"
        hint="8 caractères au moins."
        autoComplete="new-password"
        required
        error={state.errors.newPassword}
      />
      <Field
        name="confirmPassword"
        type="password"
        label="Confirmez le nouveau mot de passe"
        autoComplete="new-password"
        required
        error={state.errors.confirmPassword}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Enregistrement…" : "Enregistrer mon mot de passe"}
      </Button>
    </form>
  );
}
