import Link from "next/link";
import { getChapters } from "@/lib/chapters";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/guards";
import { courseProgress, learnerRows } from "@/lib/reading";

/**
 * The end of the course (last chapter), until it is complete: what is left, with links (the
 * workshop's congratulations, <CourseEnd> in the chapter, show only once every chapter is read and
 * every exercise at full marks).
 */
/** The learner's progress over the whole course. */
export async function courseStatus(userId: string) {
  return courseProgress(getChapters(), await learnerRows(db, userId));
}

export async function CourseCompletion() {
  const { user } = await requireUser();
  const p = await courseStatus(user.id);
  // complete: the last chapter's <CourseEnd> shows the workshop's congratulations
  if (p.complete) return null;
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
