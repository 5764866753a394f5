import type { MDXComponents } from "mdx/types";
import { Children, type ComponentProps, cloneElement, isValidElement, type ReactNode } from "react";
import { Exercise } from "../exercise/exercise";
import { Lab } from "../lab/lab";
import { Objectives, RealDrbd } from "./callouts";
import { CodeBlock } from "./code-block";

/**
 * Inline code keeps each word on one line: `drbdadm create-md r0` may wrap at its spaces, never
 * inside `create-md` (the browser breaks after hyphens otherwise). Words longer than 30 characters
 * (paths) stay breakable so that narrow screens do not overflow.
 */
function keepWordsWhole(node: ReactNode): ReactNode {
  return Children.map(node, (child) => {
    if (typeof child === "string")
      return child.split(/(\s+)/).map((word, i) =>
        word.trim() === "" || word.length > 30 ? (
          word
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the words of a fixed string
          <span key={i} className="whitespace-nowrap">
            {word}
          </span>
        ),
      );
    if (isValidElement<{ children?: ReactNode }>(child))
      return cloneElement(child, undefined, keepWordsWhole(child.props.children));
    return child;
  });
}

/** Every component a chapter may use by name, plus HTML overrides. */
export const mdxComponents: MDXComponents = {
  RealDrbd,
  Objectives,
  Lab,
  Exercise,
  pre: CodeBlock,
  // rehype-pretty-code wraps inline code in <span data-rehype-pretty-code-figure>
  span: (props: ComponentProps<"span">) =>
    (props as Record<string, unknown>)["data-rehype-pretty-code-figure"] === undefined ? (
      <span {...props} />
    ) : (
      <span {...props}>{keepWordsWhole(props.children)}</span>
    ),
  table: (props: ComponentProps<"table">) => (
    <div className="my-6 overflow-x-auto">
      <table {...props} />
    </div>
  ),
};
