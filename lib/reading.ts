import type { Db } from "./db";
import { type ProgressRow, type ProgressSummary, summarize } from "./progress";

/**
 * Reading chapters (no exercise: introduction, concepts, environment, annexes) count once the
 * learner has read them to their end: each is one item of the course, like an exercise at full
 * marks. The facts are `chapter_read` rows; progress is derived from them, as from gradings.
 */
export const readItem = (slug: string) => `lecture:${slug}`;

/** What a chapter is made of for progress: its exercises, or the reading itself. */
export function chapterItems(chapter: { slug: string; exercises: readonly string[] }): string[] {
  return chapter.exercises.length > 0 ? [...chapter.exercises] : [readItem(chapter.slug)];
}

/** Read chapters as progress rows (one item done each). */
export function readingRows(userId: string, slugs: Iterable<string>): ProgressRow[] {
  return [...slugs].map((slug) => ({ userId, exerciseId: readItem(slug), bestScore: 1, maxScore: 1, attempts: 1 }));
}

export interface ChapterStatus {
  slug: string;
  title: string;
  reading: boolean;
  progress: ProgressSummary;
}

export interface CourseProgress {
  overall: ProgressSummary;
  chapters: ChapterStatus[];
  /** Every exercise at full marks and every reading chapter read. */
  complete: boolean;
}

/** The one course progress computation (home page, last chapter's conclusion). */
export function courseProgress(
  chapters: readonly { slug: string; title: string; exercises: readonly string[] }[],
  rows: readonly ProgressRow[],
): CourseProgress {
  const overall = summarize(chapters.flatMap(chapterItems), rows);
  const statuses = chapters.map((c) => ({
    slug: c.slug,
    title: c.title,
    reading: c.exercises.length === 0,
    progress: summarize(chapterItems(c), rows),
  }));
  return {
    overall,
    chapters: statuses,
    complete: statuses.length > 0 && statuses.every((s) => s.progress.percent >= 100),
  };
}

/** The learner's progress rows, reading included. */
export async function learnerRows(db: Db, userId: string): Promise<ProgressRow[]> {
  const [rows, reads] = await Promise.all([
    db.progress.findMany({
      where: { userId },
      select: { userId: true, exerciseId: true, bestScore: true, maxScore: true, attempts: true },
    }),
    db.chapterRead.findMany({ where: { userId }, select: { slug: true } }),
  ]);
  return [
    ...rows,
    ...readingRows(
      userId,
      reads.map((r) => r.slug),
    ),
  ];
}

/** Records that the learner read a chapter to its end (idempotent: the first time is kept). */
export async function markRead(db: Db, userId: string, slug: string): Promise<void> {
  await db.chapterRead.upsert({
    where: { userId_slug: { userId, slug } },
    create: { userId, slug },
    update: {},
  });
}
