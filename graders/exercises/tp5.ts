import type { LabCtx } from "../lab/context";
import { labExercise } from "../lab/exercise";
import { inSyncWith, roleAndDisk, succeeded } from "../lab/predicates";
import type { Check, CheckOutcome } from "../types";

/**
 * TP5: monitoring and alerts. Graded: the alert handlers of §8.3 are in the DRBD configuration
 * of both nodes (as drbdadm reads it), the learner looked at the state with a monitoring
 * command, and the cluster is healthy at the end. Starts from "tp1.synced": nothing in TP5
 * needs the file system. Real DRBD wins over the workshop's handlers.res: a `handlers` block
 * must sit inside `common` or a resource, a split-brain alert is the `split-brain` handler
 * (`pri-lost-after-sb` only runs with the call-pri-lost-after-sb policy), and `local-io-error`
 * only runs with `on-io-error call-local-io-error` (drbd_state.c: was_io_error && eh ==
 * EP_CALL_HELPER; `detach`, the default, never calls it).
 */
const NODES = ["node1", "node2"];
const norm = (v: string | undefined) => v?.trim().replace(/\s+/g, " ");

/** `want` null: any command will do, the handler only has to be defined. */
async function handler(ctx: LabCtx, name: string, want: string | null): Promise<CheckOutcome> {
  // Same problem on both nodes → said once: "node1, node2 : …".
  const byProblem = new Map<string, string[]>();
  for (const n of NODES) {
    const r = await ctx.config(n);
    let problem: string | null = null;
    if (!r) problem = `drbdadm refuse la configuration (${(await ctx.configError(n)) ?? "r0 absent"})`;
    else {
      const got = norm(r.handlers[name]);
      if (got === undefined || (want !== null && got !== want))
        problem = `${name} ${got ? `appelle « ${got} »` : "n’est pas défini"}`;
    }
    if (problem) byProblem.set(problem, [...(byProblem.get(problem) ?? []), n]);
  }
  if (byProblem.size === 0) return { passed: true };
  return { passed: false, detail: [...byProblem].map(([p, nodes]) => `${nodes.join(", ")} : ${p}`).join(" ; ") };
}

const alert = (id: string, name: string, arg: string, points: number, ok: string): Check<LabCtx> => ({
  id: `tp5.alert-${id}`,
  points,
  ok,
  fail: `Le handler ${name} doit appeler « /scripts/alert.sh ${arg} » sur les deux nœuds :`,
  hint: `Dans un bloc handlers { } de common (global_common.conf) ou de la ressource r0 : ${name} "/scripts/alert.sh ${arg}";`,
  test: (ctx) => handler(ctx, name, `/scripts/alert.sh ${arg}`),
});

const checks: Check<LabCtx>[] = [
  alert(
    "degraded",
    "pri-on-incon-degr",
    "degraded",
    1,
    "Alerte si le Primary perd son dernier disque à jour (pri-on-incon-degr).",
  ),
  {
    id: "tp5.alert-splitbrain",
    points: 2,
    ok: "Un split-brain déclenche une alerte : le handler split-brain est défini.",
    fail: "Le split-brain n’est pas signalé par le handler split-brain :",
    hint: 'Le handler appelé à chaque split-brain non résolu est « split-brain » (par exemple "/scripts/alert.sh splitbrain") ; pri-lost-after-sb n’est appelé qu’avec la politique call-pri-lost-after-sb.',
    test: async (ctx) => {
      const sb = await handler(ctx, "split-brain", null);
      if (sb.passed) return sb;
      const lost = await handler(ctx, "pri-lost-after-sb", "/scripts/alert.sh splitbrain");
      if (lost.passed) {
        return {
          passed: false,
          fraction: 0.5,
          detail:
            "pri-lost-after-sb est bien configuré comme dans le workshop, mais DRBD ne l’appelle qu’avec la politique call-pri-lost-after-sb ; pour être prévenu de tout split-brain, utilisez le handler split-brain.",
        };
      }
      return sb;
    },
  },
  {
    id: "tp5.alert-io-error",
    points: 1,
    ok: "Alerte sur erreur d’entrée-sortie du disque local : handler local-io-error, appelé grâce à on-io-error call-local-io-error.",
    fail: "Une erreur d’E/S du disque local ne déclenche pas « /scripts/alert.sh io-error » sur les deux nœuds :",
    hint: 'Le handler local-io-error "/scripts/alert.sh io-error"; ne s’exécute qu’avec la politique « on-io-error call-local-io-error; » (section disk) : avec detach, le défaut, DRBD détache le disque sans appeler de handler.',
    test: async (ctx) => {
      const defined = await handler(ctx, "local-io-error", "/scripts/alert.sh io-error");
      if (!defined.passed) return defined;
      const detach: string[] = [];
      for (const n of NODES) {
        const policy = (await ctx.config(n))?.settings.onIoError;
        if (policy !== "call-local-io-error") detach.push(`${n} (on-io-error ${policy ?? "?"})`);
      }
      if (detach.length === 0) return { passed: true };
      return {
        passed: false,
        fraction: 0.5,
        detail: `le handler local-io-error est défini, mais DRBD ne l’appelle qu’avec on-io-error call-local-io-error : ${detach.join(", ")} ne l’appellera jamais.`,
      };
    },
  },
  alert(
    "fence-peer",
    "fence-peer",
    "fence-peer",
    1,
    "fence-peer est configuré ; il ne sert qu’avec le fencing activé, et alors son code de sortie décide de la promotion : un vrai script de fencing, pas une simple alerte.",
  ),
  {
    id: "tp5.monitoring",
    points: 1,
    ok: "Vous avez consulté l’état de DRBD avec un outil de supervision.",
    fail: "Aucune commande de supervision n’a été lancée.",
    hint: "drbdadm status r0, drbdsetup status r0 --verbose --statistics, ou drbdsetup events2 r0.",
    test: (ctx) =>
      succeeded(
        ctx,
        /\b(drbdadm\s+status|drbdsetup\s+(status|events2)|drbdmon|monitor\.sh|drbd-stats\.sh|drbd-status\.sh)\b/,
      ).length > 0,
  },
  {
    id: "tp5.healthy",
    points: 2,
    ok: "Le cluster est sain : node1 Primary, node2 synchronisé.",
    fail: "Le cluster n’est pas sain à la fin :",
    hint: "drbdadm status r0 sur node1 : role:Primary, disk:UpToDate, node2 peer-disk:UpToDate.",
    test: (ctx) => {
      const a = roleAndDisk(ctx, "node1", "Primary", "UpToDate");
      return a.passed ? inSyncWith(ctx, "node1", "node2") : a;
    },
  },
];

