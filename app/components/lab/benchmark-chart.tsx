"use client";

import { useEffect, useState } from "react";
import { frNumber } from "@/lib/grading/format";

export interface BenchmarkPoint {
  id: string;
  protocol: string;
  throughputMBs: number;
  latencyMs: number;
  params: { netem?: string };
  createdAt: string;
}

const COLORS: Record<string, string> = { A: "#2563eb", B: "#b45309", C: "#15803d" };

function Bars({
  runs,
  value,
  unit,
  title,
}: {
  runs: BenchmarkPoint[];
  value: (r: BenchmarkPoint) => number;
  unit: string;
  title: string;
}) {
  const max = Math.max(...runs.map(value), 1);
  const barW = 36;
  const gap = 14;
  const h = 160;
  const width = Math.max(240, runs.length * (barW + gap) + gap);
  return (
    <figure className="m-0">
      <figcaption className="mb-1 text-sm font-medium text-slate-800">{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${h + 40}`} className="h-auto w-full max-w-xl" aria-hidden="true" role="presentation">
        <line x1={0} y1={h} x2={width} y2={h} stroke="#94a3b8" />
        {runs.map((r, i) => {
          const v = value(r);
          const bh = (v / max) * (h - 20);
          const x = gap + i * (barW + gap);
          return (
            <g key={r.id}>
              <rect x={x} y={h - bh} width={barW} height={bh} fill={COLORS[r.protocol] ?? "#475569"} rx={3} />
              <text x={x + barW / 2} y={h - bh - 4} fontSize={11} textAnchor="middle" fill="#0f172a">
                {v < 10 ? frNumber(v, { minDecimals: 2 }) : frNumber(Math.round(v))}
              </text>
              <text x={x + barW / 2} y={h + 16} fontSize={12} textAnchor="middle" fill="#0f172a">
                {r.protocol}
              </text>
              <text x={x + barW / 2} y={h + 32} fontSize={10} textAnchor="middle" fill="#64748b">
                #{i + 1}
              </text>
            </g>
          );
        })}
        <text x={width - 4} y={12} fontSize={11} textAnchor="end" fill="#64748b">
          {unit}
        </text>
      </svg>
    </figure>
  );
}

/** The learner's `benchmark.sh write` runs: throughput and latency per protocol, to compare. */
export function BenchmarkChart({ refreshKey }: { refreshKey: number }) {
  const [runs, setRuns] = useState<BenchmarkPoint[] | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey changes when a benchmark ran
  useEffect(() => {
    void fetch("/api/labs/benchmarks")
      .then((r) => (r.ok ? (r.json() as Promise<{ runs: BenchmarkPoint[] }>) : { runs: [] }))
      .then((d) => setRuns(d.runs))
      .catch(() => setRuns([]));
  }, [refreshKey]);
  if (!runs || runs.length === 0) return null;
  return (
    <section
      aria-label="Mes mesures de performance"
      className="rounded-lg border border-slate-200 p-3"
      data-testid="benchmarks"
    >
      <h3 className="!m-0 !mb-2 !text-base font-semibold text-slate-900">Mes mesures (benchmark.sh write)</h3>
      <div className="grid gap-4 md:grid-cols-2">
        <Bars
          runs={runs}
          value={(r) => r.throughputMBs}
          unit="Mo/s"
          title="Débit en écriture séquentielle (plus haut = mieux)"
        />
        <Bars
          runs={runs}
          value={(r) => r.latencyMs}
          unit="ms"
          title="Latence d’une écriture 4 KiB (plus bas = mieux)"
        />
      </div>
      {/* a phone scrolls the table, not the page */}
      <div className="mt-3 overflow-x-auto">
        <table className="w-full text-sm">
          <caption className="sr-only">Mesures par exécution</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Protocole</th>
              <th scope="col">Débit (Mo/s)</th>
              <th scope="col">Latence (ms)</th>
              <th scope="col">Réseau</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r, i) => (
              <tr key={r.id}>
                <td>{i + 1}</td>
                <td>{r.protocol}</td>
                <td>{frNumber(Math.round(r.throughputMBs))}</td>
                <td>{frNumber(r.latencyMs)}</td>
                <td>{r.params.netem ?? "LAN"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
