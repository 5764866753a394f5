"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { StateEvent } from "@/engine/index";
import type { ClusterView } from "@/lib/labs/cluster-view";
import type { ReplayFrame, ReplayStepInfo } from "@/lib/labs/replay";
import { ClusterDiagram } from "../../components/lab/cluster-diagram";
import { fmtS, Timeline } from "./timeline";

interface ReplayData {
  learner: string;
  labId: string;
  steps: ReplayStepInfo[];
  history: (StateEvent & { seq: number })[];
  initial: ClusterView;
  startUs: number;
  endUs: number;
  frame: ReplayFrame;
}

/** The DRBD state of the frame in words (what the diagram draws), for reading and for tests. */
function StateSummary({ cluster }: { cluster: ClusterView }) {
  return (
    <ul className="space-y-1 text-sm" data-testid="replay-state">
      {cluster.nodes.map((n) => (
        <li key={n.name}>
          <span className="font-semibold">{n.name}</span>{" "}
          {n.status !== "running" ? (
            <span>arrêté</span>
          ) : n.resources.length === 0 ? (
            <span>aucune ressource DRBD active</span>
          ) : (
            n.resources.map((r) => (
              <span key={r.name} className="mr-3">
                {r.name} : {r.role}/{r.disk}
                {r.peers.map((p) => (
                  <span key={p.peer}>
                    {" "}
                    — vers {p.peer} : {p.cstate}
                    {p.peerDisk ? `, disque du pair ${p.peerDisk}` : ""}
                  </span>
                ))}
              </span>
            ))
          )}
        </li>
      ))}
    </ul>
  );
}

