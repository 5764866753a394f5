"use client";

import { useActionState } from "react";
import { frNumber } from "@/lib/grading/format";
import { buttonClass } from "../components/ui/button";
import { resetLabStorageAction } from "./actions";

const mib = (bytes: number) => frNumber(bytes / (1024 * 1024), { minDecimals: 1, maxDecimals: 1 });

/** A learner's lab storage against the quota; at the quota, the instructor lets them go on. */
export function LabStorage({
  studentId,
  studentName,
  usedBytes,
  quotaBytes,
}: {
  studentId: string;
  studentName: string;
  usedBytes: number;
  quotaBytes: number;
}) {
  const [state, action, pending] = useActionState(resetLabStorageAction, {});
  const full = usedBytes >= quotaBytes;
  return (
    <form action={action} className="flex flex-col items-end gap-1" data-testid="lab-storage">
      <input type="hidden" name="studentId" value={studentId} />
      <span className={full ? "text-xs font-medium text-red-700" : "text-xs text-slate-500"}>
        Labs : {mib(usedBytes)} / {mib(quotaBytes)} MiB{full ? " (plein)" : ""}
      </span>
      {usedBytes > 0 ? (
        <button
          type="submit"
          className={buttonClass("secondary", "sm")}
          disabled={pending}
          aria-label={`Remettre à zéro le stockage des labs de ${studentName}`}
        >
          {pending ? "Remise à zéro…" : "Remettre à zéro"}
        </button>
      ) : null}
      {state.error ? (
        <p role="alert" className="text-xs text-red-700">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
