import { createElement, type FunctionComponent } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { mdxComponents } from "./index";

const Span = mdxComponents.span as FunctionComponent<Record<string, unknown>>;

/** What rehype-pretty-code emits for `text` written as inline code. */
const inlineCode = (text: string) =>
  createElement(
    Span,
    { "data-rehype-pretty-code-figure": "" },
    createElement("code", { "data-language": "plaintext" }, createElement(Span, { "data-line": "" }, text)),
  );

describe("inline code in chapters", () => {
  it("keeps hyphenated words whole and lets the line wrap at spaces", () => {
    const html = renderToStaticMarkup(inlineCode("drbdadm create-md r0"));
    expect(html).toContain(
      '<span data-line=""><span class="whitespace-nowrap">drbdadm</span> <span class="whitespace-nowrap">create-md</span> <span class="whitespace-nowrap">r0</span></span>',
    );
  });

  it("leaves long paths breakable and other spans untouched", () => {
    const path = "/usr/lib/drbd/notify-split-brain.sh";
    expect(renderToStaticMarkup(inlineCode(`${path} root`))).toContain(`${path} <span`);
    expect(renderToStaticMarkup(createElement(Span, { "data-line": "" }, "uname -n"))).toBe(
      '<span data-line="">uname -n</span>',
    );
  });
});
