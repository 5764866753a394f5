import type { ShikiTransformer } from "shiki";

/** `target=node1` in a fence's meta (```bash target=node1): the machine to type it on. */
export const CODE_TARGET = /(?:^|\s)target=([a-z][a-z0-9-]*)(?=\s|$)/;

export function codeTarget(meta: string | undefined): string | undefined {
  return CODE_TARGET.exec(meta ?? "")?.[1];
}

/**
 * Shiki transformer (run by rehype-pretty-code) copying the fence's target onto the <pre>
 * as data-target, where the CodeBlock component shows it as a label.
 */
export const codeTargetTransformer: ShikiTransformer = {
  name: "drbd-lab:code-target",
  pre(node) {
    const target = codeTarget(this.options.meta?.__raw);
    if (target) node.properties["data-target"] = target;
  },
};
