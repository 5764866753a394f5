"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import type { ClassView } from "@/lib/grading/class-view";

type Sort = { by: "name" | "total" | string; dir: 1 | -1 };

/** Colour by band, always with the number written in the cell (colour is never the only cue). */
function cellClass(percent: number): string {
  if (percent >= 100) return "bg-emerald-700 text-white";
  if (percent >= 75) return "bg-emerald-200 text-emerald-950";
  if (percent >= 50) return "bg-amber-200 text-amber-950";
  if (percent > 0) return "bg-orange-300 text-orange-950";
  return "bg-red-200 text-red-950";
}

const PARIS = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "2-digit",
  month: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** "25/11 21:22" built from the digits only: the server's and the browser's ICU may space differently. */
function dateFr(iso: string): string {
  const p = Object.fromEntries(PARIS.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month} ${p.hour}:${p.minute}`;
}

/** Students × exercises: best score %, attempts, last activity; sortable and filterable. */
export function Heatmap({ view, cohortId }: { view: ClassView; cohortId: string }) {
  const chapters = [...new Set(view.exercises.map((e) => e.chapter))];
  const [chapter, setChapter] = useState("");
  const [strugglingOnly, setStrugglingOnly] = useState(false);
  const [sort, setSort] = useState<Sort>({ by: "name", dir: 1 });
  const exercises = view.exercises.filter((e) => chapter === "" || e.chapter === chapter);
  const students = useMemo(() => {
    const key = (s: ClassView["students"][number]): number | string =>
      sort.by === "name" ? s.name : sort.by === "total" ? s.totalPercent : (view.cells[s.id]?.[sort.by]?.percent ?? -1);
    return view.students
      .filter((s) => !strugglingOnly || s.struggling)
      .sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        const c = typeof ka === "string" ? ka.localeCompare(kb as string, "fr") : ka - (kb as number);
        return c * sort.dir || a.name.localeCompare(b.name, "fr");
      });
  }, [view, sort, strugglingOnly]);
  const sortBy = (by: string) =>
    setSort((s) => ({ by, dir: s.by === by ? (-s.dir as 1 | -1) : by === "name" ? 1 : -1 }));
  const ariaSort = (by: string) => (sort.by === by ? (sort.dir === 1 ? "ascending" : "descending") : "none");
  const arrow = (by: string) => (sort.by === by ? (sort.dir === 1 ? " ▲" : " ▼") : "");

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center gap-4 text-sm">
        <label className="flex items-center gap-2">
          Chapitre
          <select value={chapter} onChange={(e) => setChapter(e.target.value)} className="rounded border p-1">
            <option value="">Tous</option>
            {chapters.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={strugglingOnly} onChange={(e) => setStrugglingOnly(e.target.checked)} />
          En difficulté seulement (≥ 3 tentatives sous 50 % sur un exercice)
        </label>
        <span className="text-slate-500">
          {students.length} / {view.students.length} étudiant·es
        </span>
      </div>
      <div className="overflow-x-auto">
        <table className="text-left text-xs" data-testid="heatmap">
          <caption className="sr-only">Meilleur score par étudiant·e et par exercice</caption>
          <thead>
            <tr>
              <th scope="col" aria-sort={ariaSort("name")} className="sticky left-0 bg-white p-1">
                <button type="button" onClick={() => sortBy("name")} className="font-semibold hover:underline">
                  Étudiant·e{arrow("name")}
                </button>
              </th>
              <th scope="col" aria-sort={ariaSort("total")} className="p-1">
                <button type="button" onClick={() => sortBy("total")} className="font-semibold hover:underline">
                  Total{arrow("total")}
                </button>
              </th>
              {exercises.map((e) => (
                <th key={e.id} scope="col" aria-sort={ariaSort(e.id)} className="p-1 text-center" title={e.title}>
                  <button type="button" onClick={() => sortBy(e.id)} className="font-mono hover:underline">
                    {e.id}
                    {arrow(e.id)}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {students.map((s) => (
              <tr key={s.id} data-student={s.email}>
                <th scope="row" className="sticky left-0 whitespace-nowrap bg-white p-1 pr-3 font-medium">
                  {s.name}
                  {s.struggling ? <span className="ml-1 text-red-700">(en difficulté)</span> : null}
                </th>
                <td className="p-1 text-center font-semibold tabular-nums">{s.totalPercent} %</td>
                {exercises.map((e) => {
                  const c = view.cells[s.id]?.[e.id];
                  if (!c)
                    return (
                      <td key={e.id} className="p-0.5 text-center text-slate-500" data-exercise={e.id}>
                        <span className="sr-only">non tenté</span>–
                      </td>
                    );
                  return (
                    <td key={e.id} className="p-0.5" data-exercise={e.id}>
                      <Link
                        href={`/formateur/classes/${cohortId}/etudiants/${s.id}?exercice=${encodeURIComponent(e.id)}`}
                        className={`block min-w-14 rounded px-1 py-0.5 text-center tabular-nums ${cellClass(c.percent)}`}
                        title={`${s.name} — ${e.id} : ${c.percent} %, ${c.attempts} tentative(s), dernière activité ${dateFr(c.lastActivityAt)}`}
                      >
                        <span className="block font-semibold">{c.percent} %</span>
                        <span className="block text-[10px]">
                          {c.attempts} tent. · {dateFr(c.lastActivityAt).slice(0, 5)}
                        </span>
                      </Link>
                      {c.replay ? (
                        <Link
                          href={`/rejouer/${c.replay.sessionId}?seq=${c.replay.seq}`}
                          className="block text-center text-[10px] text-brand-700 underline"
                        >
                          rejouer<span className="sr-only"> le lab de {s.name} au moment corrigé</span>
                        </Link>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="mt-2 text-xs text-slate-500">
        Légende : 100 % vert foncé · 75–99 % vert · 50–74 % jaune · 1–49 % orange · 0 % rouge · – non tenté. Cliquez sur
        une case pour voir les tentatives.
      </p>
    </div>
  );
}
