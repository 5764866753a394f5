import { GLOBAL_COMMON_CONF, GLOBAL_COMMON_PATH } from "../../engine/drbd/config/index";
import { getTopology } from "../../engine/world/topology";
import type { ConfigCtx } from "../config/context";
import { where } from "../config/context";
import { configExercise } from "../config/exercise";
import type { Check, CheckOutcome } from "../types";

/**
 * Exercise 3.2: split-brain handler and after-sb policies, as given by the workshop. Checked on
 * the *effective* settings of r0 on both nodes, so they may be written in `common` (the file the
 * exercise opens) or in r0 itself. The policy semantics are DRBD's (drbd-behavior §5.4).
 */
const HOSTS = getTopology("two-nodes").nodes.map((n) => ({ name: n.name, ip: n.ip }));
const HANDLER = "/scripts/notify-splitbrain.sh";

function effective(ctx: ConfigCtx, pick: (h: string) => string | undefined, want: string, name: string): CheckOutcome {
  const bad = ctx.hosts
    .map((h) => ({ host: h.name, value: pick(h.name) }))
    .filter((x) => x.value !== want)
    .map(
      (x) =>
        `${x.host} : ${name} ${x.value === undefined ? "absent" : `vaut « ${x.value} »`} (${where(ctx, "r0", name)})`,
    );
  return bad.length === 0 ? { passed: true } : { passed: false, detail: `${bad.join(" ; ")}.` };
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
      failingChecks: ["ex3.2.handler"],
    },
    {
      name: "discard-secondary remplacé par consensus",
      submission: SOLUTION.replace("after-sb-1pri discard-secondary;", "after-sb-1pri consensus;"),
      failingChecks: ["ex3.2.after-sb-1pri"],
    },
    {
      name: "résolution violente à deux Primary",
      submission: SOLUTION.replace("after-sb-2pri disconnect;", "after-sb-2pri violently-as0p;"),
      failingChecks: ["ex3.2.after-sb-2pri"],
    },
  ],
});
