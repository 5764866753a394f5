import { R0_RES, R0_RES_PATH } from "../../engine/drbd/config/index";
import { getTopology } from "../../engine/world/topology";
import { allInSync, applyInLab, drbdsetupShow, runningProtocols } from "../config/apply";
import type { ConfigCtx } from "../config/context";
import { configExercise } from "../config/exercise";
import { allHostsDefined, fullMesh, pairsUse } from "../config/mesh";
import type { Check } from "../types";

/**
 * Exercise 9.4: disaster recovery between Paris (node1, node2) and Lyon (node3, node4). DRBD 9
 * sets the protocol per connection (drbd-behavior §4: "per-connection protocol; e.g. C to the
 * local peer and A to a DR site"): C inside a site (RPO 0), A across the WAN (RPO of seconds).
 */
const TOPO = getTopology("two-sites");
const HOSTS = TOPO.nodes.map((n) => ({ name: n.name, ip: n.ip }));
const INTRA: [string, string][] = [
  ["node1", "node2"],
  ["node3", "node4"],
];
const INTER: [string, string][] = [
  ["node1", "node3"],
  ["node1", "node4"],
  ["node2", "node3"],
  ["node2", "node4"],
];

const checks: Check<ConfigCtx>[] = [
  {
    id: "ex9.4.hosts",
    points: 2,
    ok: "r0 est défini sur les quatre nœuds des deux sites.",
    fail: "r0 doit avoir une section « on » (avec node-id) pour node1 à node4 :",
    hint: "Quatre sections « on nodeN { node-id …; address …; } », IP 172.28.0.11 à 172.28.0.14.",
    test: (ctx) => allHostsDefined(ctx, "r0"),
  },
  {
    id: "ex9.4.mesh",
    points: 2,
    ok: "Chaque nœud est connecté aux trois autres, une seule fois.",
    fail: "Chaque paire de nœuds doit avoir exactement une connexion :",
    hint: "Déclarez une section « connection { host a; host b; net { protocol …; } } » par paire (6 en tout).",
    test: (ctx) => fullMesh(ctx, "r0"),
  },
  {
    id: "ex9.4.intra-site",
    points: 3,
    ok: "Protocole C à l’intérieur de chaque site : RPO nul en local.",
    fail: "Les connexions internes à un site (node1–node2, node3–node4) doivent être en protocole C :",
    hint: "Dans la section connection de node1–node2 (et node3–node4) : net { protocol C; }.",
    test: (ctx) => pairsUse(ctx, "r0", INTRA, "C"),
  },
  {
    id: "ex9.4.inter-site",
    points: 3,
    ok: "Protocole A entre Paris et Lyon : le WAN ne ralentit pas les écritures, RPO de quelques secondes.",
    fail: "Les connexions entre les deux sites doivent être en protocole A :",
    hint: "Les quatre connexions Paris–Lyon : net { protocol A; }.",
    test: (ctx) => pairsUse(ctx, "r0", INTER, "A"),
  },
  {
    id: "ex9.4.applied",
    points: 2,
    ok: "Appliquée dans un lab à deux sites, la configuration réplique vers les trois autres nœuds, en C vers node2 et en A vers Lyon.",
    fail: "Appliquée dans un lab à deux sites (create-md, up, primary --force sur node1), le résultat n’est pas celui attendu :",
    hint: "« drbdsetup show r0 » sur node1 montre le protocole de chaque connexion ; « drbdadm status r0 » doit montrer les trois pairs UpToDate.",
    test: (ctx) =>
      applyInLab(ctx, { scenario: "two-sites-running", nodes: HOSTS.map((h) => h.name), mode: "init" }, async (lab) => {
        const sync = allInSync(lab, "node1", ["node2", "node3", "node4"]);
        if (!sync.passed) return sync;
        const running = runningProtocols(await drbdsetupShow(lab, "node1"));
        const want: Record<string, string> = { node2: "C", node3: "A", node4: "A" };
        const bad = Object.entries(want)
          .filter(([peer, p]) => running[peer] !== p)
          .map(([peer, p]) => `node1 → ${peer} : protocole ${running[peer] ?? "?"} en service au lieu de ${p}`);
        return bad.length === 0 ? { passed: true } : { passed: false, detail: `${bad.join(" ; ")}.` };
      }),
  },
];

const on = (n: number) =>
  `    on node${n} {\n        node-id ${n - 1};\n        address 172.28.0.${10 + n}:7788;\n    }\n`;
const conn = ([a, b]: [string, string], p: string) =>
  `    connection {\n        host ${a};\n        host ${b};\n        net { protocol ${p}; }\n    }\n`;
const SOLUTION = `resource r0 {
    device /dev/drbd0;
    disk /dev/sda1;
    meta-disk internal;

${[1, 2, 3, 4].map(on).join("")}
${INTRA.map((p) => conn(p, "C")).join("")}${INTER.map((p) => conn(p, "A")).join("")}}
`;

export const ex9_4 = configExercise({
  id: "ex9.4",
  chapter: "exercices-avances",
  title: "Exercice 9.4 : Disaster recovery inter-site",
  graderVersion: 1,
  path: R0_RES_PATH,
  hosts: HOSTS,
  initial: R0_RES,
  checks,
  solution: SOLUTION,
  wrong: [
    {
      name: "configuration à deux nœuds inchangée",
      submission: R0_RES,
      failingChecks: ["ex9.4.hosts", "ex9.4.mesh", "ex9.4.inter-site"],
    },
    {
      name: "tout en protocole C (le WAN ralentit chaque écriture)",
      submission: SOLUTION.replaceAll("protocol A;", "protocol C;"),
      failingChecks: ["ex9.4.inter-site", "ex9.4.applied"],
    },
    {
      name: "tout en protocole A (RPO non nul même en local)",
      submission: SOLUTION.replaceAll("protocol C;", "protocol A;"),
      failingChecks: ["ex9.4.intra-site", "ex9.4.applied"],
    },
    {
      name: "les deux sites reliés par node1–node3 seulement",
      submission: SOLUTION.replace(conn(["node1", "node4"], "A"), "")
        .replace(conn(["node2", "node3"], "A"), "")
        .replace(conn(["node2", "node4"], "A"), ""),
      failingChecks: ["ex9.4.mesh", "ex9.4.inter-site"],
    },
  ],
});
