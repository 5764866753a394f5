import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import { z } from "zod";

const frontmatterSchema = z.object({
  title: z.string().min(1),
  order: z.number(),
  slug: z.string().regex(/^[a-z0-9-]+$/, "slug: lower case letters, digits and dashes"),
  summary: z.string().optional(),
  exercises: z.array(z.string()).default([]),
});

export type ChapterMeta = z.infer<typeof frontmatterSchema> & { file: string };
export interface Chapter extends ChapterMeta {
  /** the MDX source, frontmatter included */
  source: string;
}

export const CONTENT_DIR = path.join(process.cwd(), "content");

/**
 * The chapters found in content/*.mdx, sorted by `order`. Invalid frontmatter or a duplicate
 * slug throws with the file name: a broken chapter must fail the build, not vanish.
 */
export function loadChapters(dir: string = CONTENT_DIR): Chapter[] {
  let files: string[];
  try {
    files = readdirSync(/*turbopackIgnore: true*/ dir).filter((f) => f.endsWith(".mdx"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const chapters = files.map((file) => {
    const source = readFileSync(path.join(/*turbopackIgnore: true*/ dir, file), "utf8");
    const parsed = frontmatterSchema.safeParse(matter(source).data);
    if (!parsed.success) throw new Error(`content/${file}: invalid frontmatter: ${z.prettifyError(parsed.error)}`);
    return { ...parsed.data, file, source };
  });
  chapters.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
  const seen = new Set<string>();
  for (const c of chapters) {
    if (seen.has(c.slug)) throw new Error(`content/${c.file}: duplicate slug "${c.slug}"`);
    seen.add(c.slug);
  }
  return chapters;
}

let cache: Chapter[] | undefined;

/** Cached in production (content ships with the build); re-read in development. */
export function getChapters(): Chapter[] {
  if (process.env.NODE_ENV !== "production") return loadChapters();
  cache ??= loadChapters();
  return cache;
}

export function getChapter(slug: string) {
  const chapters = getChapters();
  const index = chapters.findIndex((c) => c.slug === slug);
  if (index < 0) return undefined;
  return { chapter: chapters[index] as Chapter, previous: chapters[index - 1], next: chapters[index + 1] };
}
