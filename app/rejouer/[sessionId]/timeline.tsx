"use client";

import type { StateEvent } from "@/engine/index";
import type { ClusterView } from "@/lib/labs/cluster-view";

/** One swimlane: a node's resource's role, disk, or connection to a peer, as segments over virtual time. */
interface Lane {
  key: string;
  label: string;
  segments: { fromUs: number; toUs: number; value: string }[];
}

type HistoryEvent = StateEvent & { seq: number };

const COLORS: Record<string, string> = {
  Primary: "#1d4ed8",
  Secondary: "#64748b",
  UpToDate: "#15803d",
  Connected: "#15803d",
  Established: "#15803d",
  Inconsistent: "#b45309",
  Outdated: "#b45309",
  Consistent: "#b45309",
  Connecting: "#b45309",
  Attaching: "#b45309",
  Negotiating: "#b45309",
  StandAlone: "#b91c1c",
  Diskless: "#b91c1c",
  Failed: "#b91c1c",
  DUnknown: "#b91c1c",
  NetworkFailure: "#b91c1c",
  BrokenPipe: "#b91c1c",
  Timeout: "#b91c1c",
  Unconnected: "#b91c1c",
};
const colorOf = (v: string) => COLORS[v] ?? (v === "—" ? "#e2e8f0" : "#7c3aed");

/** The lanes of every node/resource from the state before the first row and the typed history. */
export function buildLanes(initial: ClusterView, history: HistoryEvent[], startUs: number, endUs: number): Lane[] {
  const lanes = new Map<string, Lane>();
  const current = new Map<string, { value: string; fromUs: number }>();
  const set = (key: string, label: string, value: string, atUs: number) => {
    let lane = lanes.get(key);
    if (!lane) {
      lane = { key, label, segments: [] };
      lanes.set(key, lane);
    }
    const cur = current.get(key);
    if (cur?.value === value) return;
    // a value that lasted no virtual time is replaced (a transition through it in one step)
    if (cur && atUs > cur.fromUs) lane.segments.push({ fromUs: cur.fromUs, toUs: atUs, value: cur.value });
    current.set(key, { value, fromUs: atUs });
  };
  const roleKey = (n: string, r: string) => [`${n}/${r}/1-role`, `${n} · ${r} · rôle`] as const;
  const diskKey = (n: string, r: string) => [`${n}/${r}/2-disk`, `${n} · ${r} · disque`] as const;
  const connKey = (n: string, r: string, p: string) => [`${n}/${r}/3-conn/${p}`, `${n} · ${r} → ${p}`] as const;
  for (const node of initial.nodes)
    for (const r of node.resources) {
      set(...roleKey(node.name, r.name), r.role, startUs);
      set(...diskKey(node.name, r.name), r.disk, startUs);
      for (const p of r.peers) set(...connKey(node.name, r.name, p.peer), p.cstate, startUs);
    }
  for (const e of history) {
    if (e.kind === "create") {
      set(...roleKey(e.node, e.resource), "Secondary", e.atUs);
      set(...diskKey(e.node, e.resource), "Diskless", e.atUs);
    } else if (e.kind === "destroy") {
      for (const [key] of current)
        if (key.startsWith(`${e.node}/${e.resource}/`)) {
          const lane = lanes.get(key) as Lane;
          set(key, lane.label, "—", e.atUs);
        }
    } else if (e.kind === "change") {
      for (const c of e.changes) {
        if (e.object === "resource" && c.field === "role") set(...roleKey(e.node, e.resource), c.to, e.atUs);
        if (e.object === "device" && c.field === "disk" && (e.volume ?? 0) === 0)
          set(...diskKey(e.node, e.resource), c.to, e.atUs);
        if (e.object === "connection" && c.field === "connection" && e.peer)
          set(...connKey(e.node, e.resource, e.peer), c.to, e.atUs);
      }
    }
  }
  for (const [key, cur] of current) {
    const lane = lanes.get(key) as Lane;
    lane.segments.push({ fromUs: cur.fromUs, toUs: Math.max(endUs, cur.fromUs), value: cur.value });
  }
  return [...lanes.values()].sort((a, b) => a.key.localeCompare(b.key));
}

const LABEL_W = 170;
const W = 900;
const LANE_H = 22;

/**
 * Swimlanes of DRBD states per node/resource over virtual time (role, disk, connection), with
 * the split brains marked and a cursor at the moment shown; a click moves there.
 */
export function Timeline({
  initial,
  history,
  startUs,
  endUs,
  cursorUs,
  onSeekUs,
}: {
  initial: ClusterView;
  history: HistoryEvent[];
  startUs: number;
  endUs: number;
  cursorUs: number;
  onSeekUs: (us: number) => void;
}) {
  const lanes = buildLanes(initial, history, startUs, endUs);
  const span = Math.max(1, endUs - startUs);
  const x = (us: number) => LABEL_W + ((us - startUs) / span) * (W - LABEL_W);
  const H = lanes.length * LANE_H + 24;
  const splitBrains = history.filter((e) => e.kind === "split-brain");
  return (
    <figure>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: a mouse shortcut; the slider and the step buttons seek from the keyboard */}
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="w-full rounded border border-slate-200 bg-white"
        role="img"
        aria-label="Chronologie des états DRBD par nœud et ressource"
        onClick={(ev) => {
          const box = (ev.currentTarget as SVGSVGElement).getBoundingClientRect();
          const px = ((ev.clientX - box.left) / box.width) * W;
          if (px >= LABEL_W) onSeekUs(startUs + ((px - LABEL_W) / (W - LABEL_W)) * span);
        }}
      >
        {lanes.map((lane, i) => (
          <g key={lane.key} transform={`translate(0 ${i * LANE_H + 4})`}>
            <text x={4} y={LANE_H / 2 + 4} fontSize={11} fill="#334155">
              {lane.label}
            </text>
            {lane.segments.map((s) => {
              const x0 = x(s.fromUs);
              const w = Math.max(1, x(s.toUs) - x0);
              return (
                <g key={`${s.fromUs}-${s.value}`}>
                  <rect x={x0} y={2} width={w} height={LANE_H - 6} fill={colorOf(s.value)} opacity={0.85}>
                    <title>{`${lane.label} : ${s.value}`}</title>
                  </rect>
                  {w > 60 ? (
                    <text x={x0 + 3} y={LANE_H / 2 + 3} fontSize={10} fill={s.value === "—" ? "#334155" : "#fff"}>
                      {s.value}
                    </text>
                  ) : null}
                </g>
              );
            })}
          </g>
        ))}
        {splitBrains.map((e) => (
          <g key={e.id}>
            <line x1={x(e.atUs)} x2={x(e.atUs)} y1={0} y2={H - 20} stroke="#b91c1c" strokeDasharray="3 2" />
            <title>{`Split-brain (${e.node})`}</title>
          </g>
        ))}
        <line x1={x(cursorUs)} x2={x(cursorUs)} y1={0} y2={H - 16} stroke="#0f172a" strokeWidth={2} />
        <text x={LABEL_W} y={H - 4} fontSize={10} fill="#475569">
          {fmtS(startUs)}
        </text>
        <text x={W - 4} y={H - 4} fontSize={10} fill="#475569" textAnchor="end">
          {fmtS(endUs)}
        </text>
      </svg>
      <figcaption className="mt-1 text-xs text-slate-600">
        Temps virtuel du lab ; trait pointillé rouge : split-brain détecté. Cliquez pour aller à ce moment.
      </figcaption>
    </figure>
  );
}

export function fmtS(us: number): string {
  return `${(us / 1_000_000).toFixed(1).replace(".", ",")} s`;
}
