import { z } from "zod";
import type { Diagnostic, Prepared } from "../types";
import type { Answers, AnswersSubmission, Question } from "./questions";

export const DEFAULT_TEXT_MAX = 4000;

/** zod schema of `{ "answers": { ... } }` for a list of questions: unknown ids are refused. */
export function answersSchema(questions: readonly Question[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const q of questions) {
    switch (q.kind) {
      case "single":
        shape[q.id] = z.enum(q.options.map((o) => o.id) as [string, ...string[]]).optional();
        break;
      case "multiple":
        shape[q.id] = z.array(z.enum(q.options.map((o) => o.id) as [string, ...string[]])).optional();
        break;
      case "matching": {
        const choice = z.enum(q.choices.map((c) => c.id) as [string, ...string[]]);
        const items: Record<string, z.ZodType> = {};
        for (const item of q.items) items[item.id] = choice.optional();
        shape[q.id] = z.strictObject(items).optional();
        break;
      }
      case "short":
        shape[q.id] = z.string().max(200).optional();
        break;
      case "text":
        shape[q.id] = z
          .string()
          .max(q.maxLength ?? DEFAULT_TEXT_MAX)
          .optional();
        break;
    }
  }
  return z.strictObject({ answers: z.strictObject(shape) });
}

/** Position → line and column (1-based), for JSON syntax errors. */
function lineCol(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  return { line, column: pos - before.lastIndexOf("\n") };
}

/** Line of a JSON path ("answers" → "q1.choice"), found by the key's first occurrence. */
function lineOfPath(text: string, path: readonly PropertyKey[]): number {
  let from = 0;
  for (const key of path) {
    const at = text.indexOf(JSON.stringify(String(key)), from);
    if (at < 0) break;
    from = at;
  }
  return text.slice(0, from).split("\n").length;
}

function zodIssueFr(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? `« ${issue.path.join(".")} »` : "la racine";
  switch (issue.code) {
    case "unrecognized_keys":
      return `${where} : clé inconnue ${issue.keys.map((k) => `« ${k} »`).join(", ")} (vérifiez l’identifiant de la question).`;
    case "invalid_value":
      return `${where} : valeur non proposée ; valeurs possibles : ${issue.values.map(String).join(", ")}.`;
    case "invalid_type":
      return `${where} : type attendu ${typeFr(issue.expected)}.`;
    case "too_big":
      return `${where} : réponse trop longue (${String(issue.maximum)} caractères au plus).`;
    default:
      return `${where} : ${issue.message}`;
  }
}

function typeFr(t: string): string {
  return ({ string: "texte", array: "liste", object: "objet" } as Record<string, string>)[t] ?? t;
}

const FILE = "answers.json";

/**
 * Parse and validate an answers submission, given as JSON text (CLI, API body) or as an
 * already-parsed object. Any problem is reported as invalid with file:line diagnostics.
 */
export function prepareAnswers(questions: readonly Question[], submission: unknown): Prepared<Answers> {
  let value: unknown = submission;
  const text = typeof submission === "string" ? submission : JSON.stringify(submission, null, 2);
  if (typeof submission === "string") {
    try {
      value = JSON.parse(submission);
    } catch (err) {
      const msg = (err as Error).message;
      const pos = /position (\d+)/.exec(msg);
      const { line, column } = pos ? lineCol(submission, Number(pos[1])) : { line: 1, column: 1 };
      const diagnostics: Diagnostic[] = [{ file: FILE, line, column, message: `JSON invalide : ${msg}` }];
      return { valid: false, reason: `${FILE}:${line}:${column}: JSON invalide (${msg})`, diagnostics };
    }
  }
  const parsed = answersSchema(questions).safeParse(value);
  if (!parsed.success) {
    const diagnostics = parsed.error.issues.map((issue) => ({
      file: FILE,
      line: lineOfPath(text, issue.path),
      message: zodIssueFr(issue),
    }));
    return {
      valid: false,
      reason: diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`).join("\n"),
      diagnostics,
    };
  }
  const answers = (parsed.data as AnswersSubmission).answers;
  const given = Object.values(answers).filter((v) => v !== undefined && v !== "");
  if (given.length === 0) {
    const diagnostics = [{ file: FILE, line: 1, message: "Aucune réponse : répondez à au moins une question." }];
    return { valid: false, reason: `${FILE}:1: Aucune réponse.`, diagnostics };
  }
  return { valid: true, ctx: answers };
}
