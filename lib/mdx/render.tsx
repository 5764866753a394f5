import type { MDXComponents } from "mdx/types";
import { evaluate } from "next-mdx-remote-client/rsc";
import rehypePrettyCode from "rehype-pretty-code";
import remarkGfm from "remark-gfm";
import type { Chapter } from "../chapters";
import { codeTargetTransformer } from "./code-target";
import { rehypeToc, type TocEntry } from "./rehype-toc";

export interface RenderedChapter {
  content: React.JSX.Element;
  toc: TocEntry[];
}

/** Compiles and runs a chapter's MDX; any MDX error throws with the file name. */
export async function renderChapter(chapter: Chapter, components: MDXComponents): Promise<RenderedChapter> {
  const toc: TocEntry[] = [];
  const { content, error } = await evaluate({
    source: chapter.source,
    components,
    options: {
      parseFrontmatter: true,
      mdxOptions: {
        remarkPlugins: [remarkGfm],
        rehypePlugins: [
          [
            rehypePrettyCode,
            {
              theme: "github-light",
              keepBackground: false,
              defaultLang: "plaintext",
              transformers: [codeTargetTransformer],
            },
          ],
          [rehypeToc, { toc }],
        ],
      },
    },
  });
  if (error) throw new Error(`content/${chapter.file}: ${error.message}`, { cause: error });
  return { content, toc };
}

const cache = new Map<string, Promise<RenderedChapter>>();

/** Production caches each chapter's compiled tree (content is fixed by the build). */
export function renderChapterCached(chapter: Chapter, components: MDXComponents): Promise<RenderedChapter> {
  if (process.env.NODE_ENV !== "production") return renderChapter(chapter, components);
  let hit = cache.get(chapter.slug);
  if (!hit) {
    hit = renderChapter(chapter, components);
    hit.catch(() => cache.delete(chapter.slug));
    cache.set(chapter.slug, hit);
  }
  return hit;
}
