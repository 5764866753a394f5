"use client";

import { useActionState } from "react";
import { buttonClass } from "../components/ui/button";
import { resetPasswordAction } from "./actions";

/** Gives the student a temporary password, shown once, and signs them out everywhere. */
export function ResetPasswordButton({ studentId, studentName }: { studentId: string; studentName: string }) {
  const [state, action, pending] = useActionState(resetPasswordAction, {});
  return (
    <form action={action} className="flex flex-col items-end gap-1">
      <input type="hidden" name="studentId" value={studentId} />
      <button
        type="submit"
        className={buttonClass("secondary", "sm")}
        disabled={pending}
        aria-label={`Réinitialiser le mot de passe de ${studentName}`}
      >
        {pending ? (
          "Réinitialisation…"
        ) : (
          <>
            <span className="sm:hidden">Réinitialiser</span>
            <span className="hidden sm:inline">Réinitialiser le mot de passe</span>
          </>
        )}
      </button>
      {state.password ? (
        <p role="status" className="whitespace-nowrap text-xs text-emerald-800">
          Nouveau mot de passe :{" "}
          <code className="rounded bg-emerald-50 px-1 font-mono text-sm" data-testid="temporary-password">
            {state.password}
          </code>
        </p>
      ) : null}
      {state.error ? (
        <p role="alert" className="text-xs text-red-700">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
