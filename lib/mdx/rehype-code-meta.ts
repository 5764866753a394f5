import type { Element, Root, RootContent } from "hast";

/** Targets a command block may name: where the learner types it. */
export const CODE_TARGET = /(?:^|\s)target=([a-z][a-z0-9-]*)(?=\s|$)/;

function visitElements(node: Root | RootContent, fn: (el: Element) => void) {
  if (node.type === "element") fn(node);
  if ("children" in node) for (const child of node.children) visitElements(child, fn);
}

/**
 * Copies `target=node1` from a fence's meta (```bash target=node1) onto the <pre> as
 * data-target, before rehype-pretty-code rewrites the block; the <pre> component shows it.
 */
export function rehypeCodeMeta() {
  return (tree: Root) => {
    visitElements(tree, (pre) => {
      if (pre.tagName !== "pre") return;
      const code = pre.children.find((c): c is Element => c.type === "element" && c.tagName === "code");
      const meta = (code?.data as { meta?: string } | undefined)?.meta ?? "";
      const target = CODE_TARGET.exec(meta)?.[1];
      if (target) pre.properties.dataTarget = target;
    });
  };
}
