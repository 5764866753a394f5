"use client";

import { useActionState } from "react";
import { Alert } from "../components/ui/alert";
import { Button } from "../components/ui/button";
import { Field } from "../components/ui/field";
import { createClassAction } from "./actions";

export function CreateClassForm() {
  const [state, action, pending] = useActionState(createClassAction, { errors: {}, values: {} });
  return (
    <form action={action} className="space-y-4" noValidate>
      <Field
        name="name"
        label="Nom de la classe"
        placeholder="Licence pro ASUR — 2026"
        required
        defaultValue={state.values.name}
        error={state.errors.name}
        key={state.message ?? "form"}
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Création…" : "Créer la classe"}
      </Button>
      {state.message ? (
        <Alert tone="success" data-testid="class-created">
          {state.message}
        </Alert>
      ) : null}
    </form>
  );
}
