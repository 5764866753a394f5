import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getExercise } from "@/graders";
import { db } from "@/lib/db";
import { isEnrolled, ownedCohort } from "@/lib/grading/access";
import { studentAttempts } from "@/lib/grading/attempts";
import { answerLines } from "@/lib/grading/check-labels";
import { frNumber } from "@/lib/grading/format";
import { requireRole } from "@/lib/guards";
import { Card, CardBody } from "../../../../../components/ui/card";
import { PageHeader } from "../../../../../components/ui/page-header";

export const metadata: Metadata = { title: "Tentatives" };

type Props = {
  params: Promise<{ id: string; studentId: string }>;
  searchParams: Promise<{ exercice?: string }>;
};

const dateFr = (iso: string) =>
  new Date(iso).toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "medium", timeZone: "Europe/Paris" });
const pts = (n: number) => frNumber(n);
/** A questions submission's answers (`{ answers: { q1.choice: "b", … } }`), else undefined. */
const answersOf = (payload: unknown): Record<string, unknown> | undefined => {
  const answers = (payload as { answers?: unknown } | null)?.answers;
  return answers !== null && typeof answers === "object" && !Array.isArray(answers)
    ? (answers as Record<string, unknown>)
    : undefined;
};

/** The replay of the moment a lab submission was graded (its last row), if it is one. */
function replayOf(payload: unknown): string | null {
  const p = payload as { labSessionId?: unknown; events?: unknown } | null;
  if (typeof p?.labSessionId !== "string" || typeof p.events !== "number") return null;
  return `/rejouer/${p.labSessionId}?seq=${p.events - 1}`;
}

/** A student's attempts at one exercise: every grading's checks, overrides, the lab transcript. */
export default async function AttemptsPage({ params, searchParams }: Props) {
  const { user } = await requireRole("instructor", "admin");
  const { id, studentId } = await params;
  const exerciseId = (await searchParams).exercice ?? "";
  const cohort = await ownedCohort(db, user, id);
  const def = getExercise(exerciseId);
  if (!cohort || !def || !(await isEnrolled(db, cohort.id, studentId))) notFound();
  const student = await db.user.findUniqueOrThrow({ where: { id: studentId }, select: { name: true, email: true } });
  const attempts = await studentAttempts(db, studentId, def.id);
  return (
    <>
      <nav aria-label="Fil d'Ariane" className="mb-4 text-sm text-slate-500">
        <Link href="/formateur" className="hover:underline">
          Espace formateur
        </Link>{" "}
        /{" "}
        <Link href={`/formateur/classes/${cohort.id}`} className="hover:underline">
          {cohort.name}
        </Link>{" "}
        / <span className="text-slate-700">{student.name}</span>
      </nav>
      <PageHeader
        title={`${student.name} — ${def.id}`}
        description={`${def.title} · ${attempts.length} tentative(s) · ${def.points} points`}
      />
      {attempts.length === 0 ? <p className="text-slate-600">Aucune tentative.</p> : null}
      <ol className="space-y-4">
        {attempts.map((a, i) => (
          <li key={a.id}>
            <Card>
              <CardBody>
                <h2 className="font-semibold">
                  Tentative {attempts.length - i} — {dateFr(a.createdAt)} — {pts(a.score)} / {pts(a.maxScore)}
                </h2>
                {a.overrides.map((o) => (
                  <p key={o.createdAt} className="mt-1 text-sm text-amber-800">
                    Note revue par {o.author} : {pts(o.score)} — « {o.comment} »
                  </p>
                ))}
                {replayOf(a.payload) ? (
                  <Link
                    href={replayOf(a.payload) as string}
                    className="mt-1 inline-block text-sm text-brand-700 underline"
                  >
                    Rejouer le lab au moment de cette correction
                  </Link>
                ) : null}
                {a.gradings.map((g, gi) => (
                  <details key={g.id} open={gi === 0} className="mt-2">
                    <summary className="cursor-pointer text-sm text-slate-600">
                      Correction v{g.graderVersion} du {dateFr(g.createdAt)} : {pts(g.score)}
                      {gi > 0 ? " (ancienne)" : ""}
                    </summary>
                    <ul className="mt-1 space-y-1 text-sm">
                      {g.checks.map((c) => (
                        <li key={c.id} className={c.passed ? "text-emerald-800" : "text-red-800"}>
                          {c.passed ? "✓" : "✗"} <span className="font-mono text-xs">{c.id}</span> ({pts(c.points)}/
                          {pts(c.max)}) {c.message}
                        </li>
                      ))}
                    </ul>
                  </details>
                ))}
                {a.transcript ? (
                  <details className="mt-2">
                    <summary className="cursor-pointer text-sm text-slate-600">
                      Transcription du lab ({a.transcript.length} évènements)
                    </summary>
                    <pre className="mt-1 max-h-96 overflow-auto rounded bg-slate-950 p-3 text-xs text-slate-100">
                      {a.transcript.map((e) => `[${e.target}] $ ${e.input}\n${e.output}`).join("\n")}
                    </pre>
                  </details>
                ) : (
                  <details className="mt-2">
                    <summary className="cursor-pointer text-sm text-slate-600">Soumission</summary>
                    {answersOf(a.payload) ? (
                      // each answer in words, by option identity (the learner's options were shuffled)
                      <dl className="mt-1 space-y-2 rounded bg-slate-50 p-3 text-sm" data-testid="attempt-answers">
                        {answerLines(def.id, answersOf(a.payload) ?? {}).map((l) => (
                          <div key={l.prompt}>
                            <dt className="font-medium text-slate-800">{l.prompt}</dt>
                            <dd className="ml-4 whitespace-pre-wrap text-slate-700">{l.answer}</dd>
                          </div>
                        ))}
                      </dl>
                    ) : (
                      <pre className="mt-1 max-h-96 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-3 text-xs">
                        {typeof (a.payload as { text?: string }).text === "string"
                          ? (a.payload as { text: string }).text
                          : JSON.stringify(a.payload, null, 2)}
                      </pre>
                    )}
                  </details>
                )}
              </CardBody>
            </Card>
          </li>
        ))}
      </ol>
    </>
  );
}
