"use client";

import dynamic from "next/dynamic";
import { useCallback, useEffect, useMemo, useState } from "react";

const MonacoClient = dynamic(() => import("./monaco-client"), {
  ssr: false,
  loading: () => <p className="p-4 text-sm text-slate-600">Chargement de l’éditeur…</p>,
});

interface Props {
  sessionId: string;
  nodes: string[];
  /** Called after "Appliquer au lab" with the API's reply (the panel refreshes its view). */
  onApplied: (reply: unknown) => void;
}

const draftKey = (sessionId: string, node: string, path: string) => `drbd-lab:draft:${sessionId}:${node}:${path}`;

/** Edit a node's DRBD config with the engine's own diagnostics, then write it on chosen nodes. */
export function ConfigEditor({ sessionId, nodes, onApplied }: Props) {
  const [node, setNode] = useState(nodes[0] ?? "node1");
  const [files, setFiles] = useState<Record<string, string> | null>(null);
  const [path, setPath] = useState("/etc/drbd.d/r0.res");
  const [text, setText] = useState("");
  const [targets, setTargets] = useState<string[]>(nodes);
  const [diagnostics, setDiagnostics] = useState<string[]>([]);
  const [status, setStatus] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await fetch(`/api/labs/sessions/${sessionId}/files?node=${node}`);
    const data = (await res.json().catch(() => ({}))) as { files?: Record<string, string>; error?: string };
    if (!res.ok || !data.files) {
      setStatus(data.error ?? "Impossible de lire les fichiers du nœud.");
      return;
    }
    setFiles(data.files);
  }, [sessionId, node]);

  useEffect(() => {
    void load();
  }, [load]);

  // The learner's unsaved text survives a reload: a draft per lab, node and file.
  useEffect(() => {
    if (!files) return;
    const names = Object.keys(files);
    const p = files[path] !== undefined ? path : (names.find((n) => n.endsWith(".res")) ?? names[0] ?? path);
    if (p !== path) setPath(p);
    setText(localStorage.getItem(draftKey(sessionId, node, p)) ?? files[p] ?? "");
  }, [files, path, node, sessionId]);

  function edit(value: string) {
    setText(value);
    if (files && value !== files[path]) localStorage.setItem(draftKey(sessionId, node, path), value);
    else localStorage.removeItem(draftKey(sessionId, node, path));
  }

  async function apply() {
    setStatus("Écriture…");
    const res = await fetch(`/api/labs/sessions/${sessionId}/files`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path, content: text, nodes: targets }),
    });
    const data = (await res.json().catch(() => ({}))) as { error?: string };
    if (!res.ok) {
      setStatus(data.error ?? "Échec de l’écriture.");
      return;
    }
    for (const n of targets) localStorage.removeItem(draftKey(sessionId, n, path));
    setStatus(`${path} écrit sur ${targets.join(", ")}. Lancez « drbdadm adjust » pour l’appliquer à DRBD.`);
    onApplied(data);
    await load();
  }

  // one object per (files, path): the editor re-checks when `others` changes and reports its
  // diagnostics into this component's state; a new object each render looped forever, and the
  // never-idle page starved Monaco's idle-time tokenization (every token stayed plain, mtk1)
  const others = useMemo(
    () => (files ? Object.fromEntries(Object.entries(files).filter(([p]) => p !== path)) : {}),
    [files, path],
  );
  return (
    // a group, not a landmark: a page can hold several labs' editors (axe landmark-unique)
    <fieldset className="min-w-0 rounded-lg border border-slate-200">
      <legend className="sr-only">Éditeur de configuration DRBD</legend>
      <div className="flex flex-wrap items-end gap-3 border-b border-slate-200 bg-slate-50 px-3 py-2 text-sm">
        <label className="flex flex-col gap-1">
          <span className="text-slate-700">Nœud</span>
          <select
            value={node}
            onChange={(e) => setNode(e.target.value)}
            className="rounded border border-slate-300 px-2 py-1"
          >
            {nodes.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-slate-700">Fichier</span>
          <select
            value={path}
            onChange={(e) => setPath(e.target.value)}
            className="rounded border border-slate-300 px-2 py-1 font-mono"
          >
            {Object.keys(files ?? {}).map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <fieldset className="flex items-center gap-2">
          <legend className="mb-1 text-slate-700">Écrire sur</legend>
          {nodes.map((n) => (
            <label key={n} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={targets.includes(n)}
                onChange={(e) => setTargets(e.target.checked ? [...targets, n] : targets.filter((t) => t !== n))}
              />
              {n}
            </label>
          ))}
        </fieldset>
        <button
          type="button"
          onClick={() => void apply()}
          disabled={targets.length === 0 || !files}
          className="ml-auto rounded bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700 disabled:opacity-50"
        >
          Appliquer au lab
        </button>
      </div>
      {files ? (
        <MonacoClient
          path={path}
          value={text}
          others={others}
          hostname={node}
          onChange={edit}
          onDiagnostics={setDiagnostics}
        />
      ) : null}
      <div className="border-t border-slate-200 px-3 py-2 text-sm" aria-live="polite">
        {diagnostics.length === 0 ? (
          <p className="m-0 text-green-800">Aucune erreur détectée par drbdadm.</p>
        ) : (
          <ul className="m-0 list-none p-0 text-red-800" data-testid="config-diagnostics">
            {diagnostics.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        )}
        {status ? <p className="m-0 mt-1 text-slate-700">{status}</p> : null}
      </div>
    </fieldset>
  );
}
