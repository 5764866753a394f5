import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { db } from "@/lib/db";
import { ownedCohort } from "@/lib/grading/access";
import { classView } from "@/lib/grading/class-view";
import { requireRole } from "@/lib/guards";
import { liveClass } from "@/lib/instructor/live";
import { Badge } from "../../../components/ui/badge";
import { Card, CardBody } from "../../../components/ui/card";
import { PageHeader } from "../../../components/ui/page-header";
import { ResetPasswordButton } from "../../reset-password-button";
import { RegradeForm, ReviewCard } from "./class-actions";
import { Heatmap } from "./heatmap";
import { LiveView } from "./live-view";

export const metadata: Metadata = { title: "Classe" };

export default async function ClassPage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requireRole("instructor", "admin");
  const { id } = await params;
  // Only classes the viewer teaches: another instructor's class is simply not found.
  const cohort = await ownedCohort(db, user, id);
  if (!cohort) notFound();
  const [view, live] = await Promise.all([classView(db, cohort.id), liveClass(db, cohort.id)]);
  const titles = new Map(view.exercises.map((e) => [e.id, e.title]));
  return (
    <>
      <nav aria-label="Fil d'Ariane" className="mb-4 text-sm text-slate-500">
        <Link href="/formateur" className="hover:text-brand-700 hover:underline">
          Espace formateur
        </Link>{" "}
        / <span className="text-slate-700">{cohort.name}</span>
      </nav>
      <PageHeader
        title={cohort.name}
        description={
          <>
            Code d'inscription :{" "}
            <Badge tone="brand" className="font-mono text-sm">
              {cohort.joinCode}
            </Badge>
          </>
        }
      />
      <div className="space-y-6">
        <Card>
          <CardBody>
            <h2 className="mb-3 text-lg font-semibold">En direct</h2>
            {view.students.length === 0 ? (
              <p className="text-slate-600">Aucun·e étudiant·e inscrit·e pour l'instant.</p>
            ) : (
              <LiveView cohortId={cohort.id} initial={live} />
            )}
          </CardBody>
        </Card>

        <Card>
          <CardBody>
            <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
              <h2 className="text-lg font-semibold">Carte de chaleur</h2>
              <a
                href={`/api/formateur/classes/${cohort.id}/csv`}
                download
                className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100"
              >
                Exporter le carnet de notes (CSV)
              </a>
            </div>
            {view.students.length === 0 ? (
              <p className="text-slate-600">Aucun·e étudiant·e inscrit·e pour l'instant.</p>
            ) : (
              <Heatmap view={view} cohortId={cohort.id} />
            )}
          </CardBody>
        </Card>

        <Card>
          <CardBody>
            <h2 className="mb-3 text-lg font-semibold">
              Réponses à relire <Badge tone={view.review.length ? "warning" : "neutral"}>{view.review.length}</Badge>
            </h2>
            {view.review.length === 0 ? (
              <p className="text-sm text-slate-600">Aucune réponse rédigée en attente de relecture.</p>
            ) : (
              <ul className="space-y-3">
                {view.review.map((item) => (
                  <ReviewCard key={item.submissionId} cohortId={cohort.id} item={item} />
                ))}
              </ul>
            )}
            <p className="mt-3 text-xs text-slate-500">
              Une note saisie ici remplace celle du correcteur pour cette soumission (même après une recorrection) ; le
              meilleur score de l'étudiant·e est recalculé.
            </p>
          </CardBody>
        </Card>

        <Card>
          <CardBody className="overflow-x-auto">
            <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
              <h2 className="text-lg font-semibold">Statistiques par exercice</h2>
              <RegradeForm cohortId={cohort.id} exercises={view.exercises.map((e) => e.id)} />
            </div>
            <table className="w-full text-left text-sm" data-testid="exercise-stats">
              <thead className="text-xs text-slate-500">
                <tr>
                  <th scope="col" className="py-1 pr-3">
                    Exercice
                  </th>
                  <th scope="col" className="px-2 text-right">
                    Tenté
                  </th>
                  <th scope="col" className="px-2 text-right">
                    Réussi
                  </th>
                  <th scope="col" className="px-2 text-right">
                    Score moyen
                  </th>
                  <th scope="col" className="pl-3">
                    Vérifications les plus souvent échouées
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {view.stats.map((s) => (
                  <tr key={s.id} data-exercise={s.id}>
                    <th scope="row" className="py-1 pr-3 font-normal">
                      <span className="font-mono">{s.id}</span>{" "}
                      <span className="text-xs text-slate-500">{titles.get(s.id)}</span>
                    </th>
                    <td className="px-2 text-right tabular-nums">{s.attempted}</td>
                    <td className="px-2 text-right tabular-nums">{s.passed}</td>
                    <td className="px-2 text-right tabular-nums">{s.attempted ? `${s.meanPercent} %` : "–"}</td>
                    <td className="pl-3 text-xs">
                      {s.failingChecks.length === 0 ? (
                        "–"
                      ) : (
                        <ul className="space-y-0.5">
                          {s.failingChecks.map((f) => (
                            <li key={f.id}>
                              {f.label} <span className="font-mono text-slate-500">{f.id}</span> ({f.failures}/
                              {f.attempts})
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </CardBody>
        </Card>

        <Card>
          <CardBody>
            <h2 className="mb-3 text-lg font-semibold">Comptes</h2>
            <ul className="divide-y divide-slate-100 text-sm">
              {view.students.map((s) => (
                <li key={s.id} className="flex items-center justify-between py-2">
                  <span>
                    {s.name} <span className="text-xs text-slate-500">{s.email}</span>
                  </span>
                  <ResetPasswordButton studentId={s.id} studentName={s.name} />
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
