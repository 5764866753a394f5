import { frNumber } from "@/lib/grading/format";
import type { ClusterView, ConnectionView, LinkView, NodeView, PeerView, ResourceView } from "@/lib/labs/cluster-view";

const ROLE_FR: Record<string, string> = { Primary: "Primaire", Secondary: "Secondaire", Unknown: "inconnu" };
const STATUS_FR: Record<NodeView["status"], string> = {
  running: "en marche",
  stopped: "arrêté (crash)",
  absent: "conteneur non créé",
};
const LINK_FR: Record<LinkView["state"], string> = {
  up: "lien actif",
  partitioned: "lien coupé",
  latency: "lien ralenti (netem)",
  down: "un nœud est arrêté",
};
const LINK_COLOR: Record<LinkView["state"], string> = {
  up: "#15803d",
  partitioned: "#b91c1c",
  latency: "#b45309",
  down: "#94a3b8",
};

/** "0.05" → "0,05": French decimals, identical on the server and in the browser. */
const fr = (x: number) => frNumber(x, { maxDecimals: 3 });

function diskColor(disk: string): string {
  if (disk === "UpToDate") return "#15803d";
  if (disk === "Inconsistent" || disk === "Outdated" || disk === "Negotiating" || disk === "Consistent")
    return "#b45309";
  if (disk === "Failed" || disk === "Diskless" || disk === "DUnknown") return "#b91c1c";
  return "#475569";
}

function disks(r: ResourceView): string {
  if (r.volumes.length <= 1) return r.disk;
  return r.volumes.map((v) => `v${v.volume} ${v.disk}`).join(", ");
}

function peerSentence(p: PeerView): string {
  const repl =
    p.cstate !== "Connected"
      ? ""
      : p.volumes.length > 1
        ? p.volumes.map((v) => `volume ${v.volume} ${v.replication}, disque du pair ${v.peerDisk}`).join(", ")
        : `${p.replication ? `, ${p.replication}` : ""}${p.peerDisk ? `, disque du pair ${p.peerDisk}` : ""}`;
  return `vers ${p.peer} : ${p.cstate}${p.volumes.length > 1 && repl ? `, ${repl}` : repl}${p.protocol ? `, protocole ${p.protocol}` : ""}${p.done !== null ? `, synchronisation ${fr(p.done)} %` : ""}`;
}

function linkLabel(l: LinkView): string {
  if (l.state === "partitioned") return "coupé";
  if (l.state === "down") return "nœud arrêté";
  const loss = l.lossPct > 0 ? `, ${fr(l.lossPct)} % perte` : "";
  return `${l.state === "latency" ? "netem " : l.wan ? "WAN " : "LAN "}${fr(l.latencyMs)} ms${loss}`;
}

function pacemakerSentence(view: ClusterView): string | null {
  const p = view.pacemaker;
  if (!p) return null;
  const nodes = p.nodes
    .map((n) => `${n.name} ${n.online ? "en ligne" : "hors ligne"}${n.standby ? " (standby)" : ""}`)
    .join(", ");
  const res = p.resources.map((r) => {
    if (r.clone)
      return `${r.clone} promu sur ${r.promoted.join(", ") || "aucun nœud"}, actif sur ${r.running.join(", ") || "aucun nœud"}`;
    return `${r.id} ${r.running.length ? `sur ${r.running.join(", ")}` : "arrêté"}`;
  });
  return `Pacemaker (cluster ${p.clusterName}${p.quorate ? "" : ", sans quorum"}) : ${nodes}${res.length ? ` ; ${res.join(" ; ")}` : ""}.`;
}

