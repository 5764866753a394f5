import { GLOBAL_COMMON_CONF, GLOBAL_COMMON_PATH } from "../../engine/drbd/config/index";
import { getTopology } from "../../engine/world/topology";
import { applyInLab } from "../config/apply";
import type { ConfigCtx } from "../config/context";
import { where } from "../config/context";
import { configExercise } from "../config/exercise";
import { splitBrains } from "../lab/predicates";
import type { Check, CheckOutcome } from "../types";

/**
 * Exercise 3.2: split-brain handler and after-sb policies, as given by the workshop. Checked on
 * the *effective* settings of r0 on both nodes, so they may be written in `common` (the file the
 * exercise opens) or in r0 itself. The policy semantics are DRBD's (drbd-behavior §5.4).
 */
const HOSTS = getTopology("two-nodes").nodes.map((n) => ({ name: n.name, ip: n.ip }));
const HANDLER = "/scripts/notify-splitbrain.sh";

function effective(ctx: ConfigCtx, pick: (h: string) => string | undefined, want: string, name: string): CheckOutcome {
  // Same finding on both nodes → said once ("node1, node2 : …").
  const byProblem = new Map<string, string[]>();
  for (const h of ctx.hosts) {
    const value = pick(h.name);
    if (value === want) continue;
    const problem = value === undefined ? `${name} absent` : `${name} vaut « ${value} » (${where(ctx, "r0", name)})`;
    byProblem.set(problem, [...(byProblem.get(problem) ?? []), h.name]);
  }
  if (byProblem.size === 0) return { passed: true };
  return { passed: false, detail: `${[...byProblem].map(([p, hosts]) => `${hosts.join(", ")} : ${p}`).join(" ; ")}.` };
}

function policy(name: string, want: string, points: number, ok: string, hint: string): Check<ConfigCtx> {
  return {
    id: `ex3.2.${name}`,
    points,
    ok,
    fail: `${name} doit valoir ${want} :`,
    hint,
    test: (ctx) =>
      effective(
        ctx,
        (h) => (ctx.resolve("r0", h)?.peers[0]?.net[name] as string | undefined) ?? "disconnect",
        want,
        name,
      ),
  };
}

/** Cut the link, promote node2 too and write on both sides, then (optionally) demote both. */
function splitBrain(demote: boolean): string {
  return `node1$ iptables -A INPUT -s 172.28.0.12 -j DROP
node2$ iptables -A INPUT -s 172.28.0.11 -j DROP
wait 15s
node2$ drbdadm primary r0
node1$ dd if=/dev/urandom of=/dev/drbd0 bs=4k count=1 oflag=direct
node2$ dd if=/dev/urandom of=/dev/drbd0 bs=4k count=1 seek=10 oflag=direct
${demote ? "node1$ drbdadm secondary r0\nnode2$ drbdadm secondary r0\n" : ""}node1$ iptables -F
node2$ iptables -F
wait 15s
`;
}

const LAB = { scenario: "tp1.synced", nodes: ["node1", "node2"], mode: "adjust" as const };

