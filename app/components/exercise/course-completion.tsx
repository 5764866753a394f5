import Link from "next/link";
import { getChapters } from "@/lib/chapters";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/guards";
import { courseProgress, learnerRows } from "@/lib/reading";

/**
 * The end of the course (last chapter): congratulations only when every chapter is read and
 * every exercise at full marks; otherwise what is left, with links.
 */
export async function CourseCompletion() {
  const { user } = await requireUser();
  const p = courseProgress(getChapters(), await learnerRows(db, user.id));
  if (p.complete)
    return (
      <section
        aria-label="Fin du workshop"
        data-testid="course-completion"
        data-complete="true"
        className="mt-10 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-emerald-900"
      >
        <p>
          <strong>Félicitations !</strong> Vous avez terminé le workshop DRBD sur la haute disponibilité : tous les
          chapitres sont lus et tous les exercices réussis.
        </p>
      </section>
    );
  const left = p.chapters.filter((c) => c.progress.percent < 100);
  return (
    <section
      aria-label="Fin du workshop"
      data-testid="course-completion"
      data-complete="false"
      className="mt-10 rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700"
    >
      <p>
        Progression globale : <strong>{p.overall.percent} %</strong>. Pour terminer le workshop, il reste :
      </p>
      <ul className="mt-2 list-disc pl-5">
        {left.map((c) => (
          <li key={c.slug}>
            <Link href={`/cours/${c.slug}`} className="text-brand-700 underline">
              {c.title}
            </Link>{" "}
            — {c.reading ? "à lire jusqu’au bout" : `${c.progress.percent} %`}
          </li>
        ))}
      </ul>
    </section>
  );
}