/** The text twin read by screen readers: one sentence per site, node, link, and the cluster manager. */
export function describeCluster(view: ClusterView): string[] {
  const lines: string[] = [];
  for (const site of view.sites)
    lines.push(
      `Site ${site} : ${view.nodes
        .filter((n) => n.site === site)
        .map((n) => n.name)
        .join(", ")}.`,
    );
  for (const n of view.nodes) {
    if (n.status !== "running") {
      lines.push(`${n.name} : ${STATUS_FR[n.status]}.`);
      continue;
    }
    const res = n.resources.map((r) => {
      const state = [
        `${r.name} ${ROLE_FR[r.role] ?? r.role}, disque ${disks(r)}`,
        r.quorum ? `quorum ${r.quorum.has ? "oui" : "perdu"} (${r.quorum.policy})` : "",
        r.suspended ? "E/S suspendues" : "",
      ]
        .filter(Boolean)
        .join(", ");
      return `${state}${r.peers.length ? ` ; ${r.peers.map(peerSentence).join(" ; ")}` : ""}`;
    });
    const mounted = n.mounts.length ? `monté sur ${n.mounts.map((m) => m.mountpoint).join(", ")}` : "non monté";
    lines.push(`${n.name} : en marche, ${res.length ? res.join(" ; ") : "DRBD non démarré"}, ${mounted}.`);
  }
  for (const l of view.links)
    lines.push(
      `Lien ${l.a}–${l.b}${l.wan ? " (WAN entre sites)" : ""} : ${LINK_FR[l.state]}${l.state === "up" || l.state === "latency" ? `, latence ${fr(l.latencyMs)} ms` : ""}${l.lossPct > 0 ? `, perte ${fr(l.lossPct)} %` : ""}.`,
    );
  const pcmk = pacemakerSentence(view);
  if (pcmk) lines.push(pcmk);
  return lines;
}

// ---- figure geometry ---------------------------------------------------------------------

const LINE = 17;
const HEAD = 38;
const SITE_HEAD = 22;

interface BoxLine {
  text: string;
  color: string;
  bold?: boolean;
  indent?: boolean;
}

function boxLines(n: NodeView, view: ClusterView): BoxLine[] {
  if (n.status !== "running") return [];
  const out: BoxLine[] = [];
  if (!n.resources.length) out.push({ text: "DRBD non démarré", color: "#475569" });
  for (const r of n.resources) {
    out.push({
      text: `${r.name} : ${ROLE_FR[r.role] ?? r.role}${r.suspended ? " · E/S suspendues" : ""}`,
      color: r.suspended ? "#b91c1c" : r.role === "Primary" ? "#1d4ed8" : "#0f172a",
      bold: r.role === "Primary",
    });
    for (const v of r.volumes)
      out.push({
        text: `${r.volumes.length > 1 ? `v${v.volume} ` : "disque "}${v.disk}`,
        color: diskColor(v.disk),
        indent: true,
      });
    if (r.quorum)
      out.push({
        text: r.quorum.has ? `quorum : oui (${r.quorum.policy})` : "quorum perdu",
        color: r.quorum.has ? "#15803d" : "#b91c1c",
        indent: true,
      });
  }
  const pm = view.pacemaker?.nodes.find((p) => p.name === n.name);
  if (pm && view.pacemaker) {
    out.push({
      text: `Pacemaker : ${pm.online ? "en ligne" : "hors ligne"}${pm.standby ? ", standby" : ""}`,
      color: pm.online && !pm.standby ? "#15803d" : "#b45309",
    });
    const here = view.pacemaker.resources
      .filter((r) => r.running.includes(n.name))
      .map((r) => (r.promoted.includes(n.name) ? `${r.id} promu` : r.id));
    if (here.length) out.push({ text: here.join(", "), color: "#334155", indent: true });
  }
  if (!n.mounts.length) out.push({ text: "non monté", color: "#475569" });
  else for (const m of n.mounts) out.push({ text: `monté : ${m.mountpoint}`, color: "#15803d" });
  return out;
}

