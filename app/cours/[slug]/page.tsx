import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getChapter } from "@/lib/chapters";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/guards";
import { renderChapterCached } from "@/lib/mdx/render";
import { ChapterProgress } from "../../components/exercise/chapter-progress";
import { CourseCompletion, courseStatus } from "../../components/exercise/course-completion";
import { CourseEndProvider } from "../../components/exercise/course-end";
import { ReadMarker } from "../../components/exercise/read-marker";
import { RefreshOnGrade } from "../../components/exercise/refresh-on-grade";
import { mdxComponents } from "../../components/mdx";

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const found = getChapter((await params).slug);
  return { title: found?.chapter.title ?? "Chapitre introuvable" };
}

export default async function ChapterPage({ params }: Params) {
  const { user } = await requireUser();
  const found = getChapter((await params).slug);
  if (!found) notFound();
  const { chapter, previous, next } = found;
  const reading = chapter.exercises.length === 0;
  const read =
    reading &&
    (await db.chapterRead.findUnique({ where: { userId_slug: { userId: user.id, slug: chapter.slug } } })) !== null;
  const { content, toc } = await renderChapterCached(chapter, mdxComponents);
  return (
    <div className="lg:grid lg:grid-cols-[minmax(0,1fr)_15rem] lg:gap-10">
      <article className="min-w-0">
        <nav aria-label="Fil d'Ariane" className="mb-4 text-sm text-slate-500">
          <Link href="/" className="hover:text-brand-700 hover:underline">
            Cours
          </Link>{" "}
          / <span className="text-slate-700">{chapter.title}</span>
        </nav>
        <h1 className="mb-6 text-3xl font-bold tracking-tight text-slate-900">{chapter.title}</h1>
        <ChapterProgress title={chapter.title} exercises={chapter.exercises} />
        <CourseEndProvider complete={next ? false : (await courseStatus(user.id)).complete}>
          <div className="prose-drbd">{content}</div>
        </CourseEndProvider>
        {reading ? <ReadMarker slug={chapter.slug} read={read} /> : null}
        {next ? null : <CourseCompletion />}
        {chapter.exercises.length > 0 ? <RefreshOnGrade /> : null}
        <nav aria-label="Chapitres voisins" className="mt-12 grid gap-4 border-t border-slate-200 pt-6 sm:grid-cols-2">
          {previous ? (
            <Link
              href={`/cours/${previous.slug}`}
              rel="prev"
              className="rounded-lg border border-slate-200 bg-white p-4 hover:border-brand-600"
            >
              <span className="block text-xs text-slate-500">← Chapitre précédent</span>
              <span className="font-medium text-slate-900">{previous.title}</span>
            </Link>
          ) : (
            <span />
          )}
          {next ? (
            <Link
              href={`/cours/${next.slug}`}
              rel="next"
              className="rounded-lg border border-slate-200 bg-white p-4 text-right hover:border-brand-600"
            >
              <span className="block text-xs text-slate-500">Chapitre suivant →</span>
              <span className="font-medium text-slate-900">{next.title}</span>
            </Link>
          ) : null}
        </nav>
      </article>
      {toc.length > 0 ? (
        <aside className="hidden lg:block">
          <nav aria-label="Sommaire du chapitre" className="sticky top-20 text-sm">
            <p className="mb-2 font-semibold text-slate-900">Sommaire</p>
            <ul className="space-y-1.5 border-l border-slate-200">
              {toc.map((entry) => (
                <li key={entry.id} className={entry.depth === 3 ? "pl-6" : "pl-3"}>
                  <a href={`#${entry.id}`} className="text-slate-600 hover:text-brand-700">
                    {entry.text}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </aside>
      ) : null}
    </div>
  );
}
