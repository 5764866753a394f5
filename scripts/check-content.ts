// Fails (exit 1) when a chapter's frontmatter or MDX is broken, naming the file: run by
// `npm run build`, so bad MDX fails the build even though chapters render per request.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { mdxComponents } from "../app/components/mdx";
import { loadChapters } from "../lib/chapters";
import { renderChapter } from "../lib/mdx/render";

export async function checkContent(): Promise<number> {
  const chapters = loadChapters();
  for (const chapter of chapters) {
    const { content } = await renderChapter(chapter, mdxComponents);
    // Rendering catches what compiling cannot, e.g. a component the chapter uses but nobody registered.
    renderToStaticMarkup(createElement("div", null, content));
  }
  console.log(`content: ${chapters.length} chapitre(s) valides`);
  return chapters.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await checkContent();
}
