import { R0_RES, R0_RES_PATH } from "../../engine/drbd/config/index";
import { getTopology } from "../../engine/world/topology";
import type { ConfigCtx } from "../config/context";
import { configExercise } from "../config/exercise";
import { rateLimitedTo } from "../config/rate";
import type { Check, CheckOutcome } from "../types";

const HOSTS = getTopology("two-nodes").nodes.map((n) => ({ name: n.name, ip: n.ip }));

/** Every address of r0, seen from every host (its own and its peer's), must use `port`. */
export function portEverywhere(ctx: ConfigCtx, resource: string, port: string): CheckOutcome {
  const wrong = new Set<string>();
  for (const h of ctx.hosts) {
    const r = ctx.resolve(resource, h.name);
    if (!r) {
      wrong.add(`${resource} n’est pas défini pour ${h.name}`);
      continue;
    }
    for (const p of r.peers) {
      for (const [who, a] of [[h.name, p.myAddress], [p.name, p.address]] as const) {
        if (a && a.port !== port) wrong.add(`${who} écoute encore sur ${a.addr}:${a.port}`);
      }
    }
  }
  return wrong.size === 0 ? { passed: true } : { passed: false, detail: `${[...wrong].join(" ; ")}.` };
}

/** r0 still replicates /dev/sda1 between node1 and node2 as /dev/drbd0, nothing else moved. */
export function r0Preserved(ctx: ConfigCtx): CheckOutcome {
  const problems: string[] = [];
  for (const h of ctx.hosts) {
    const r = ctx.resolve("r0", h.name);
    if (!r) {
      problems.push(`r0 n’est plus défini pour ${h.name}`);
      continue;
    }
    const v = r.volumes[0];
    if (!v || v.minor !== 0 || v.disk !== "/dev/sda1") problems.push(`${h.name} : r0 doit rester /dev/drbd0 sur /dev/sda1`);
    if (r.me.address && r.me.address.addr !== h.ip) problems.push(`${h.name} doit garder l’adresse ${h.ip}`);
  }
  return problems.length === 0 ? { passed: true } : { passed: false, detail: `${problems.join(" ; ")}.` };
}

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
    ok: "La resynchronisation est limitée à 100 Mio/s.",
    fail: "La limite de 100M pour la synchronisation n’est pas en place :",
    hint: "En DRBD 9, le plafond de resynchronisation est « c-max-rate » (section disk, en Kio/s par défaut ; le suffixe M est accepté).",
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
];

const SOLUTION = R0_RES.replaceAll(":7788;", ":7799;").replace("    protocol C;\n", "    protocol C;\n    disk {\n        c-max-rate 100M;\n    }\n");

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
      failingChecks: ["ex1.2.port"],
    },
    {
      name: "resync-rate seul (valeur de départ du contrôleur dynamique)",
      submission: SOLUTION.replace("c-max-rate 100M;", "resync-rate 100M;"),
      failingChecks: ["ex1.2.rate"],
    },
    { name: "limite à 10M", submission: SOLUTION.replace("c-max-rate 100M;", "c-max-rate 10M;"), failingChecks: ["ex1.2.rate"] },
    {
      name: "disque de données changé",
      submission: SOLUTION.replaceAll("disk /dev/sda1;", "disk /dev/sdb1;"),
      failingChecks: ["ex1.2.preserved"],
    },
  ],
});
