import Link from "next/link";
import { getChapters } from "@/lib/chapters";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/guards";
import { courseProgress, learnerRows } from "@/lib/reading";
import { Card } from "./components/ui/card";
import { PageHeader } from "./components/ui/page-header";
import { ProgressBar } from "./components/ui/progress-bar";

export default async function HomePage() {
  const { user } = await requireUser();
  const chapters = getChapters();
  const { overall, chapters: statuses } = courseProgress(chapters, await learnerRows(db, user.id));
  return (
    <>
      <PageHeader
        title={`Bonjour ${user.name}`}
        description="Le cours DRBD, chapitre par chapitre : la théorie, puis les travaux pratiques sur un cluster simulé."
        actions={
          <div className="w-56 text-sm text-slate-600">
            <p className="mb-1 flex justify-between">
              <span>Progression globale</span>
              <span className="font-semibold text-slate-900">{overall.percent} %</span>
            </p>
            <ProgressBar percent={overall.percent} label="Progression globale" />
          </div>
        }
      />
      {chapters.length === 0 ? (
        <Card className="p-6 text-slate-600">Aucun chapitre n'est encore publié.</Card>
      ) : (
        <ol className="grid gap-4 md:grid-cols-2" aria-label="Chapitres du cours">
          {chapters.map((chapter, index) => {
            const progress = statuses[index]?.progress ?? { percent: 0, attempted: 0, total: 0 };
            return (
              <li key={chapter.slug} data-testid="chapter">
                <Link
                  href={`/cours/${chapter.slug}`}
                  className="group flex h-full flex-col rounded-xl border border-slate-200 bg-white p-5 shadow-sm transition hover:border-brand-600 hover:shadow"
                >
                  <span className="text-xs font-semibold uppercase tracking-wide text-brand-700">
                    Chapitre {index + 1}
                  </span>
                  <span className="mt-1 text-lg font-semibold text-slate-900 group-hover:text-brand-800">
                    {chapter.title}
                  </span>
                  {chapter.summary ? <span className="mt-2 text-sm text-slate-600">{chapter.summary}</span> : null}
                  <span className="mt-auto pt-4">
                    <span className="mb-1 flex justify-between text-xs text-slate-600">
                      <span>
                        {chapter.exercises.length === 0
                          ? `Chapitre de lecture${progress.percent >= 100 ? " : lu" : ""}`
                          : `Exercices tentés : ${progress.attempted} / ${progress.total}`}
                      </span>
                      <span className="font-medium text-slate-900">{progress.percent} %</span>
                    </span>
                    <ProgressBar percent={progress.percent} label={`Progression : ${chapter.title}`} />
                  </span>
                </Link>
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}
