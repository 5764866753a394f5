import type { z } from "zod";

/** What a server action hands back to its form: a message per field, and the values to refill. */
export interface FormState<F extends string = string> {
  errors: Partial<Record<F | "form", string>>;
  values: Partial<Record<F, string>>;
  /** set when the action succeeded without navigating away */
  message?: string;
}

export function formValues<F extends string>(form: FormData, fields: readonly F[]): Record<F, string> {
  const values = {} as Record<F, string>;
  // a hand-made action call may pass anything: it then reads as an empty form (field errors)
  const data: FormData = form instanceof FormData ? form : new FormData();
  for (const field of fields) {
    const value = data.get(field);
    values[field] = typeof value === "string" ? value : "";
  }
  return values;
}

/** First zod message per field. */
export function fieldErrors<F extends string>(error: z.ZodError): Partial<Record<F | "form", string>> {
  const errors: Partial<Record<string, string>> = {};
  for (const issue of error.issues) {
    const key = typeof issue.path[0] === "string" ? issue.path[0] : "form";
    errors[key] ??= issue.message;
  }
  return errors as Partial<Record<F | "form", string>>;
}

/** The machine-readable code of a better-auth APIError, if that is what was thrown. */
export function authErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("body" in error)) return undefined;
  const body = (error as { body?: { code?: unknown } }).body;
  return typeof body?.code === "string" ? body.code : undefined;
}
