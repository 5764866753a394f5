import type { ComponentProps } from "react";
import { CopyButton } from "./copy-button";

const TARGET_LABELS: Record<string, string> = { host: "hôte" };

/** Every fenced block: a copy button, and where to type it when the fence says target=… */
export function CodeBlock(props: ComponentProps<"pre"> & { "data-target"?: string; "data-language"?: string }) {
  const target = props["data-target"];
  const language = props["data-language"];
  return (
    <div data-codeblock="" data-target={target} className="group relative my-5">
      <div className="flex items-center justify-between gap-2 rounded-t-lg border border-b-0 border-slate-200 bg-slate-100 px-3 py-1.5">
        <span className="text-xs text-slate-600">
          {target ? (
            <>
              Terminal :{" "}
              <span
                className="rounded bg-slate-800 px-1.5 py-0.5 font-mono text-[0.7rem] font-medium text-white"
                data-testid="code-target"
              >
                {TARGET_LABELS[target] ?? target}
              </span>
            </>
          ) : language && language !== "plaintext" && language !== "text" ? (
            <span className="font-mono">{language}</span>
          ) : null}
        </span>
        <CopyButton />
      </div>
      <pre {...props} className="!mt-0 !rounded-t-none" />
    </div>
  );
}
