import type { Check, CheckOutcome } from "../types";
import type { Answers, FreeText, Matching, MultipleChoice, Question, ShortAnswer, SingleChoice } from "./questions";
import { gradeText } from "./rubric";
import { matchShort } from "./short";

type AnswerCheck = Check<Answers>;

const NO_ANSWER = "Pas de réponse à cette question.";

const optionText = (q: SingleChoice | MultipleChoice, id: string): string =>
  (q.options.find((o) => o.id === id)?.text ?? id).replace(/[.\s]+$/, "");

function single(exId: string, q: SingleChoice): AnswerCheck {
  return {
    id: `${exId}.${q.id}`,
    points: q.points,
    ok: q.explain,
    fail: (answers) => {
      const given = answers[q.id];
      if (typeof given !== "string") return NO_ANSWER;
      return `Réponse « ${optionText(q, given)} » incorrecte.${q.why?.[given] ? ` ${q.why[given]}` : ""}`;
    },
    hint: q.hint,
    test: (answers) => answers[q.id] === q.answer,
  };
}

function multiple(exId: string, q: MultipleChoice): AnswerCheck {
  const right = new Set(q.answers);
  return {
    id: `${exId}.${q.id}`,
    points: q.points,
    ok: q.explain,
    fail: (answers, outcome) => {
      const given = answers[q.id];
      if (!Array.isArray(given) || given.length === 0) return NO_ANSWER;
      const chosen = new Set(given);
      const wrong = [...chosen].filter((id) => !right.has(id));
      const missed = q.answers.filter((id) => !chosen.has(id));
      const parts: string[] = [];
      if (wrong.length) {
        parts.push(
          `Cochée(s) à tort : ${wrong.map((id) => `« ${optionText(q, id)} »${q.why?.[id] ? ` (${q.why[id]})` : ""}`).join(", ")}.`,
        );
      }
      if (missed.length) parts.push(`${missed.length} bonne(s) réponse(s) non cochée(s).`);
      const share = Math.round((outcome.fraction ?? 0) * 100);
      return `Réponse incomplète (${share} % des points : chaque bonne case rapporte, chaque mauvaise case en retire autant). ${parts.join(" ")}`;
    },
    hint: q.hint,
    test: (answers) => {
      const given = answers[q.id];
      if (!Array.isArray(given)) return { passed: false, fraction: 0 };
      const chosen = new Set(given);
      const good = [...chosen].filter((id) => right.has(id)).length;
      const bad = chosen.size - good;
      const fraction = Math.max(0, (good - bad) / right.size);
      return { passed: good === right.size && bad === 0, fraction };
    },
  };
}

function matching(exId: string, q: Matching): AnswerCheck[] {
  const points = q.points / q.items.length;
  const choiceText = (id: string) => q.choices.find((c) => c.id === id)?.text ?? id;
  return q.items.map((item) => ({
    id: `${exId}.${q.id}.${item.id}`,
    points,
    ok: (answers) => {
      const given = (answers[q.id] as Record<string, string> | undefined)?.[item.id] ?? "";
      return `${item.text} : « ${choiceText(given)} » convient. ${item.explain}`;
    },
    fail: (answers, outcome) => {
      const given = (answers[q.id] as Record<string, string> | undefined)?.[item.id];
      if (!given) return `${item.text} : ${NO_ANSWER}`;
      const why = item.why?.[given] ?? "";
      const partial = (outcome.fraction ?? 0) > 0 ? " (réponse défendable, points partiels)" : "";
      return `${item.text} : « ${choiceText(given)} » n’est pas le meilleur choix${partial}. ${why}`.trim();
    },
    hint: q.hint,
    test: (answers) => {
      const given = (answers[q.id] as Record<string, string> | undefined)?.[item.id];
      const credit = given ? (item.credit[given] ?? 0) : 0;
      return { passed: credit >= 1, fraction: credit };
    },
  }));
}

function short(exId: string, q: ShortAnswer): AnswerCheck {
  return {
    id: `${exId}.${q.id}`,
    points: q.points,
    ok: q.explain,
    fail: (answers) => {
      const given = answers[q.id];
      if (typeof given !== "string" || given.trim() === "") return NO_ANSWER;
      const mistake = q.mistakes?.find((m) => matchShort(given, m.answers, q.synonyms).matched);
      return `Réponse « ${given.trim()} » incorrecte.${mistake ? ` ${mistake.why}` : ""}`;
    },
    hint: q.hint,
    test: (answers) => {
      const given = answers[q.id];
      return typeof given === "string" && matchShort(given, q.accepted, q.synonyms).matched !== null;
    },
  };
}

function text(exId: string, q: FreeText): AnswerCheck {
  return {
    id: `${exId}.${q.id}`,
    points: q.points,
    ok: q.explain,
    fail: (answers, outcome) => {
      const given = answers[q.id];
      if (typeof given !== "string" || given.trim() === "") return NO_ANSWER;
      const r = gradeText(given, q.rubric);
      const denied = new Set([...r.contradicted, ...r.conflicting]);
      const missing = r.missing.filter((i) => !denied.has(i)).map((i) => i.label);
      const parts: string[] = [];
      if (r.contradicted.length) {
        parts.push(`Votre réponse dit le contraire de : ${r.contradicted.map((i) => i.label).join(" ; ")}.`);
      }
      if (r.conflicting.length) {
        parts.push(`Votre réponse affirme puis contredit : ${r.conflicting.map((i) => i.label).join(" ; ")}.`);
      }
      if (missing.length) parts.push(`Idée(s) attendue(s) non trouvée(s) : ${missing.join(" ; ")}.`);
      const head = parts.length
        ? parts.join(" ")
        : "Toutes les idées attendues sont citées, mais sans phrase qui les relie.";
      return `${head} (${Math.round((outcome.fraction ?? 0) * 100)} % des points)${r.reviewReason ? ` — ${r.reviewReason}.` : ""}`;
    },
    hint: q.hint,
    test: (answers): CheckOutcome => {
      const given = answers[q.id];
      if (typeof given !== "string" || given.trim() === "") return { passed: false, fraction: 0 };
      const r = gradeText(given, q.rubric);
      return { passed: r.passed, fraction: r.fraction, needsReview: r.needsReview };
    },
  };
}

function checksOf(exId: string, q: Question): AnswerCheck[] {
  switch (q.kind) {
    case "single":
      return [single(exId, q)];
    case "multiple":
      return [multiple(exId, q)];
    case "matching":
      return matching(exId, q);
    case "short":
      return [short(exId, q)];
    case "text":
      return [text(exId, q)];
  }
}

export function questionChecks(exId: string, questions: readonly Question[]): AnswerCheck[] {
  return questions.flatMap((q) => checksOf(exId, q));
}
