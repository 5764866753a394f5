import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadChapters } from "./chapters";

const dirs: string[] = [];
function contentDir(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "drbd-lab-content-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
const chapter = (title: string, order: number, slug: string, extra = "") =>
  `---\ntitle: "${title}"\norder: ${order}\nslug: "${slug}"\n${extra}---\n\n## ${title}\n`;

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("loadChapters", () => {
  it("reads the frontmatter and sorts by order, not by file name", () => {
    const dir = contentDir({
      "b.mdx": chapter("Deux", 2, "deux", "exercises: [tp1, ex1.1]\n"),
      "a.mdx": chapter("Trois", 3, "trois", 'summary: "Résumé"\n'),
      "c.mdx": chapter("Un", 1, "un"),
      "notes.md": "ignored",
    });
    const chapters = loadChapters(dir);
    expect(chapters.map((c) => c.slug)).toEqual(["un", "deux", "trois"]);
    expect(chapters[1]?.exercises).toEqual(["tp1", "ex1.1"]);
    expect(chapters[2]?.summary).toBe("Résumé");
    expect(chapters[0]?.exercises).toEqual([]);
  });

  it("names the file whose frontmatter is invalid", () => {
    const dir = contentDir({ "01-x.mdx": '---\ntitle: "X"\nslug: "x"\n---\n' });
    expect(() => loadChapters(dir)).toThrow(/content\/01-x\.mdx: invalid frontmatter/);
  });

  it("rejects a duplicate slug and a slug that is not URL-safe", () => {
    expect(() => loadChapters(contentDir({ "a.mdx": chapter("A", 1, "x"), "b.mdx": chapter("B", 2, "x") }))).toThrow(
      /duplicate slug "x"/,
    );
    expect(() => loadChapters(contentDir({ "a.mdx": chapter("A", 1, "Été 1") }))).toThrow(/invalid frontmatter/);
  });

  it("returns no chapter when content/ does not exist", () => {
    expect(loadChapters(path.join(tmpdir(), "drbd-lab-does-not-exist"))).toEqual([]);
  });

  it("loads the real course, each chapter with a unique slug", () => {
    const chapters = loadChapters();
    expect(chapters.length).toBeGreaterThanOrEqual(2);
    expect(new Set(chapters.map((c) => c.slug)).size).toBe(chapters.length);
  });
});
