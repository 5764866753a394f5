import type { MDXComponents } from "mdx/types";
import { Children, type ComponentProps, cloneElement, isValidElement, type ReactNode } from "react";
import { CourseEnd } from "../exercise/course-end";
import { Exercise } from "../exercise/exercise";
import { Lab } from "../lab/lab";
import { Objectives, RealDrbd } from "./callouts";
import { ChecklistItem } from "./checklist";
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

/** The text of a node, for a stable key. */
function textOf(node: ReactNode): string {
  return (Children.toArray(node) as ReactNode[])
    .map((c) =>
      typeof c === "string" ? c : isValidElement<{ children?: ReactNode }>(c) ? textOf(c.props.children) : "",
    )
    .join("");
}

/**
 * A GFM task list item (`- [ ] …`) renders as a disabled, unlabelled checkbox: make it a real one,
 * labelled by its text (axe `label`, critical).
 */
function TaskListItem(props: ComponentProps<"li">) {
  if (!String(props.className ?? "").includes("task-list-item")) return <li {...props} />;
  const rest = (Children.toArray(props.children) as ReactNode[]).filter(
    (c) => !(isValidElement<{ type?: string }>(c) && c.type === "input"),
  );
  const key = textOf(rest).trim().replace(/\s+/g, " ");
  return <ChecklistItem itemKey={key}>{rest}</ChecklistItem>;
}

/** Every component a chapter may use by name, plus HTML overrides. */
export const mdxComponents: MDXComponents = {
  RealDrbd,
  Objectives,
  CourseEnd,
  Lab,
  Exercise,
  pre: CodeBlock,
  li: TaskListItem,
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
