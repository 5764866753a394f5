"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { ConfigEditor } from "../editor/config-editor";
import {
  advanceLab,
  type ClusterView,
  execStreamed,
  interruptLab,
  type LabSnapshot,
  openLab,
  type TabView,
} from "./api";
import { BenchmarkChart } from "./benchmark-chart";
import { ClusterDiagram } from "./cluster-diagram";
import { RunButtons } from "./code-buttons";
import { type TerminalHandle, TerminalView } from "./terminal-view";

const TAB_LABEL: Record<string, string> = { host: "hôte" };
/** How often the page lets the lab's virtual time catch up with real time while idle. */
const TICK_MS = 2000;
const openedKey = (id: string) => `drbd-lab:opened:${id}`;

/** A chapter's lab: machine tabs with terminals, the live cluster figure, reset buttons. */
export function LabPanel({ labId, anchorId }: { labId: string; anchorId: string }) {
  const [snap, setSnap] = useState<LabSnapshot | null>(null);
  const [tabs, setTabs] = useState<TabView[]>([]);
  const [cluster, setCluster] = useState<ClusterView | null>(null);
  const [active, setActive] = useState("host");
  // A tab's terminal is created when first shown: xterm measures its box, hidden ones have none.
  const [visited, setVisited] = useState<ReadonlySet<string>>(new Set(["host"]));
  useEffect(() => {
    setVisited((v) => (v.has(active) ? v : new Set([...v, active])));
  }, [active]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [epoch, setEpoch] = useState(0);
  const [editorOpen, setEditorOpen] = useState(false);
  const [benchRuns, setBenchRuns] = useState(0);
  // The server renders the button disabled: a click before hydration would be lost.
  const [hydrated, setHydrated] = useState(false);
  const terminals = useRef(new Map<string, TerminalHandle>());
  /** The learner opened the lab or typed in it: a terminal created now takes the keyboard. */
  const engaged = useRef(false);
  const tabsRef = useRef<TabView[]>([]);
  const lastSync = useRef(Date.now());
  const inFlight = useRef(0);
  tabsRef.current = tabs;

  const load = useCallback(
    async (mode: "resume" | "reset" | "previous") => {
      setLoading(true);
      setError(null);
      try {
        const s = await openLab(labId, mode);
        localStorage.setItem(openedKey(labId), "1");
        setSnap(s);
        setTabs(s.tabs);
        setCluster(s.cluster);
        setActive("host");
        setVisited(new Set(["host"]));
        setEpoch((e) => e + 1);
        lastSync.current = Date.now();
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setLoading(false);
      }
    },
    [labId],
  );

  useEffect(() => {
    setHydrated(true);
    if (localStorage.getItem(openedKey(labId))) void load("resume");
  }, [labId, load]);

  // Virtual time follows real time while the learner reads (a resync goes on).
  useEffect(() => {
    if (!snap) return;
    const id = setInterval(() => {
      const elapsed = Date.now() - lastSync.current;
      if (document.hidden || inFlight.current > 0 || elapsed < 1000) return;
      lastSync.current = Date.now();
      inFlight.current++;
      advanceLab(snap.session.id, Math.min(elapsed, 30_000))
        .then((r) => {
          setCluster(r.cluster);
          setTabs(r.tabs);
        })
        .catch(() => undefined)
        .finally(() => {
          inFlight.current--;
        });
    }, TICK_MS);
    return () => clearInterval(id);
  }, [snap]);

  const runIn = useCallback(
    (machine: string) =>
      async (line: string, write: (text: string) => void): Promise<void> => {
        if (!snap) throw new Error("Le lab n’est pas ouvert.");
        engaged.current = true;
        const terminal = tabsRef.current.find((t) => t.machine === machine)?.terminal ?? machine;
        inFlight.current++;
        try {
          // the output and the cluster figure follow the command while it runs
          const r = await execStreamed(snap.session.id, terminal, line, { onOutput: write, onCluster: setCluster });
          setTabs(r.tabs);
          setCluster(r.cluster);
          if (r.machineAfter !== machine) setActive(r.machineAfter);
          if (/benchmark\.sh/.test(line)) setBenchRuns((n) => n + 1);
        } finally {
          inFlight.current--;
          lastSync.current = Date.now();
        }
      },
    [snap],
  );

  const onRun = useCallback(
    async (machine: string, commands: string[]) => {
      if (!snap) await load("resume");
      setActive(machine);
      // the terminal may mount only now: wait a frame for its handle
      for (let i = 0; i < 50 && !terminals.current.get(machine); i++) await new Promise((r) => setTimeout(r, 50));
      const t = terminals.current.get(machine);
      document.getElementById(anchorId)?.scrollIntoView({ behavior: "smooth", block: "start" });
      await t?.run(commands);
    },
    [snap, load, anchorId],
  );

  const machines = tabs.length ? tabs.map((t) => t.machine) : ["host", "node1", "node2", "node3", "node4"];

  return (
    <section
      id={anchorId}
      data-lab={labId}
      aria-label={`Lab ${labId}`}
      className="not-prose my-8 rounded-xl border border-slate-300 bg-white shadow-sm"
    >
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-3">
        <h2 className="!m-0 !border-0 !p-0 !text-base font-semibold text-slate-900">
          Lab {labId.toUpperCase()} : cluster simulé
        </h2>
        {snap ? (
          <div className="flex gap-2">
            <a
              href={`/rejouer/${snap.session.id}`}
              className="rounded border border-slate-300 px-2.5 py-1 text-sm text-slate-700 hover:bg-slate-100"
            >
              Rejouer<span className="sr-only"> ce lab commande par commande</span>
            </a>
            <button
              type="button"
              disabled={loading}
              onClick={() => {
                if (window.confirm("Réinitialiser le lab ? Vous repartez du début de ce TP.")) void load("reset");
              }}
              className="rounded border border-slate-300 px-2.5 py-1 text-sm text-slate-700 hover:bg-slate-100"
            >
              Réinitialiser
            </button>
            {snap.session.previousAvailable ? (
              <button
                type="button"
                disabled={loading}
                onClick={() => {
                  if (window.confirm("Repartir de la fin du TP précédent (solution de référence) ?"))
                    void load("previous");
                }}
                className="rounded border border-slate-300 px-2.5 py-1 text-sm text-slate-700 hover:bg-slate-100"
              >
                Repartir de la fin du TP précédent
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="m-0 px-4 py-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {!snap ? (
        <div className="px-4 py-6">
          <p className="m-0 mb-3 text-sm text-slate-700">
            Un cluster DRBD simulé vous attend : un hôte Docker et ses nœuds. Vos commandes y sont enregistrées ; vous
            retrouverez le lab tel que vous l’avez laissé.
          </p>
          <button
            type="button"
            onClick={() => {
              engaged.current = true;
              void load("resume");
            }}
            disabled={loading || !hydrated}
            className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
          >
            {loading ? "Ouverture…" : "Ouvrir le lab"}
          </button>
        </div>
      ) : (
        <div key={epoch} className="grid grid-cols-[minmax(0,1fr)] gap-4 p-4">
          <div>
            <div role="tablist" aria-label="Machines" className="flex gap-1">
              {tabs.map((t) => (
                <button
                  key={t.machine}
                  type="button"
                  role="tab"
                  id={`${anchorId}-tab-${t.machine}`}
                  aria-selected={active === t.machine}
                  aria-controls={`${anchorId}-panel-${t.machine}`}
                  onClick={() => setActive(t.machine)}
                  className={`rounded-t-md px-3 py-1.5 font-mono text-sm ${
                    active === t.machine ? "bg-slate-900 text-white" : "bg-slate-200 text-slate-800 hover:bg-slate-300"
                  }`}
                >
                  {TAB_LABEL[t.machine] ?? t.machine}
                </button>
              ))}
            </div>
            {tabs.map((t) => (
              <div
                key={t.machine}
                role="tabpanel"
                id={`${anchorId}-panel-${t.machine}`}
                aria-labelledby={`${anchorId}-tab-${t.machine}`}
                hidden={active !== t.machine}
              >
                {visited.has(t.machine) ? (
                  <TerminalView
                    ref={(h) => {
                      if (h) terminals.current.set(t.machine, h);
                      else terminals.current.delete(t.machine);
                    }}
                    machine={t.machine}
                    active={active === t.machine}
                    prompt={t.prompt}
                    scrollback={snap.transcript}
                    onCommand={runIn(t.machine)}
                    onInterrupt={() => void interruptLab(snap.session.id).catch(() => undefined)}
                    focusOnOpen={engaged.current}
                  />
                ) : null}
              </div>
            ))}
          </div>
          {cluster ? <ClusterDiagram view={cluster} /> : null}
          <BenchmarkChart refreshKey={benchRuns} />
          <div>
            <button
              type="button"
              aria-expanded={editorOpen}
              onClick={() => setEditorOpen((o) => !o)}
              className="rounded border border-slate-300 px-2.5 py-1 text-sm text-slate-700 hover:bg-slate-100"
            >
              {editorOpen ? "Fermer l’éditeur de configuration" : "Éditeur de configuration"}
            </button>
            {editorOpen ? (
              <div className="mt-3">
                <ConfigEditor
                  sessionId={snap.session.id}
                  nodes={tabs.filter((t) => t.machine !== "host").map((t) => t.machine)}
                  onApplied={(reply) => {
                    const r = reply as { tabs?: TabView[]; cluster?: ClusterView };
                    if (r.tabs) setTabs(r.tabs);
                    if (r.cluster) setCluster(r.cluster);
                  }}
                />
              </div>
            ) : null}
          </div>
        </div>
      )}
      <RunButtons anchorId={anchorId} machines={machines} onRun={(m, c) => void onRun(m, c)} />
    </section>
  );
}
