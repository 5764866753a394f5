import type { ClusterView, NodeView } from "@/lib/labs/cluster-view";

const ROLE_FR: Record<string, string> = { Primary: "Primaire", Secondary: "Secondaire", Unknown: "inconnu" };
const STATUS_FR: Record<NodeView["status"], string> = {
  running: "en marche",
  stopped: "arrêté (crash)",
  absent: "conteneur non créé",
};
const LINK_FR = {
  up: "lien actif",
  partitioned: "lien coupé",
  latency: "lien ralenti",
  down: "un nœud est arrêté",
} as const;

function diskColor(disk: string): string {
  if (disk === "UpToDate") return "#15803d";
  if (disk === "Inconsistent" || disk === "Outdated") return "#b45309";
  if (disk === "Failed" || disk === "Diskless") return "#b91c1c";
  return "#475569";
}

/** One sentence per node and link: the text twin read by screen readers. */
export function describeCluster(view: ClusterView): string[] {
  const lines = view.nodes.map((n) => {
    if (n.status !== "running") return `${n.name} : ${STATUS_FR[n.status]}.`;
    const res = n.resources.map((r) => {
      const peers = r.peers.map(
        (p) =>
          `vers ${p.peer} : ${p.cstate}${p.replication ? `, ${p.replication}` : ""}${p.peerDisk ? `, disque du pair ${p.peerDisk}` : ""}${p.done !== null ? `, synchronisation ${p.done} %` : ""}`,
      );
      return `${r.name} ${ROLE_FR[r.role] ?? r.role}, disque ${r.disk}${peers.length ? ` ; ${peers.join(" ; ")}` : ""}`;
    });
    const mounted = n.mounts.length ? `monté sur ${n.mounts.map((m) => m.mountpoint).join(", ")}` : "non monté";
    return `${n.name} : en marche, ${res.length ? res.join(" ; ") : "DRBD non démarré"}, ${mounted}.`;
  });
  for (const l of view.links)
    lines.push(`Lien ${l.a}–${l.b} : ${LINK_FR[l.state]}${l.state === "latency" ? ` (${l.latencyMs} ms)` : ""}.`);
  return lines;
}

const W = 250;
const GAP = 90;

/** The workshop's architecture figure, live: a box per node, the replication link between them. */
export function ClusterDiagram({ view }: { view: ClusterView }) {
  const width = view.nodes.length * W + (view.nodes.length - 1) * GAP;
  const height = 190;
  const x = (i: number) => i * (W + GAP);
  return (
    <div data-testid="cluster-view">
      <svg viewBox={`0 0 ${width} ${height}`} className="h-auto w-full" aria-hidden="true" role="presentation">
        {view.links.map((l) => {
          const i = view.nodes.findIndex((n) => n.name === l.a);
          const j = view.nodes.findIndex((n) => n.name === l.b);
          if (j !== i + 1) return null; // neighbours only: the figure stays readable
          const y = 95;
          const color = { up: "#15803d", partitioned: "#b91c1c", latency: "#b45309", down: "#94a3b8" }[l.state];
          return (
            <g key={`${l.a}-${l.b}`}>
              <line
                x1={x(i) + W}
                y1={y}
                x2={x(j)}
                y2={y}
                stroke={color}
                strokeWidth={3}
                strokeDasharray={l.state === "partitioned" || l.state === "down" ? "6 6" : undefined}
              />
              <text x={x(i) + W + GAP / 2} y={y - 8} textAnchor="middle" fontSize={12} fill={color}>
                {{ up: "réplication", partitioned: "coupé", latency: `${l.latencyMs} ms`, down: "" }[l.state]}
              </text>
            </g>
          );
        })}
        {view.nodes.map((n, i) => {
          const r = n.resources[0];
          const peer = r?.peers[0];
          const down = n.status !== "running";
          return (
            <g key={n.name} transform={`translate(${x(i)},0)`} data-node={n.name}>
              <rect
                x={1}
                y={1}
                width={W - 2}
                height={height - 2}
                rx={10}
                fill={down ? "#f1f5f9" : "#ffffff"}
                stroke={down ? "#94a3b8" : "#1d4ed8"}
                strokeWidth={2}
              />
              <text x={14} y={26} fontSize={16} fontWeight={700} fill="#0f172a">
                {n.name}
              </text>
              <text x={W - 14} y={26} fontSize={12} textAnchor="end" fill={down ? "#b91c1c" : "#15803d"}>
                {down ? STATUS_FR[n.status] : n.ip}
              </text>
              {!down && r ? (
                <>
                  <text x={14} y={52} fontSize={13} fill="#0f172a">
                    {r.name} : {ROLE_FR[r.role] ?? r.role}
                  </text>
                  <text x={14} y={74} fontSize={13} fill={diskColor(r.disk)}>
                    disque {r.disk}
                  </text>
                  {peer ? (
                    <text x={14} y={96} fontSize={12} fill="#334155">
                      {peer.peer} : {peer.cstate}
                      {peer.replication && peer.replication !== "Off" ? ` · ${peer.replication}` : ""}
                    </text>
                  ) : null}
                  {peer?.done !== null && peer?.done !== undefined ? (
                    <g>
                      <rect x={14} y={108} width={W - 28} height={12} rx={3} fill="#e2e8f0" />
                      <rect x={14} y={108} width={((W - 28) * peer.done) / 100} height={12} rx={3} fill="#2563eb" />
                      <text x={W / 2} y={136} fontSize={11} textAnchor="middle" fill="#1e3a8a">
                        synchronisation {peer.done} %
                      </text>
                    </g>
                  ) : null}
                </>
              ) : (
                <text x={14} y={52} fontSize={13} fill="#64748b">
                  {down ? "" : "DRBD non démarré"}
                </text>
              )}
              <text x={14} y={170} fontSize={12} fill={n.mounts.length ? "#15803d" : "#64748b"}>
                {n.mounts.length ? `monté : ${n.mounts[0]?.mountpoint}` : "non monté"}
              </text>
            </g>
          );
        })}
      </svg>
      <div className="sr-only" aria-live="polite" data-testid="cluster-text">
        <ul>
          {describeCluster(view).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}