/** The short DRBD summary drawn on a two-node link: one line per resource. */
function connectionSummary(c: ConnectionView): string {
  const ends = [c.fromA, c.fromB].filter((p): p is PeerView => p !== null);
  const proto = c.protocol ? ` (${c.protocol})` : "";
  const connected = ends.length === 2 && ends.every((p) => p.cstate === "Connected");
  if (!connected) return `${c.resource}${proto} : ${ends.map((p) => p.cstate).join(" / ") || "—"}`;
  const repl = ends.map((p) => p.replication ?? "").filter((r) => r !== "Established");
  return `${c.resource}${proto} : ${repl.length ? repl.join(" → ") : "Established"}`;
}

function syncOf(c: ConnectionView): { done: number; from: string; to: string } | null {
  for (const [p, me, other] of [
    [c.fromA, c.a, c.b],
    [c.fromB, c.b, c.a],
  ] as const) {
    if (!p || p.done === null) continue;
    const source = p.volumes.some((v) => v.replication.startsWith("SyncSource") || v.replication === "PausedSyncS");
    return { done: p.done, from: source ? me : other, to: source ? other : me };
  }
  return null;
}

/** One value when both ends agree, else "a's / b's" in the order of the "a ⇄ b" column. */
function sameOrBoth(view: ClusterView, c: ConnectionView, pick: (p: PeerView) => string): string {
  const missing = (name: string) => (view.nodes.find((n) => n.name === name)?.status === "running" ? "—" : "arrêté");
  const a = c.fromA ? pick(c.fromA) : missing(c.a);
  const b = c.fromB ? pick(c.fromB) : missing(c.b);
  if (a === b) return a;
  return `${a} / ${b}`;
}