const checks: Check<ConfigCtx>[] = [
  {
    id: "ex3.2.handler",
    points: 3,
    ok: `Le handler split-brain appelle ${HANDLER} : vous serez prévenu de tout split-brain non résolu.`,
    fail: `Le handler « split-brain » doit appeler ${HANDLER} :`,
    hint: 'Dans la section handlers : split-brain "/scripts/notify-splitbrain.sh"; (avec le point-virgule).',
    test: (ctx) => effective(ctx, (h) => ctx.resolve("r0", h)?.handlers["split-brain"], HANDLER, "split-brain"),
  },
  policy(
    "after-sb-0pri",
    "discard-younger-primary",
    2,
    "after-sb-0pri discard-younger-primary : sans Primary à la reconnexion, le nœud devenu Primary après la coupure est resynchronisé depuis l’autre.",
    "La politique « 0pri » s’applique quand aucun nœud n’est Primary à la détection ; la valeur demandée est discard-younger-primary.",
  ),
  policy(
    "after-sb-1pri",
    "discard-secondary",
    2,
    "after-sb-1pri discard-secondary : avec un seul Primary, les modifications du Secondary sont abandonnées.",
    "La politique « 1pri » s’applique quand un seul nœud est Primary ; la valeur demandée est discard-secondary.",
  ),
  policy(
    "after-sb-2pri",
    "disconnect",
    2,
    "after-sb-2pri disconnect : avec deux Primary, aucune résolution automatique, l’administrateur tranche.",
    "Avec deux Primary, la seule politique prudente est disconnect (c’est aussi la valeur par défaut).",
  ),
  {
    id: "ex3.2.lab-0pri",
    points: 2,
    ok: "Dans le lab : split-brain sans Primary à la reconnexion, résolu automatiquement en sacrifiant node2, devenu Primary après la coupure.",
    fail: "Dans le lab (lien coupé, node2 promu, écritures des deux côtés, puis les deux Secondary et lien rétabli), le split-brain n’a pas été résolu en faveur de node1 :",
    hint: "C’est after-sb-0pri discard-younger-primary qui résout ce cas : le nœud promu après la coupure (node2) perd ses modifications.",
    test: (ctx) =>
      applyInLab(ctx, { ...LAB, afterwards: splitBrain(true) }, (lab) => {
        const found = splitBrains(lab, "node2");
        const solved = found.some((e) => e.resolution === "automatic" && e.primaries === 0 && e.syncFrom === "peer");
        if (solved) return { passed: true };
        const unresolved = found.some((e) => e.resolution === "unresolved");
        return {
          passed: false,
          detail: unresolved
            ? "DRBD n’a pas su choisir et a coupé la connexion (StandAlone)."
            : "node2 n’a pas été resynchronisé depuis node1.",
        };
      }),
  },
  {
    id: "ex3.2.lab-handler",
    points: 2,
    ok: "Dans le lab : split-brain avec deux Primary, non résolu, et votre handler a prévenu (/var/log/drbd-alerts.log).",
    fail: "Dans le lab (deux Primary qui écrivent pendant la coupure), aucune alerte de split-brain n’a été émise :",
    hint: "Avec deux Primary, after-sb-2pri disconnect laisse les nœuds StandAlone et DRBD appelle le handler split-brain : /scripts/notify-splitbrain.sh écrit dans /var/log/drbd-alerts.log.",
    test: (ctx) =>
      applyInLab(ctx, { ...LAB, afterwards: splitBrain(false) }, async (lab) => {
        const alert = await lab.file("node1", "/var/log/drbd-alerts.log");
        if (alert && alert.size > 0 && /split-brain/.test(await alert.text())) return { passed: true };
        const resolved = splitBrains(lab, "node1").some((e) => e.resolution === "automatic" && e.primaries === 2);
        return {
          passed: false,
          detail: resolved
            ? "le split-brain à deux Primary a été « résolu » automatiquement : des écritures acquittées ont été jetées."
            : "le handler split-brain n’a rien écrit dans /var/log/drbd-alerts.log.",
        };
      }),
  },
];

const SOLUTION = GLOBAL_COMMON_CONF.replace(
  "    handlers {\n",
  `    handlers {\n        split-brain "${HANDLER}";\n`,
).replace("after-sb-0pri discard-zero-changes;", "after-sb-0pri discard-younger-primary;");

export const ex3_2 = configExercise({
  id: "ex3.2",
  chapter: "tp3",
  title: "Exercice 3.2 : Configuration anti-split-brain",
  graderVersion: 1,
  path: GLOBAL_COMMON_PATH,
  hosts: HOSTS,
  initial: GLOBAL_COMMON_CONF,
  checks,
  solution: SOLUTION,
  wrong: [
    {
      name: "configuration inchangée",
      submission: GLOBAL_COMMON_CONF,
      failingChecks: ["ex3.2.handler", "ex3.2.after-sb-0pri"],
    },
    {
      name: "handler mal nommé (pri-lost-after-sb au lieu de split-brain)",
      submission: SOLUTION.replace(`split-brain "${HANDLER}"`, `pri-lost "${HANDLER}"`),
      failingChecks: ["ex3.2.handler", "ex3.2.lab-handler"],
    },
    {
      name: "discard-secondary remplacé par consensus",
      submission: SOLUTION.replace("after-sb-1pri discard-secondary;", "after-sb-1pri consensus;"),
      failingChecks: ["ex3.2.after-sb-1pri"],
    },
    {
      name: "résolution violente à deux Primary",
      submission: SOLUTION.replace("after-sb-2pri disconnect;", "after-sb-2pri violently-as0p;"),
      failingChecks: ["ex3.2.after-sb-2pri", "ex3.2.lab-handler"],
    },
  ],
});
