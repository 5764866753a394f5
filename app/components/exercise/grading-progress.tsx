"use client";

import type { SubmitStreamMessage } from "@/lib/grading/stream";
import { readNdjson } from "@/lib/ndjson";
import { ProgressBar } from "../ui/progress-bar";

/** What a running « Vérifier » has shown so far. */
export interface LiveGrading {
  replay: { done: number; total: number } | null;
  checks: Extract<SubmitStreamMessage, { type: "check" }>["check"][];
}

/**
 * POST /api/submissions with `stream: true`: `onProgress` gets the replay and the checks as the
 * server gets there; resolves with the final status and body (as the plain request answers).
 */
export async function submitStreamed(
  body: Record<string, unknown>,
  onProgress: (live: LiveGrading) => void,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch("/api/submissions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...body, stream: true }),
  });
  if (!res.ok || !res.body) return { status: res.status, body: await res.json().catch(() => ({})) };
  const live: LiveGrading = { replay: null, checks: [] };
  const end = await readNdjson(res.body, (m: SubmitStreamMessage) => {
    if (m.type === "done") return { status: m.status, body: m.body };
    if (m.type === "replay") live.replay = { done: m.done, total: m.total };
    else live.checks = [...live.checks, m.check];
    onProgress({ ...live });
    return undefined;
  });
  return end ?? { status: 0, body: { error: "Connexion interrompue pendant la vérification." } };
}

/** The replay of the learner's session, then each check as it is decided. */
export function GradingProgress({ live }: { live: LiveGrading }) {
  const { replay, checks } = live;
  const percent = replay && replay.total > 0 ? Math.floor((100 * replay.done) / replay.total) : 0;
  return (
    <section aria-live="polite" aria-label="Vérification en cours" data-testid="grading-progress" className="mt-4">
      {replay ? (
        <div className="text-sm text-slate-700">
          <p className="mb-1">
            {checks.length === 0
              ? `Rejeu de votre session : commande ${replay.done} / ${replay.total}`
              : `Session rejouée (${replay.total} commandes) ; vérifications :`}
          </p>
          <ProgressBar percent={checks.length === 0 ? percent : 100} label="Rejeu de la session" />
        </div>
      ) : (
        <p className="text-sm text-slate-700">Vérification en cours…</p>
      )}
      <ul className="mt-2 list-none! space-y-1 pl-0! text-sm">
        {checks.map((c) => (
          <li key={c.id} data-live-check={c.id} className={c.passed ? "text-emerald-800" : "text-red-800"}>
            <span aria-hidden="true">{c.passed ? "✓ " : "✗ "}</span>
            <span className="sr-only">{c.passed ? "Réussi : " : "À revoir : "}</span>
            {c.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
