"use client";

import Editor, { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor/editor";
import "monaco-editor/features/register.all";
import { useEffect, useId, useRef } from "react";
import { drbdMarkers, registerDrbdLanguage } from "./drbd-language";
import { DRBD_THEME, registerDrbdTheme } from "./editor-theme";

// Monaco from the local package (no CDN): its worker is bundled too.
self.MonacoEnvironment = {
  getWorker: () => new Worker(new URL("monaco-editor/editor/editor.worker", import.meta.url), { type: "module" }),
};
loader.config({ monaco });

interface Props {
  path: string;
  value: string;
  others: Record<string, string>;
  hostname: string;
  onChange: (text: string) => void;
  onDiagnostics: (messages: string[]) => void;
}

/** The Monaco editor with the `drbd` language and the engine's diagnostics as squiggles. */
export default function MonacoClient({ path, value, others, hostname, onChange, onDiagnostics }: Props) {
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  // Monaco shares one model per URI: two editors of the same file on a page (the lab's editor
  // and a config exercise) would overwrite each other's text, so each instance gets its own.
  const instance = useId().replace(/[^a-zA-Z0-9]/g, "");
  const ctx = useRef({ others, hostname, onDiagnostics });
  ctx.current = { others, hostname, onDiagnostics };

  function check() {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const markers = drbdMarkers(monaco, path, model.getValue(), ctx.current.others, ctx.current.hostname);
    monaco.editor.setModelMarkers(model, "drbd", markers);
    ctx.current.onDiagnostics(markers.map((m) => `Ligne ${m.startLineNumber} : ${m.message}`));
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-check when the file or its context changes
  useEffect(check, [path, others, hostname]);

  return (
    <Editor
      height="22rem"
      language="drbd"
      path={`file:///${instance}${path}`}
      value={value}
      theme={DRBD_THEME}
      beforeMount={(m) => {
        registerDrbdLanguage(m as unknown as typeof monaco);
        registerDrbdTheme(m as unknown as typeof monaco);
      }}
      onMount={(editor) => {
        editorRef.current = editor as unknown as monaco.editor.IStandaloneCodeEditor;
        check();
      }}
      onChange={(text) => {
        onChange(text ?? "");
        check();
      }}
      options={{
        minimap: { enabled: false },
        fontSize: 14,
        scrollBeyondLastLine: false,
        ariaLabel: `Éditeur de ${path}`,
        automaticLayout: true,
      }}
    />
  );
}
