"use client";

import { useRef, useState } from "react";

/** Copies the text of the code block it sits in (read from the DOM at click time). */
export function CopyButton() {
  const ref = useRef<HTMLButtonElement>(null);
  const [copied, setCopied] = useState(false);
  async function copy() {
    const text = ref.current?.closest("[data-codeblock]")?.querySelector("pre")?.textContent ?? "";
    try {
      await navigator.clipboard.writeText(text.replace(/\n$/, ""));
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  }
  return (
    <button
      ref={ref}
      type="button"
      onClick={copy}
      className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs font-medium text-slate-700 hover:bg-slate-100"
      aria-label={copied ? "Copié" : "Copier le code"}
    >
      <span aria-live="polite">{copied ? "Copié ✓" : "Copier"}</span>
    </button>
  );
}