/** The workshop's architecture figure, live: every node, site, link and DRBD connection. */
export function ClusterDiagram({ view }: { view: ClusterView }) {
  const n = view.nodes.length;
  const sited = view.sites.length > 0;
  const VW = n <= 2 ? 720 : 800;
  const siteGap = 44;
  const gap = n <= 2 ? 220 : sited ? 20 : 44;
  const siteBreaks = view.nodes.filter((node, i) => i > 0 && node.site !== view.nodes[i - 1]?.site).length;
  const pad = sited ? 8 : 1;
  const W = (VW - 2 * pad - (n - 1) * gap - siteBreaks * (siteGap - gap)) / n;
  const lines = view.nodes.map((node) => boxLines(node, view));
  const boxH = HEAD + Math.max(1, ...lines.map((l) => l.length)) * LINE + 6;
  const top = sited ? SITE_HEAD + 8 : 1;
  const xs: number[] = [];
  view.nodes.forEach((node, i) => {
    const prev = view.nodes[i - 1];
    const px = xs[i - 1];
    xs.push(prev === undefined || px === undefined ? pad : px + W + (node.site !== prev.site ? siteGap : gap));
  });
  const index = new Map(view.nodes.map((node, i) => [node.name, i]));
  const arcs = n > 2;
  const maxSpan = n - 1;
  const arcBase = top + boxH;
  // two nodes: the DRBD summary under the link may be taller than the boxes
  const linkText = 20 + view.connections.reduce((h, c) => h + (syncOf(c) ? 44 : 18), 0);
  const height = arcs ? arcBase + maxSpan * 23 + 14 : top + Math.max(boxH, boxH / 2 + linkText) + (sited ? 8 : 2);

  return (
    <div data-testid="cluster-view" className="cluster-view min-w-0 space-y-3">
      {/* on a phone the figure scrolls sideways rather than shrinking its text below 10 px: say so */}
      <p className="text-xs text-slate-500 sm:hidden" data-testid="cluster-scroll-hint">
        Schéma plus large que l’écran : faites-le défiler vers la droite →
      </p>
      <div className="overflow-x-auto">
        <svg
          viewBox={`0 0 ${VW} ${height}`}
          className="h-auto w-full min-w-[600px] font-sans"
          aria-hidden="true"
          role="presentation"
          data-nodes={n}
        >
          {view.sites.map((site) => {
            const members = view.nodes.map((node, i) => ({ node, i })).filter(({ node }) => node.site === site);
            const first = members[0];
            const last = members.at(-1);
            if (!first || !last) return null;
            const x0 = (xs[first.i] ?? 0) - 7;
            const x1 = (xs[last.i] ?? 0) + W + 7;
            return (
              <g key={site} data-site={site}>
                <rect
                  x={x0}
                  y={1}
                  width={x1 - x0}
                  height={top + boxH + 4}
                  rx={12}
                  fill="#f8fafc"
                  stroke="#cbd5e1"
                  strokeDasharray="4 3"
                />
                <text x={x0 + 10} y={SITE_HEAD - 4} fontSize={13} fontWeight={600} fill="#334155">
                  site {site}
                </text>
              </g>
            );
          })}
          {view.links.map((l) => {
            const i = index.get(l.a) ?? 0;
            const j = index.get(l.b) ?? 0;
            const color = LINK_COLOR[l.state];
            const dash = l.state === "partitioned" ? "6 5" : l.state === "down" ? "2 5" : undefined;
            const xi = xs[i] ?? 0;
            const xj = xs[j] ?? 0;
            if (!arcs) {
              const y = top + boxH / 2;
              const mid = (xi + W + xj) / 2;
              const conns = view.connections.filter((c) => c.a === l.a && c.b === l.b);
              return (
                <g key={`${l.a}-${l.b}`} data-link={`${l.a}-${l.b}`}>
                  <line x1={xi + W} y1={y} x2={xj} y2={y} stroke={color} strokeWidth={3} strokeDasharray={dash} />
                  <text x={mid} y={y - 10} textAnchor="middle" fontSize={12} fill={color}>
                    {linkLabel(l)}
                  </text>
                  {conns.map((c, k) => {
                    const sync = syncOf(c);
                    const y0 = y + 20 + conns.slice(0, k).reduce((h, o) => h + (syncOf(o) ? 44 : 18), 0);
                    return (
                      <g key={c.resource}>
                        <text x={mid} y={y0} textAnchor="middle" fontSize={12} fill="#0f172a">
                          {connectionSummary(c)}
                        </text>
                        {sync ? (
                          <>
                            <rect x={mid - 90} y={y0 + 6} width={180} height={10} rx={3} fill="#e2e8f0" />
                            <rect
                              x={mid - 90}
                              y={y0 + 6}
                              width={(180 * sync.done) / 100}
                              height={10}
                              rx={3}
                              fill="#2563eb"
                            />
                            <text x={mid} y={y0 + 29} textAnchor="middle" fontSize={11} fill="#1e3a8a">
                              {sync.from} → {sync.to} : {fr(sync.done)} %
                            </text>
                          </>
                        ) : null}
                      </g>
                    );
                  })}
                </g>
              );
            }
            // three nodes or more: arcs under the boxes, deeper for farther nodes, so no label overlaps
            const span = j - i;
            const depth = span * 30;
            // each node's arcs leave from spread points: leftwards partners on the left, rightwards on the right
            const x1 = xi + W / 2 + span * W * 0.12;
            const x2 = xj + W / 2 - span * W * 0.12;
            const mid = (x1 + x2) / 2;
            return (
              <g key={`${l.a}-${l.b}`} data-link={`${l.a}-${l.b}`}>
                <path
                  d={`M ${x1} ${arcBase} C ${x1} ${arcBase + depth}, ${x2} ${arcBase + depth}, ${x2} ${arcBase}`}
                  fill="none"
                  stroke={color}
                  strokeWidth={2.5}
                  strokeDasharray={dash}
                />
                <rect
                  display={l.state === "down" ? "none" : undefined}
                  x={mid - 44}
                  y={arcBase + depth * 0.75 - 8}
                  width={88}
                  height={16}
                  rx={4}
                  fill="#ffffff"
                  opacity={0.92}
                />
                {l.state === "down" ? null : (
                  <text x={mid} y={arcBase + depth * 0.75 + 4} textAnchor="middle" fontSize={11} fill={color}>
                    {linkLabel(l)}
                  </text>
                )}
              </g>
            );
          })}
          {view.nodes.map((node, i) => {
            const down = node.status !== "running";
            return (
              <g key={node.name} transform={`translate(${xs[i] ?? 0},${top})`} data-node={node.name}>
                <rect
                  x={0}
                  y={0}
                  width={W}
                  height={boxH}
                  rx={10}
                  fill={down ? "#f1f5f9" : "#ffffff"}
                  stroke={down ? "#94a3b8" : "#1d4ed8"}
                  strokeWidth={2}
                  strokeDasharray={down ? "5 4" : undefined}
                />
                <text x={12} y={24} fontSize={15} fontWeight={700} fill={down ? "#475569" : "#0f172a"}>
                  {node.name}
                </text>
                <text x={W - 10} y={24} fontSize={11} textAnchor="end" fill={down ? "#b91c1c" : "#475569"}>
                  {down ? (node.status === "stopped" ? "arrêté" : "non créé") : node.ip}
                </text>
                {down ? (
                  <text x={12} y={HEAD + 12} fontSize={12} fill="#b91c1c">
                    {STATUS_FR[node.status]}
                  </text>
                ) : (
                  lines[i]?.map((l, k) => (
                    <text
                      // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
                      key={k}
                      x={l.indent ? 22 : 12}
                      y={HEAD + 12 + k * LINE}
                      fontSize={12.5}
                      fontWeight={l.bold ? 700 : 400}
                      fill={l.color}
                    >
                      {l.text}
                    </text>
                  ))
                )}
              </g>
            );
          })}
        </svg>
      </div>
      {view.connections.length && (arcs || view.resources.length > 1) ? (
        <div className="overflow-x-auto">
          <table aria-hidden="true" className="w-full border-collapse text-left text-xs text-slate-800">
            <thead>
              <tr className="border-b border-slate-300 text-slate-600">
                <th className="py-1 pr-2 font-semibold">Ressource</th>
                <th className="py-1 pr-2 font-semibold">Connexion</th>
                <th className="py-1 pr-2 font-semibold">Proto.</th>
                <th className="py-1 pr-2 font-semibold">État</th>
                <th className="py-1 pr-2 font-semibold">Réplication</th>
                <th className="py-1 font-semibold">Synchronisation</th>
              </tr>
            </thead>
            <tbody>
              {view.connections.map((c) => {
                const sync = syncOf(c);
                const cstate = sameOrBoth(view, c, (p) => p.cstate);
                return (
                  <tr key={`${c.resource}-${c.a}-${c.b}`} className="border-b border-slate-100 align-top">
                    <td className="py-1 pr-2 font-mono">{c.resource}</td>
                    <td className="py-1 pr-2 font-mono whitespace-nowrap">
                      {c.a} ⇄ {c.b}
                    </td>
                    <td className="py-1 pr-2 font-mono">{c.protocol ?? "—"}</td>
                    <td className={`py-1 pr-2 ${cstate === "Connected" ? "text-green-700" : "text-amber-800"}`}>
                      {cstate}
                    </td>
                    <td className="py-1 pr-2">
                      {[c.fromA, c.fromB].some((p) => p?.cstate === "Connected")
                        ? sameOrBoth(view, c, (p) =>
                            p.cstate === "Connected" ? p.volumes.map((v) => v.replication).join(", ") || "—" : "—",
                          )
                        : "—"}
                    </td>
                    <td className="py-1">
                      {sync ? (
                        <div className="flex items-center gap-2">
                          <div className="h-2 w-24 shrink-0 overflow-hidden rounded bg-slate-200">
                            <div className="h-2 bg-blue-600" style={{ width: `${sync.done}%` }} />
                          </div>
                          <span className="whitespace-nowrap">
                            {sync.from} → {sync.to} {fr(sync.done)} %
                          </span>
                        </div>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {view.pacemaker ? (
        <p aria-hidden="true" className="m-0 text-xs text-slate-700">
          {pacemakerSentence(view)}
        </p>
      ) : null}
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
