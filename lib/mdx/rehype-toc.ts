import type { Element, ElementContent, Root, RootContent } from "hast";

export interface TocEntry {
  depth: 2 | 3;
  id: string;
  text: string;
}

/** "2.1 Modes de réplication (Protocols)" → "21-modes-de-replication-protocols" */
export function slugify(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, "")
    .trim()
    .replace(/[\s-]+/g, "-");
}

function textOf(node: ElementContent | RootContent): string {
  if (node.type === "text") return node.value;
  if ("children" in node) return node.children.map(textOf).join("");
  return "";
}

function headings(node: Root | RootContent, out: Element[]) {
  if (node.type === "element" && (node.tagName === "h2" || node.tagName === "h3")) out.push(node);
  else if ("children" in node) for (const child of node.children) headings(child, out);
}

/** Gives every h2/h3 a unique id and records it in `toc` (the chapter's table of contents). */
export function rehypeToc(options: { toc: TocEntry[] }) {
  return (tree: Root) => {
    const found: Element[] = [];
    headings(tree, found);
    const used = new Map<string, number>();
    for (const heading of found) {
      const text = textOf(heading).trim();
      const base = slugify(text) || "section";
      const n = used.get(base) ?? 0;
      used.set(base, n + 1);
      const id = n === 0 ? base : `${base}-${n}`;
      heading.properties.id = id;
      options.toc.push({ depth: heading.tagName === "h2" ? 2 : 3, id, text });
    }
  };
}
