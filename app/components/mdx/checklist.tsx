"use client";

import { type ReactNode, useEffect, useId, useState } from "react";

const storageKey = (key: string) => `drbd-lab:checklist:${key}`;

/**
 * One item of a chapter's checklist (a GFM task list, e.g. annex D's production checklist): a real,
 * labelled checkbox the learner can tick with the mouse or the space bar. The ticks are kept in
 * this browser (localStorage), per item, so the list is found as it was left.
 */
export function ChecklistItem({ itemKey, children }: { itemKey: string; children: ReactNode }) {
  const id = useId();
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    setChecked(localStorage.getItem(storageKey(itemKey)) === "1");
  }, [itemKey]);
  return (
    <li className="task-list-item list-none">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => {
          setChecked(e.target.checked);
          if (e.target.checked) localStorage.setItem(storageKey(itemKey), "1");
          else localStorage.removeItem(storageKey(itemKey));
        }}
        className="mr-2 size-4 align-middle accent-brand-600"
      />
      <label htmlFor={id}>{children}</label>
    </li>
  );
}
