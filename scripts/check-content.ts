// Fails (exit 1) when a chapter's frontmatter or MDX is broken, naming the file: run by
// `npm run build`, so bad MDX fails the build even though chapters render per request.
import { register } from "node:module";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { loadChapters } from "../lib/chapters";
import { renderChapter } from "../lib/mdx/render";

// The course components import stylesheets (e.g. xterm.css) that only the bundler handles:
// outside Next, load them as empty modules.
register(
  `data:text/javascript,${encodeURIComponent(
    'export async function load(url, context, next) { return url.endsWith(".css") ? { format: "module", source: "", shortCircuit: true } : next(url, context); }',
  )}`,
);

export async function checkContent(): Promise<number> {
  const { mdxComponents } = await import("../app/components/mdx");
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
