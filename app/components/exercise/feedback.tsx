import type { GradeResult } from "./types";
import { pts } from "./types";

/** Per-check feedback in French: ✓ with what it teaches, ✗ with what is wrong (and a hint once earned). */
export function Feedback({ result, fresh }: { result: GradeResult; fresh: boolean }) {
  if (!result.valid) {
    return (
      <div role="alert" className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
        <p className="font-semibold text-amber-900">
          Soumission non corrigée : elle ne compte pas comme une tentative.
        </p>
        <ul className="mt-2 list-none! space-y-1 pl-0! font-mono text-xs text-amber-900">
          {(result.diagnostics ?? []).map((d) => (
            <li key={`${d.file}:${d.line}:${d.column ?? 0}:${d.message}`}>
              {d.file}:{d.line}
              {d.column ? `:${d.column}` : ""} — <span className="font-sans">{d.message}</span>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const full = result.score >= result.max;
  return (
    <section aria-live="polite" aria-label="Résultat de la vérification" className="mt-4">
      <p className={full ? "font-semibold text-emerald-800" : "font-semibold text-slate-900"} data-testid="score">
        {fresh ? "Résultat" : "Dernière vérification"} : {pts(result.score)} / {pts(result.max)}
        {full ? " — tout est juste !" : ""}
      </p>
      <ul className="mt-2 list-none! space-y-2 pl-0!">
        {result.checks.map((c) => (
          <li
            key={c.id}
            data-check={c.id}
            data-passed={c.passed}
            className={`rounded-md border p-2 text-sm ${c.passed ? "border-emerald-200 bg-emerald-50" : "border-red-200 bg-red-50"}`}
          >
            <span aria-hidden="true" className={c.passed ? "text-emerald-700" : "text-red-700"}>
              {c.passed ? "✓ " : "✗ "}
            </span>
            <span className="sr-only">{c.passed ? "Réussi : " : "À revoir : "}</span>
            {c.message}{" "}
            <span className="text-xs text-slate-700">
              ({pts(c.points)} / {pts(c.max)})
            </span>
            {c.hint ? (
              <p className="mt-1 text-xs text-slate-700">
                <span className="font-semibold">Indice :</span> {c.hint}
              </p>
            ) : null}
            {c.needsReview ? (
              <p className="mt-1 text-xs text-slate-700">Réponse transmise au formateur pour relecture.</p>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
