import { R0_RES, R0_RES_PATH } from "../../engine/drbd/config/index";
import { getTopology } from "../../engine/world/topology";
import { allInSync, applyInLab } from "../config/apply";
import type { ConfigCtx } from "../config/context";
import { configExercise } from "../config/exercise";
import { allHostsDefined, fullMesh } from "../config/mesh";
import type { Check } from "../types";

/**
 * Exercise 9.2: a three-node cluster, DRBD 9 native (stacking is the 8.4 way and is deprecated
 * with DRBD 9, drbd-behavior §7.3). Starting from the two-node r0.res, the learner adds node3:
 * node-id on every host (drbdadm refuses more than two hosts without it: invalid submission),
 * and a full mesh (connection-mesh or one connection per pair) so that the Primary replicates
 * directly to both Secondaries (§7.1: a node not connected to the Primary ends Outdated).
 */
const HOSTS = getTopology("three-nodes").nodes.map((n) => ({ name: n.name, ip: n.ip }));

const checks: Check<ConfigCtx>[] = [
  {
    id: "ex9.2.hosts",
    points: 3,
    ok: "r0 est défini sur node1, node2 et node3.",
    fail: "r0 doit avoir une section « on » pour chacun des trois nœuds :",
    hint: "Les trois sections « on » ont chacune leur node-id, obligatoire au-delà de deux nœuds : « on node1 { node-id 0; … } », « on node2 { node-id 1; … } », « on node3 { node-id 2; address 172.28.0.13:7788; } » (device/disk/meta-disk hérités ou répétés).",
    test: (ctx) => allHostsDefined(ctx, "r0"),
  },
  {
    id: "ex9.2.mesh",
    points: 3,
    ok: "Chaque nœud est connecté aux deux autres : le Primary réplique directement vers les deux Secondary.",
    fail: "Les trois nœuds doivent être connectés deux à deux :",
    hint: "En DRBD 9 : « connection-mesh { hosts node1 node2 node3; } » dans la ressource.",
    test: (ctx) => fullMesh(ctx, "r0"),
  },
  {
    id: "ex9.2.disks",
    points: 2,
    ok: "Les trois nœuds ont un disque de données : chacun garde une copie complète.",
    fail: "Chaque nœud doit avoir son disque de données (pas de nœud diskless ici) :",
    hint: "disk /dev/sda1; au niveau de la ressource vaut pour tous les nœuds.",
    test: (ctx) => {
      const bad = ctx.hosts.filter((h) => ctx.resolve("r0", h.name)?.volumes[0]?.disk === "none").map((h) => h.name);
      return bad.length === 0 ? { passed: true } : { passed: false, detail: `Sans disque : ${bad.join(", ")}.` };
    },
  },
  {
    id: "ex9.2.applied",
    points: 2,
    ok: "Appliquée dans un lab à trois nœuds (create-md, up, primary --force sur node1), la configuration réplique vers node2 et node3.",
    fail: "Appliquée dans un lab à trois nœuds, la configuration ne réplique pas vers les deux Secondary :",
    hint: "Après create-md et up sur les trois nœuds et primary --force sur node1, « drbdadm status r0 » sur node1 doit montrer node2 et node3 en peer-disk:UpToDate.",
    test: (ctx) =>
      applyInLab(ctx, { scenario: "three-nodes-running", nodes: ["node1", "node2", "node3"], mode: "init" }, (lab) =>
        allInSync(lab, "node1", ["node2", "node3"]),
      ),
  },
];

const on = (n: number) =>
  `    on node${n} {\n        node-id ${n - 1};\n        address 172.28.0.${10 + n}:7788;\n    }\n`;
const SOLUTION = `resource r0 {
    protocol C;
    device /dev/drbd0;
    disk /dev/sda1;
    meta-disk internal;

${[1, 2, 3].map(on).join("")}
    connection-mesh {
        hosts node1 node2 node3;
    }
}
`;

export const ex9_2 = configExercise({
  id: "ex9.2",
  chapter: "exercices-avances",
  title: "Exercice 9.2 : Cluster à 3 nœuds",
  graderVersion: 2,
  path: R0_RES_PATH,
  hosts: HOSTS,
  initial: R0_RES,
  checks,
  solution: SOLUTION,
  wrong: [
    { name: "configuration à deux nœuds inchangée", submission: R0_RES, failingChecks: ["ex9.2.hosts", "ex9.2.mesh"] },
    {
      name: "node3 relié seulement à node1 (en étoile)",
      submission: SOLUTION.replace(
        "    connection-mesh {\n        hosts node1 node2 node3;\n    }\n",
        "    connection {\n        host node1;\n        host node2;\n    }\n    connection {\n        host node1;\n        host node3;\n    }\n",
      ),
      failingChecks: ["ex9.2.mesh"],
    },
    {
      name: "node3 sans disque",
      submission: SOLUTION.replace("        node-id 2;\n", "        node-id 2;\n        disk none;\n"),
      failingChecks: ["ex9.2.disks"],
    },
  ],
});
