import type { ReactNode } from "react";

// Notes, not landmarks: a chapter has several « Dans un vrai cluster » boxes, and landmarks of one
// role must have distinct names (axe landmark-unique); role="note" is what they are.

/** What differs on real servers from the simulated lab. */
export function RealDrbd({ children }: { children: ReactNode }) {
  return (
    <div
      role="note"
      className="my-6 rounded-lg border border-amber-200 border-l-4 border-l-amber-500 bg-amber-50 px-5 py-4"
      aria-label="Dans un vrai cluster"
    >
      <p className="m-0 font-semibold text-amber-900">Dans un vrai cluster</p>
      <div className="mt-2 text-slate-800 [&>*+*]:mt-3">{children}</div>
    </div>
  );
}

export function Objectives({ children }: { children: ReactNode }) {
  return (
    <div
      role="note"
      className="my-6 rounded-lg border border-brand-100 border-l-4 border-l-brand-600 bg-brand-50 px-5 py-4"
      aria-label="Objectifs"
    >
      {/* the chapter's own « ## Objectifs » heading titles it: no second title */}
      <div className="text-slate-800 [&>*+*]:mt-3">{children}</div>
    </div>
  );
}
