"use client";

import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import type { LiveClass, LiveLearner } from "@/lib/instructor/live";
import { Badge } from "../../../components/ui/badge";

/** How often the live view asks the server again. */
const REFRESH_MS = 5000;

type Sort = "stuck" | "name" | "recent";
type Filter = "all" | "stuck" | "active";

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `il y a ${s} s`;
  if (s < 3600) return `il y a ${Math.floor(s / 60)} min`;
  return `il y a ${Math.floor(s / 3600)} h`;
}

function shortTitle(l: LiveLearner): string {
  return l.lab ? (l.lab.title.split(" : ")[0] ?? l.lab.labId) : "";
}

/** The class right now, refreshed every few seconds: who works on what, what holds, who is stuck. */
export function LiveView({ cohortId, initial }: { cohortId: string; initial: LiveClass }) {
  const [data, setData] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState<Sort>("stuck");
  const [filter, setFilter] = useState<Filter>("all");
  const [now, setNow] = useState(() => new Date(initial.now).getTime());

  useEffect(() => {
    let stop = false;
    const tick = async () => {
      try {
        const res = await fetch(`/api/formateur/classes/${cohortId}/live`, { cache: "no-store" });
        if (!res.ok) throw new Error(String(res.status));
        const next = (await res.json()) as LiveClass;
        if (stop) return;
        setData(next);
        setNow(new Date(next.now).getTime());
        setError(null);
      } catch {
        if (!stop) setError("Actualisation impossible pour l’instant ; nouvel essai dans quelques secondes.");
      }
    };
    const t = setInterval(tick, REFRESH_MS);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [cohortId]);

  const rows = useMemo(() => {
    const list = data.learners.filter((l) =>
      filter === "stuck" ? l.stuck.length > 0 : filter === "active" ? l.lab !== null : true,
    );
    const recent = (l: LiveLearner) => (l.lastCommand ? new Date(l.lastCommand.at).getTime() : 0);
    return [...list].sort((a, b) =>
      sort === "name"
        ? a.name.localeCompare(b.name)
        : sort === "recent"
          ? recent(b) - recent(a)
          : b.stuck.length - a.stuck.length || a.name.localeCompare(b.name),
    );
  }, [data, sort, filter]);
  const stuckCount = data.learners.filter((l) => l.stuck.length > 0).length;

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-end gap-4 text-sm">
        <label className="flex flex-col gap-1">
          <span className="text-slate-600">Trier par</span>
          <select
            value={sort}
            onChange={(e) => setSort(e.target.value as Sort)}
            className="rounded-md border border-slate-300 px-2 py-1"
          >
            <option value="stuck">Bloqué·es d’abord</option>
            <option value="recent">Activité la plus récente</option>
            <option value="name">Nom</option>
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-slate-600">Afficher</span>
          <select
            value={filter}
            onChange={(e) => setFilter(e.target.value as Filter)}
            className="rounded-md border border-slate-300 px-2 py-1"
          >
            <option value="all">Tout le monde</option>
            <option value="stuck">Seulement les bloqué·es ({stuckCount})</option>
            <option value="active">Avec un lab en cours</option>
          </select>
        </label>
        <p className="text-xs text-slate-500" aria-live="polite">
          Actualisé toutes les {REFRESH_MS / 1000} s. {error}
        </p>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="live-view">
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th scope="col" className="p-2">
                Étudiant·e
              </th>
              <th scope="col" className="p-2">
                Lab
              </th>
              <th scope="col" className="p-2">
                Vérifications qui tiennent
              </th>
              <th scope="col" className="p-2">
                Dernière commande
              </th>
              <th scope="col" className="p-2">
                État
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((l) => (
              <tr key={l.id} className="border-b border-slate-100 align-top" data-learner={l.email}>
                <th scope="row" className="p-2 font-medium">
                  {l.name}
                </th>
                <td className="p-2">
                  {l.lab ? (
                    <>
                      {l.lab.title}
                      <Link
                        href={`/rejouer/${l.lab.sessionId}`}
                        className="ml-2 text-brand-700 underline hover:text-brand-900"
                      >
                        Rejouer<span className="sr-only"> le lab de {l.name}</span>
                      </Link>
                    </>
                  ) : (
                    <span className="text-slate-500">aucun lab ouvert</span>
                  )}
                </td>
                <td className="p-2" data-testid="checks">
                  {l.checks ? (
                    <span title={l.checks.labels.join("\n")}>
                      <span className="font-semibold tabular-nums">
                        {shortTitle(l)} : {l.checks.held}/{l.checks.total}
                      </span>
                      {l.checks.labels.length > 0 ? (
                        <ul className="mt-1 list-disc pl-4 text-xs text-slate-600">
                          {l.checks.labels.map((c) => (
                            <li key={c}>{c}</li>
                          ))}
                        </ul>
                      ) : null}
                    </span>
                  ) : (
                    <span className="text-slate-500">–</span>
                  )}
                </td>
                <td className="p-2">
                  {l.lastCommand ? (
                    <>
                      <code className="rounded bg-slate-100 px-1 text-xs">
                        {l.lastCommand.target}$ {l.lastCommand.input}
                      </code>
                      <span className="ml-1 text-xs text-slate-600">{ago(l.lastCommand.at, now)}</span>
                    </>
                  ) : (
                    <span className="text-slate-500">–</span>
                  )}
                </td>
                <td className="p-2" data-testid="status">
                  {l.alerts.map((a) => (
                    <p key={a} className="text-red-800">
                      ⚠ {a}
                    </p>
                  ))}
                  {l.stuck.length > 0 ? (
                    <div>
                      <Badge tone="warning">bloqué·e</Badge>
                      <ul className="mt-1 list-disc pl-4 text-xs text-amber-900">
                        {l.stuck.map((r) => (
                          <li key={r}>{r}</li>
                        ))}
                      </ul>
                    </div>
                  ) : l.alerts.length === 0 && l.lab ? (
                    <span className="text-slate-600">en cours</span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? <p className="p-2 text-sm text-slate-600">Personne dans ce filtre.</p> : null}
      </div>
    </div>
  );
}
