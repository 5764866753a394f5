"use client";

import { useEffect, useState } from "react";
import { createPortal } from "react-dom";

/** The commands of a code block: comment lines dropped, a heredoc kept with its command. */
export function commandsOf(text: string): string[] {
  const out: string[] = [];
  let pending: string | undefined;
  let current = "";
  for (const line of text.replace(/\n$/, "").split("\n")) {
    if (pending !== undefined) {
      current += `\n${line}`;
      if (line.replace(/^\t+/, "") === pending) {
        out.push(current);
        pending = undefined;
      }
      continue;
    }
    if (/^\s*(#|$)/.test(line)) continue;
    const here = /<<-?\s*(['"]?)([A-Za-z_]\w*)\1/.exec(line);
    if (here) {
      pending = here[2] as string;
      current = line;
    } else out.push(line);
  }
  if (pending !== undefined) out.push(current);
  return out;
}

/** Code blocks that belong to this lab: after its anchor, before the next lab's. */
function ownBlocks(anchor: HTMLElement): HTMLElement[] {
  const labs = [...document.querySelectorAll<HTMLElement>("[data-lab]")];
  const next = labs[labs.indexOf(anchor) + 1];
  return [...document.querySelectorAll<HTMLElement>("[data-codeblock][data-target]")].filter(
    (b) =>
      anchor.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING &&
      (!next || next.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_PRECEDING),
  );
}

/** "Exécuter dans le lab" on each of the chapter's code blocks that says where it runs. */
export function RunButtons({
  anchorId,
  machines,
  onRun,
}: {
  anchorId: string;
  machines: string[];
  onRun: (machine: string, commands: string[]) => void;
}) {
  const [slots, setSlots] = useState<{ el: HTMLElement; target: string; block: HTMLElement }[]>([]);
  const key = machines.join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the machine list
  useEffect(() => {
    const anchor = document.getElementById(anchorId);
    if (!anchor) return;
    const made = ownBlocks(anchor)
      .filter((b) => machines.includes(b.dataset.target ?? ""))
      .map((block) => {
        const el = document.createElement("span");
        el.dataset.runSlot = "";
        el.className = "ml-auto";
        block.firstElementChild?.lastElementChild?.before(el);
        return { el, target: block.dataset.target as string, block };
      });
    setSlots(made);
    return () => {
      for (const s of made) s.el.remove();
    };
  }, [anchorId, key]);
  return (
    <>
      {slots.map((s) =>
        createPortal(
          <button
            type="button"
            className="mr-2 rounded border border-brand-600 bg-brand-600 px-2 py-0.5 text-xs font-medium text-white hover:bg-brand-700"
            onClick={() => onRun(s.target, commandsOf(s.block.querySelector("pre")?.textContent ?? ""))}
          >
            Exécuter dans le lab
          </button>,
          s.el,
        ),
      )}
    </>
  );
}
