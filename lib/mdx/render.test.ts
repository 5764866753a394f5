import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { mdxComponents } from "@/app/components/mdx";
import type { Chapter } from "../chapters";
import { codeTarget } from "./code-target";
import { slugify } from "./rehype-toc";
import { renderChapter } from "./render";

const asChapter = (body: string): Chapter => ({
  title: "T",
  order: 1,
  slug: "t",
  exercises: [],
  file: "t.mdx",
  source: `---\ntitle: T\norder: 1\nslug: t\n---\n\n${body}`,
});

async function html(body: string) {
  const { content, toc } = await renderChapter(asChapter(body), mdxComponents);
  return { html: renderToStaticMarkup(createElement("div", null, content)), toc };
}

describe("chapter rendering", () => {
  it("labels command blocks with their target and gives every block a copy button", async () => {
    const { html: out } = await html("```bash target=node1\ndrbdadm up r0\n```\n\n```text\nplain\n```\n");
    expect(out).toMatch(/<pre[^>]*data-target="node1"/);
    expect(out).toContain('data-testid="code-target">node1<');
    expect(out.match(/Copier le code/g)).toHaveLength(2);
  });

  it("keeps box-drawing diagrams intact", async () => {
    const diagram = "┌──────┐\n│ DRBD │\n└──────┘";
    const { html: out } = await html(`\`\`\`text\n${diagram}\n\`\`\`\n`);
    const text = out.replace(/<[^>]+>/g, "");
    for (const line of diagram.split("\n")) expect(text).toContain(line);
  });

  it("renders the course components (Lab and Exercise included) and GFM tables", async () => {
    const { html: out } = await html(
      '<Objectives>\n- comprendre\n</Objectives>\n\n<RealDrbd>\nLe **noyau**.\n</RealDrbd>\n\n<Lab id="tp1" />\n\n<Exercise id="ex1.1" />\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
    );
    expect(out).toContain("Dans un vrai cluster");
    expect(out).toContain("<strong>noyau</strong>");
    expect(out).toContain("Objectifs");
    // <Lab> and <Exercise> are the interactive features' own components: they only have to render.
    expect(out).toContain("<table>");
  });

  it("builds the table of contents from h2/h3 with unique ids", async () => {
    const { html: out, toc } = await html("## Étape 1 : démarrer\n\n### Détail\n\n## Étape 1 : démarrer\n");
    expect(toc).toEqual([
      { depth: 2, id: "etape-1-demarrer", text: "Étape 1 : démarrer" },
      { depth: 3, id: "detail", text: "Détail" },
      { depth: 2, id: "etape-1-demarrer-1", text: "Étape 1 : démarrer" },
    ]);
    expect(out).toContain('<h2 id="etape-1-demarrer-1">');
  });

  it("fails with the file name on broken MDX", async () => {
    await expect(renderChapter(asChapter("<RealDrbd>\nnot closed\n"), mdxComponents)).rejects.toThrow(
      /content\/t\.mdx/,
    );
  });

  it("fails at render time on a component nobody registered", async () => {
    await expect(html("<Nonexistent />\n")).rejects.toThrow(/Nonexistent/);
  });
});

describe("helpers", () => {
  it("reads the target from a fence's meta", () => {
    expect(codeTarget("target=node2")).toBe("node2");
    expect(codeTarget('title="x" target=host')).toBe("host");
    expect(codeTarget("notarget=node1")).toBeUndefined();
    expect(codeTarget(undefined)).toBeUndefined();
  });

  it("slugifies French headings", () => {
    expect(slugify("2.1 Modes de Réplication (Protocols)")).toBe("21-modes-de-replication-protocols");
    expect(slugify("Qu’est-ce que DRBD ?")).toBe("quest-ce-que-drbd");
  });
});