/** Replay of a lab: slider and step buttons over the commands, the cluster then, the transcripts, the timeline. */
export function ReplayView({ sessionId, initialSeq }: { sessionId: string; initialSeq: number | null }) {
  const [data, setData] = useState<ReplayData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pos, setPos] = useState(-1);
  const [frame, setFrame] = useState<ReplayFrame | null>(null);
  const [terminal, setTerminal] = useState<string | null>(null);
  const frames = useRef(new Map<number, ReplayFrame>());

  useEffect(() => {
    let stop = false;
    fetch(`/api/replay/${sessionId}`, { cache: "no-store" })
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        const d = (await res.json()) as ReplayData;
        if (stop) return;
        frames.current.set(-1, d.frame);
        setData(d);
        let p = d.steps.length - 1;
        if (initialSeq !== null) p = d.steps.filter((s) => s.seq <= initialSeq).length - 1;
        setPos(p);
      })
      .catch(() => !stop && setError("Le lab n’a pas pu être rejoué."));
    return () => {
      stop = true;
    };
  }, [sessionId, initialSeq]);

  const seq = data && pos >= 0 ? (data.steps[pos]?.seq ?? -1) : -1;
  useEffect(() => {
    if (!data) return;
    const cached = frames.current.get(seq);
    if (cached) {
      setFrame(cached);
      return;
    }
    let stop = false;
    fetch(`/api/replay/${sessionId}?at=${seq}`, { cache: "no-store" })
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        const f = ((await res.json()) as { frame: ReplayFrame }).frame;
        frames.current.set(seq, f);
        if (!stop) setFrame(f);
      })
      .catch(() => !stop && setError("Ce moment du lab n’a pas pu être reconstruit."));
    return () => {
      stop = true;
    };
  }, [data, seq, sessionId]);

  const seekUs = useCallback(
    (us: number) => {
      if (!data) return;
      setPos(data.steps.filter((s) => s.atUs <= us).length - 1);
    },
    [data],
  );

  if (error) return <p className="text-red-800">{error}</p>;
  if (!data) return <p aria-live="polite">Rejeu du lab en cours…</p>;
  const n = data.steps.length;
  const step = pos >= 0 ? data.steps[pos] : undefined;
  const terminals = [...new Set(data.steps.filter((s) => s.kind === "exec").map((s) => s.terminal))];
  const shownTerminal = terminal ?? (step?.kind === "exec" ? step.terminal : terminals[0]) ?? null;
  const transcript = data.steps.slice(0, pos + 1).filter((s) => s.kind === "exec" && s.terminal === shownTerminal);
  const button = "rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 disabled:opacity-40";

  return (
    <div className="space-y-4">
      <section aria-label="Position dans le lab" className="rounded-lg border border-slate-200 bg-white p-3">
        <div className="flex flex-wrap items-center gap-2">
          <button type="button" className={button} onClick={() => setPos(-1)} disabled={pos < 0}>
            « Début
          </button>
          <button
            type="button"
            className={button}
            onClick={() => setPos((p) => Math.max(-1, p - 1))}
            disabled={pos < 0}
          >
            ◀ Précédente
          </button>
          <input
            type="range"
            min={-1}
            max={n - 1}
            value={pos}
            onChange={(e) => setPos(Number(e.target.value))}
            aria-label="Commande rejouée"
            aria-valuetext={step ? `commande ${pos + 1} sur ${n} : ${step.input}` : "avant la première commande"}
            className="min-w-48 flex-1"
            data-testid="replay-slider"
          />
          <button
            type="button"
            className={button}
            onClick={() => setPos((p) => Math.min(n - 1, p + 1))}
            disabled={pos >= n - 1}
          >
            Suivante ▶
          </button>
          <button type="button" className={button} onClick={() => setPos(n - 1)} disabled={pos >= n - 1}>
            Fin »
          </button>
        </div>
        <p className="mt-2 text-sm" data-testid="replay-position">
          {step ? (
            <>
              Commande {pos + 1}/{n} à {fmtS(step.atUs)} :{" "}
              <code className="rounded bg-slate-100 px-1">
                {step.kind === "wait" ? `attente ${step.input}` : `${step.terminal}$ ${step.input}`}
              </code>
              {step.kind === "exec" && step.exitCode !== 0 ? (
                <span className="ml-2 text-red-800">code de sortie {step.exitCode}</span>
              ) : null}
            </>
          ) : (
            <>Avant la première commande ({fmtS(data.startUs)}).</>
          )}
        </p>
      </section>

      <section aria-label="Le cluster à ce moment" className="rounded-lg border border-slate-200 bg-white p-3">
        <h2 className="mb-2 font-semibold">Le cluster à ce moment</h2>
        {frame ? (
          <>
            <ClusterDiagram view={frame.cluster} />
            <StateSummary cluster={frame.cluster} />
          </>
        ) : (
          <p aria-live="polite">Reconstruction…</p>
        )}
      </section>

      <section aria-label="Chronologie DRBD" className="rounded-lg border border-slate-200 bg-white p-3">
        <h2 className="mb-2 font-semibold">Chronologie des états DRBD</h2>
        <Timeline
          initial={data.initial}
          history={data.history}
          startUs={data.startUs}
          endUs={data.endUs}
          cursorUs={frame?.atUs ?? data.startUs}
          onSeekUs={seekUs}
        />
      </section>

      <section aria-label="Terminaux" className="rounded-lg border border-slate-200 bg-white p-3">
        <h2 className="mb-2 font-semibold">Terminaux</h2>
        <fieldset className="mb-2 flex flex-wrap gap-2">
          <legend className="sr-only">Terminal affiché</legend>
          {terminals.map((t) => (
            <button
              key={t}
              type="button"
              aria-pressed={t === shownTerminal}
              onClick={() => setTerminal(t)}
              className={`${button} ${t === shownTerminal ? "bg-slate-800 text-white hover:bg-slate-700" : ""}`}
            >
              {t}
            </button>
          ))}
        </fieldset>
        <pre
          className="max-h-96 overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100"
          data-testid="replay-terminal"
        >
          {transcript.length === 0
            ? "(rien encore dans ce terminal)"
            : transcript.map((s) => `${s.prompt}${s.input}\n${s.output}`).join("")}
        </pre>
      </section>
    </div>
  );
}
