"use client";

import type { GradeResult } from "./types";

export interface FileEditorProps {
  id: string;
  path: string;
  value: string;
  onChange: (v: string) => void;
  diagnostics?: GradeResult["diagnostics"];
}

/** The server's diagnostics after "Vérifier", by line (syntax errors cost no attempt). */
export function ServerDiagnostics({ id, diagnostics }: { id?: string; diagnostics?: GradeResult["diagnostics"] }) {
  if (!diagnostics?.length) return null;
  return (
    <ul id={id} className="mt-1 list-none! space-y-0.5 pl-0! font-mono text-xs text-red-700">
      {diagnostics.map((d) => (
        <li key={`${d.line}:${d.column ?? 0}:${d.message}`}>
          ligne {d.line} : {d.message}
        </li>
      ))}
    </ul>
  );
}

/** A script exercise's file: a plain textarea, with the server's diagnostics underneath. */
export function FileEditor({ id, path, value, onChange, diagnostics }: FileEditorProps) {
  const lines = value.split("\n").length;
  return (
    <div>
      <label htmlFor={id} className="mb-1 block font-mono text-xs text-slate-600">
        {path}
      </label>
      <textarea
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        rows={Math.min(30, Math.max(8, lines + 1))}
        className="w-full rounded-md border border-slate-300 bg-slate-950 p-3 font-mono text-sm leading-5 text-slate-100"
        aria-describedby={diagnostics?.length ? `${id}-diags` : undefined}
      />
      <ServerDiagnostics id={`${id}-diags`} diagnostics={diagnostics} />
    </div>
  );
}
