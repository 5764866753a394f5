import type { ComponentProps } from "react";
import { cn } from "./cn";

export const inputClass =
  "block h-10 w-full rounded-md border bg-white px-3 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus-visible:border-brand-600";

export function Input({ className, invalid, ...props }: ComponentProps<"input"> & { invalid?: boolean }) {
  return (
    <input
      className={cn(inputClass, invalid ? "border-red-500" : "border-slate-300", className)}
      aria-invalid={invalid || undefined}
      {...props}
    />
  );
}

/** A labelled input with its hint and its error right below it (linked by aria-describedby). */
export function Field({
  name,
  label,
  error,
  hint,
  className,
  ...input
}: ComponentProps<"input"> & { name: string; label: string; error?: string; hint?: string }) {
  const id = input.id ?? `field-${name}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={cn("space-y-1.5", className)}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <Input
        id={id}
        name={name}
        invalid={Boolean(error)}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        {...input}
      />
      {hint && !error ? (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
