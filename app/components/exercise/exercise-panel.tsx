"use client";

import { useEffect, useState } from "react";
import { Button } from "../ui/button";
import { ConfigFileEditor } from "./config-file-editor";
import { Feedback } from "./feedback";
import { FileEditor } from "./file-editor";
import { GradingProgress, type LiveGrading, submitStreamed } from "./grading-progress";
import { cleanAnswers, QuestionsForm } from "./questions-form";
import type { Answers, ExerciseStateView, GradeResult, ProgressView, SubmitReply } from "./types";
import { GRADED_EVENT, pts } from "./types";

const KIND_LABEL = { questions: "Questions", config: "Configuration", lab: "Lab", script: "Script" } as const;

function ProgressLine({ progress }: { progress: ProgressView | null }) {
  if (!progress || progress.attempts === 0) return <p className="text-xs text-slate-500">Pas encore de tentative.</p>;
  return (
    <p className="text-xs text-slate-600" data-testid="exercise-progress">
      Meilleur score : <strong>{pts(progress.bestScore)}</strong> / {pts(progress.maxScore)} · Tentatives :{" "}
      {progress.attempts}
    </p>
  );
}

/** `<Exercise id>`: the exercise as its grader defines it, graded on the server by "Vérifier". */
export function ExercisePanel({ exerciseId }: { exerciseId: string }) {
  const [state, setState] = useState<ExerciseStateView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [answers, setAnswers] = useState<Answers>({});
  const [text, setText] = useState("");
  const [result, setResult] = useState<{ r: GradeResult; fresh: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [live, setLive] = useState<LiveGrading | null>(null);

  useEffect(() => {
    let live = true;
    fetch(`/api/submissions?exercise=${encodeURIComponent(exerciseId)}`)
      .then(async (res) => {
        if (!res.ok)
          throw new Error(res.status === 401 ? "Connectez-vous pour faire l’exercice." : "Exercice indisponible.");
        const s = (await res.json()) as ExerciseStateView;
        if (!live) return;
        setState(s);
        setAnswers(s.last?.payload.answers ?? {});
        setText(s.last?.payload.text ?? s.exercise.configFile?.initial ?? "");
        if (s.last) setResult({ r: s.last.result, fresh: false });
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [exerciseId]);

  async function verify() {
    if (!state) return;
    setBusy(true);
    setError(null);
    try {
      const kind = state.exercise.kind;
      const body =
        kind === "questions"
          ? { exercise: exerciseId, answers: cleanAnswers(answers) }
          : kind === "lab"
            ? { exercise: exerciseId }
            : { exercise: exerciseId, text };
      // a lab's replay takes a while: its progress and the checks are shown as they come
      const { status, body: data } =
        kind === "lab"
          ? await submitStreamed(body, setLive)
          : await fetch("/api/submissions", {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(body),
            }).then(async (res) => ({ status: res.status, body: await res.json() }));
      const reply = data as SubmitReply & { error?: string };
      if (status !== 200) throw new Error(reply.error ?? "La vérification a échoué.");
      setResult({ r: reply.result, fresh: true });
      setState({ ...state, progress: reply.progress });
      // the chapter's progress and the course's conclusion are server-rendered (RefreshOnGrade)
      window.dispatchEvent(new Event(GRADED_EVENT));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
      setLive(null);
    }
  }

  const ex = state?.exercise;
  return (
    <section
      id={`exercise-${exerciseId}`}
      data-exercise={exerciseId}
      aria-label={`Exercice ${exerciseId}`}
      className="not-prose my-8 rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
    >
      <header className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="mt-0! text-lg font-semibold text-slate-900">
          Exercice {exerciseId}
          {ex ? ` — ${ex.title}` : ""}
        </h3>
        {ex ? (
          <span className="text-xs text-slate-500">
            {KIND_LABEL[ex.kind]} · {ex.points} points
          </span>
        ) : null}
      </header>
      {!state && !error ? <p className="text-sm text-slate-500">Chargement de l’exercice…</p> : null}
      {ex?.kind === "questions" && ex.questions ? (
        <QuestionsForm exerciseId={exerciseId} questions={ex.questions} answers={answers} onChange={setAnswers} />
      ) : null}
      {ex?.kind === "config" && ex.configFile ? (
        <ConfigFileEditor
          id={`editor-${exerciseId}`}
          path={ex.configFile.path}
          value={text}
          onChange={setText}
          {...(result && !result.r.valid && result.r.diagnostics ? { diagnostics: result.r.diagnostics } : {})}
        />
      ) : null}
      {ex?.kind === "script" ? (
        <FileEditor
          id={`editor-${exerciseId}`}
          path="basculement.sh"
          value={text}
          onChange={setText}
          {...(result && !result.r.valid && result.r.diagnostics ? { diagnostics: result.r.diagnostics } : {})}
        />
      ) : null}
      {ex?.kind === "lab" ? (
        <p className="text-sm text-slate-700">
          Faites l’exercice dans le lab {ex.labId} ci-dessus, puis vérifiez : le serveur rejoue votre session telle
          qu’elle a été enregistrée.
        </p>
      ) : null}
      {state ? (
        <div className="mt-4 flex flex-wrap items-center gap-4">
          <Button onClick={verify} disabled={busy}>
            {busy ? "Vérification…" : ex?.kind === "lab" ? "Vérifier mon lab" : "Vérifier"}
          </Button>
          <ProgressLine progress={state.progress} />
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {busy && live ? <GradingProgress live={live} /> : null}
      {result && !(busy && live) ? <Feedback result={result.r} fresh={result.fresh} /> : null}
    </section>
  );
}
