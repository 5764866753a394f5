"use client";

import type { Answers, AnswerValue, PublicQuestion } from "./types";

const fieldClass = "w-full rounded-md border border-slate-300 p-2 text-sm";

/** One question of a "questions" exercise, with French labels and accessible names. */
function QuestionField({
  exerciseId,
  q,
  value,
  set,
}: {
  exerciseId: string;
  q: PublicQuestion;
  value: AnswerValue | undefined;
  set: (v: AnswerValue) => void;
}) {
  const name = `${exerciseId}-${q.id}`;
  switch (q.kind) {
    case "single":
      return (
        <div className="space-y-1">
          {q.options.map((o) => (
            <label key={o.id} className="flex items-start gap-2 text-sm">
              <input type="radio" name={name} checked={value === o.id} onChange={() => set(o.id)} className="mt-1" />
              <span>{o.text}</span>
            </label>
          ))}
        </div>
      );
    case "multiple": {
      const ticked = Array.isArray(value) ? value : [];
      return (
        <div className="space-y-1">
          {q.options.map((o) => (
            <label key={o.id} className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                checked={ticked.includes(o.id)}
                onChange={(e) => set(e.target.checked ? [...ticked, o.id] : ticked.filter((t) => t !== o.id))}
                className="mt-1"
              />
              <span>{o.text}</span>
            </label>
          ))}
          <p className="text-xs text-slate-500">Plusieurs réponses possibles.</p>
        </div>
      );
    }
    case "matching": {
      const pairs = value && typeof value === "object" && !Array.isArray(value) ? value : {};
      return (
        <div className="space-y-2">
          {q.items.map((item) => (
            <label key={item.id} className="grid gap-1 text-sm sm:grid-cols-[1fr_14rem] sm:items-center">
              <span>{item.text}</span>
              <select
                value={pairs[item.id] ?? ""}
                onChange={(e) => set({ ...pairs, [item.id]: e.target.value })}
                className={fieldClass}
              >
                <option value="">— Choisir —</option>
                {q.choices.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.text}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      );
    }
    case "short":
      return (
        <input
          aria-label="Votre réponse"
          value={typeof value === "string" ? value : ""}
          maxLength={200}
          onChange={(e) => set(e.target.value)}
          className={fieldClass}
        />
      );
    case "text":
      return (
        <textarea
          aria-label="Votre réponse rédigée"
          value={typeof value === "string" ? value : ""}
          maxLength={q.maxLength ?? 4000}
          rows={4}
          onChange={(e) => set(e.target.value)}
          className={fieldClass}
        />
      );
  }
}

/** Empty answers are left out: the grader then counts them as not answered. */
export function cleanAnswers(answers: Answers): Answers {
  const out: Answers = {};
  for (const [k, v] of Object.entries(answers)) {
    if (typeof v === "string" && v.trim() === "") continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const kept = Object.fromEntries(Object.entries(v).filter(([, c]) => c !== ""));
      if (Object.keys(kept).length === 0) continue;
      out[k] = kept;
      continue;
    }
    out[k] = v;
  }
  return out;
}

export function QuestionsForm({
  exerciseId,
  questions,
  answers,
  onChange,
}: {
  exerciseId: string;
  questions: readonly PublicQuestion[];
  answers: Answers;
  onChange: (a: Answers) => void;
}) {
  return (
    <ol className="list-none! space-y-5 pl-0!">
      {questions.map((q, i) => (
        <li key={q.id}>
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-slate-900">
              {i + 1}. {q.prompt} <span className="text-xs font-normal text-slate-500">({q.points} pt)</span>
            </legend>
            <QuestionField
              exerciseId={exerciseId}
              q={q}
              value={answers[q.id]}
              set={(v) => onChange({ ...answers, [q.id]: v })}
            />
          </fieldset>
        </li>
      ))}
    </ol>
  );
}
