import { R0_RES, R0_RES_PATH } from "../../engine/drbd/config/index";
import { getTopology } from "../../engine/world/topology";
import { allInSync, applyInLab, drbdsetupShow, runningPath } from "../config/apply";
import type { ConfigCtx } from "../config/context";
import { configExercise } from "../config/exercise";
import { portEverywhere, r0Preserved } from "../config/r0";
import { rateLimitedTo } from "../config/rate";
import type { Check } from "../types";

const HOSTS = getTopology("two-nodes").nodes.map((n) => ({ name: n.name, ip: n.ip }));

const checks: Check<ConfigCtx>[] = [
  {
    id: "ex1.2.port",
    points: 3,
    ok: "Le port de réplication est 7799 sur les deux nœuds.",
    fail: "Le port de réplication doit être 7799 dans les deux lignes « address » (node1 et node2) :",
    hint: "Chaque section « on nodeX » a sa ligne « address IP:port; » ; les deux nœuds doivent utiliser le même nouveau port.",
    test: (ctx) => portEverywhere(ctx, "r0", "7799"),
  },
  {
    id: "ex1.2.rate",
    points: 3,
    ok: "La resynchronisation est limitée à 100 MiB/s.",
    fail: "La limite de 100M pour la synchronisation n’est pas en place :",
    hint: "En DRBD 9, le plafond de resynchronisation est « c-max-rate » (section disk, en KiB/s par défaut ; le suffixe M est accepté).",
    test: (ctx) => rateLimitedTo(ctx, "r0", 100 * 1024),
  },
  {
    id: "ex1.2.preserved",
    points: 1,
    ok: "Le reste de la ressource r0 est intact (disques, périphérique, adresses IP).",
    fail: "La modification a changé autre chose que le port et le débit :",
    hint: "Ne touchez qu’au port des lignes address et ajoutez une section disk ; gardez les IP, /dev/drbd0 et /dev/sda1.",
    test: r0Preserved,
  },
  {
    id: "ex1.2.applied",
    points: 2,
    ok: "Appliquée dans le lab (drbdadm adjust r0 sur les deux nœuds), la configuration fonctionne : DRBD s’est reconnecté sur le port 7799.",
    fail: "Appliquée dans le lab (fichier copié sur les deux nœuds, puis drbdadm adjust r0), la configuration ne donne pas le résultat attendu :",
    hint: "Les deux nœuds doivent avoir le même fichier : après « drbdadm adjust r0 » des deux côtés, « drbdsetup show r0 » montre le chemin actif.",
    test: (ctx) =>
      applyInLab(ctx, { scenario: "tp1.synced", nodes: ["node1", "node2"], mode: "adjust" }, async (lab) => {
        const path = runningPath(await drbdsetupShow(lab, "node1"));
        const ports = [path.local, path.remote].map((a) => a?.split(":").pop());
        if (ports.some((p) => p !== "7799")) {
          return { passed: false, detail: `le chemin actif est ${path.local ?? "?"} → ${path.remote ?? "?"}.` };
        }
        return allInSync(lab, "node1", ["node2"]);
      }),
  },
];

const SOLUTION = R0_RES.replaceAll(":7788;", ":7799;").replace(
  "    protocol C;\n",
  "    protocol C;\n    disk {\n        c-max-rate 100M;\n    }\n",
);

export const ex1_2 = configExercise({
  id: "ex1.2",
  chapter: "tp1",
  title: "Exercice 1.2 : Configuration personnalisée",
  graderVersion: 1,
  path: R0_RES_PATH,
  hosts: HOSTS,
  initial: R0_RES,
  checks,
  solution: SOLUTION,
  wrong: [
    { name: "configuration inchangée", submission: R0_RES, failingChecks: ["ex1.2.port", "ex1.2.rate"] },
    {
      name: "port changé sur node1 seulement",
      submission: SOLUTION.replace("172.28.0.12:7799", "172.28.0.12:7788"),
      failingChecks: ["ex1.2.port", "ex1.2.applied"],
    },
    {
      name: "resync-rate seul (valeur de départ du contrôleur dynamique)",
      submission: SOLUTION.replace("c-max-rate 100M;", "resync-rate 100M;"),
      failingChecks: ["ex1.2.rate"],
    },
    {
      name: "limite à 10M",
      submission: SOLUTION.replace("c-max-rate 100M;", "c-max-rate 10M;"),
      failingChecks: ["ex1.2.rate"],
    },
    {
      name: "disque de données changé",
      submission: SOLUTION.replaceAll("disk /dev/sda1;", "disk /dev/sdb1;"),
      failingChecks: ["ex1.2.preserved"],
    },
  ],
});
