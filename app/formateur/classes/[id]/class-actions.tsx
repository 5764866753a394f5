"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ReviewItem } from "@/lib/grading/class-view";
import { frNumber } from "@/lib/grading/format";
import { Button } from "../../../components/ui/button";

async function postJson(url: string, body: unknown): Promise<{ ok: boolean; data: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { ok: res.ok, data: (await res.json()) as Record<string, unknown> };
}

/** Regrade one exercise for the class through the current grader (adds gradings). */
export function RegradeForm({ cohortId, exercises }: { cohortId: string; exercises: string[] }) {
  const router = useRouter();
  const [exercise, setExercise] = useState(exercises[0] ?? "");
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  async function run() {
    setBusy(true);
    const { ok, data } = await postJson(`/api/formateur/classes/${cohortId}/regrade`, { exercise });
    setBusy(false);
    setMessage(
      ok
        ? `${exercise} : ${data.regraded} soumission(s) recorrigée(s), ${(data.changed as unknown[]).length} score(s) modifié(s), ${(data.skipped as unknown[]).length} ignorée(s).`
        : String(data.error ?? "Échec de la recorrection."),
    );
    router.refresh();
  }
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <label className="flex items-center gap-2">
        Recorriger
        <select value={exercise} onChange={(e) => setExercise(e.target.value)} className="rounded border p-1">
          {exercises.map((e) => (
            <option key={e}>{e}</option>
          ))}
        </select>
      </label>
      <Button size="sm" variant="secondary" onClick={run} disabled={busy}>
        {busy ? "Recorrection…" : "Recorriger pour la classe"}
      </Button>
      <output aria-live="polite" className="text-slate-600">
        {message}
      </output>
    </div>
  );
}

/** One free-text answer the grader was unsure about: the instructor sets the score with a comment. */
export function ReviewCard({ cohortId, item }: { cohortId: string; item: ReviewItem }) {
  const router = useRouter();
  const [score, setScore] = useState(frNumber(item.score, { grouping: false }));
  const [comment, setComment] = useState("");
  const [error, setError] = useState("");
  async function save(e: React.FormEvent) {
    e.preventDefault();
    const { ok, data } = await postJson(`/api/formateur/classes/${cohortId}/overrides`, {
      submissionId: item.submissionId,
      score: Number(score.replace(",", ".")),
      comment,
    });
    if (!ok) return setError(String(data.error ?? "Échec."));
    router.refresh();
  }
  return (
    <li className="rounded-md border border-slate-200 p-3 text-sm" data-review={item.submissionId}>
      <p className="font-medium">
        {item.studentName} — {item.exerciseId}{" "}
        <span className="text-slate-500">
          (note automatique {frNumber(item.score)} / {frNumber(item.maxScore)})
        </span>
      </p>
      <ul className="mt-2 space-y-2">
        {item.checks.map((c) => {
          const qid = c.id.slice(item.exerciseId.length + 1);
          return (
            <li key={c.id} className="rounded bg-slate-50 p-2">
              <p className="text-xs text-slate-700">
                {c.label} <span className="font-mono text-slate-500">({c.id})</span>
              </p>
              <blockquote className="whitespace-pre-wrap border-l-2 border-slate-300 pl-2">
                {String(item.answers[qid] ?? "")}
              </blockquote>
              <p className="mt-1 text-xs text-slate-600">Correcteur : {c.message}</p>
            </li>
          );
        })}
      </ul>
      <form onSubmit={save} className="mt-2 flex flex-wrap items-end gap-2">
        <label className="flex flex-col text-xs">
          Note / {frNumber(item.maxScore)}
          <input
            value={score}
            onChange={(e) => setScore(e.target.value)}
            inputMode="decimal"
            className="w-20 rounded border p-1"
          />
        </label>
        <label className="flex grow flex-col text-xs">
          Commentaire
          <input value={comment} onChange={(e) => setComment(e.target.value)} required className="rounded border p-1" />
        </label>
        <Button size="sm" type="submit">
          Valider la note
        </Button>
        {error ? (
          <span role="alert" className="text-xs text-red-700">
            {error}
          </span>
        ) : null}
      </form>
    </li>
  );
}
