import type { ComponentProps } from "react";
import { cn } from "./cn";

type Tone = "info" | "success" | "error";
const tones: Record<Tone, string> = {
  info: "border-brand-100 bg-brand-50 text-brand-900",
  success: "border-emerald-200 bg-emerald-50 text-emerald-900",
  error: "border-red-200 bg-red-50 text-red-800",
};

export function Alert({
  tone = "info",
  title,
  className,
  children,
  ...props
}: ComponentProps<"div"> & { tone?: Tone; title?: string }) {
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={cn("rounded-lg border px-4 py-3 text-sm", tones[tone], className)}
      {...props}
    >
      {title ? <p className="font-semibold">{title}</p> : null}
      <div className={title ? "mt-1" : undefined}>{children}</div>
    </div>
  );
}