const IO_ERROR_POLICY = `    disk {
        on-io-error call-local-io-error;
    }
`;

const HANDLERS = `    handlers {
        pri-on-incon-degr "/scripts/alert.sh degraded";
        split-brain "/scripts/alert.sh splitbrain";
        local-io-error "/scripts/alert.sh io-error";
        fence-peer "/scripts/alert.sh fence-peer";
    }
`;

const r0With = (handlers: string) => `resource r0 {
    device /dev/drbd0;
    disk /dev/sda1;
    meta-disk internal;
${handlers}${IO_ERROR_POLICY}
    on node1 {
        address 172.28.0.11:7788;
    }
    on node2 {
        address 172.28.0.12:7788;
    }
}
`;

const write = (node: string, text: string) => `${node}$ cat > /etc/drbd.d/r0.res <<'EOF'\n${text}EOF\n`;

const solutionWith = (handlers: string, nodes = NODES) => `# scenario: tp1.synced
node1$ drbdadm status r0
node1$ drbdsetup status r0 --verbose --statistics
# 8.3 : alertes, dans la ressource r0, sur les deux nœuds
${nodes.map((n) => write(n, r0With(handlers))).join("")}${nodes.map((n) => `${n}$ drbdadm adjust r0\n`).join("")}node1$ drbdadm status r0
`;

export const tp5 = labExercise({
  id: "tp5",
  chapter: "tp5",
  title: "TP5 : Monitoring et troubleshooting",
  graderVersion: 2,
  startScenario: "tp1.synced",
  checks,
  solution: solutionWith(HANDLERS),
  wrong: [
    {
      name: "handlers.res du workshop tel quel (bloc handlers hors de toute section)",
      submission: `# scenario: tp1.synced\nnode1$ drbdadm status r0\n${["node1", "node2"].map((n) => `${n}$ cat > /etc/drbd.d/handlers.res <<'EOF'\n${HANDLERS.replace(/^ {4}/gm, "")}EOF\n`).join("")}`,
      failingChecks: ["tp5.alert-degraded", "tp5.alert-splitbrain", "tp5.alert-io-error", "tp5.alert-fence-peer"],
    },
    {
      name: "pri-lost-after-sb au lieu de split-brain",
      submission: solutionWith(HANDLERS.replace("split-brain", "pri-lost-after-sb")),
      failingChecks: ["tp5.alert-splitbrain"],
    },
    {
      name: "alertes configurées sur node1 seulement",
      submission: solutionWith(HANDLERS, ["node1"]),
      failingChecks: ["tp5.alert-degraded", "tp5.alert-splitbrain", "tp5.alert-io-error", "tp5.alert-fence-peer"],
    },
    {
      name: "local-io-error défini mais on-io-error detach (le handler ne serait jamais appelé)",
      submission: solutionWith(HANDLERS).replaceAll(IO_ERROR_POLICY, ""),
      failingChecks: ["tp5.alert-io-error"],
    },
    {
      name: "node2 laissé déconnecté",
      submission: `${solutionWith(HANDLERS)}node2$ drbdadm disconnect r0\n`,
      failingChecks: ["tp5.healthy"],
    },
  ],
});
