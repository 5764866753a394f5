import type { MDXComponents } from "mdx/types";
import type { ComponentProps } from "react";
import { Exercise } from "../exercise/exercise";
import { Lab } from "../lab/lab";
import { Objectives, RealDrbd } from "./callouts";
import { CodeBlock } from "./code-block";

/** Every component a chapter may use by name, plus HTML overrides. */
export const mdxComponents: MDXComponents = {
  RealDrbd,
  Objectives,
  Lab,
  Exercise,
  pre: CodeBlock,
  table: (props: ComponentProps<"table">) => (
    <div className="my-6 overflow-x-auto">
      <table {...props} />
    </div>
  ),
};
