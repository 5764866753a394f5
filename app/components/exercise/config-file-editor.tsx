"use client";

import dynamic from "next/dynamic";
import { useState } from "react";
import { type FileEditorProps, ServerDiagnostics } from "./file-editor";

const MonacoClient = dynamic(() => import("../editor/monaco-client"), {
  ssr: false,
  loading: () => <p className="p-4 text-sm text-slate-600">Chargement de l’éditeur…</p>,
});

const NO_OTHERS: Record<string, string> = {};

/**
 * A config exercise's file in the course's Monaco editor (drbd language, the engine's own
 * diagnostics as you type); the server's diagnostics after "Vérifier" are listed by line.
 */
export function ConfigFileEditor({ id, path, value, onChange, diagnostics }: FileEditorProps) {
  const [live, setLive] = useState<string[]>([]);
  return (
    <div id={id} data-editor={path}>
      <p className="mb-1 font-mono text-xs text-slate-600">{path}</p>
      <div className="overflow-hidden rounded-md border border-slate-300">
        <MonacoClient
          path={path}
          value={value}
          others={NO_OTHERS}
          hostname="node1"
          onChange={onChange}
          onDiagnostics={setLive}
        />
      </div>
      {live.length > 0 ? (
        <ul aria-label="Erreurs détectées pendant la saisie" className="mt-1 list-none! pl-0! text-xs text-amber-800">
          {live.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
      <ServerDiagnostics diagnostics={diagnostics} />
    </div>
  );
}
