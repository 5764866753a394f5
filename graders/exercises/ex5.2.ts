import { R0_RES, R0_RES_PATH } from "../../engine/drbd/config/index";
import { getTopology } from "../../engine/world/topology";
import { type ConfigCtx, prepareConfig, where } from "../config/context";
import { configExercise } from "../config/exercise";
import { type Measurements, measured } from "../config/measure";
import { r0Preserved } from "../config/r0";
import { frNumber } from "../format";
import type { Check, CheckOutcome } from "../types";

/**
 * Exercise 5.2: tune r0 for three goals. The starting r0.res carries two costly settings left
 * from an old diagnosis (data-integrity-alg and csums-alg), so that "reduce CPU" has something
 * to remove. What counts (drbd-behavior §3.3, §4, §6; annex C of the workshop):
 * - write latency: protocol A or B (the write no longer waits for the peer's disk; RPO > 0 with
 *   A), or a larger activity log (al-extents > 1237: fewer meta-data updates on writes).
 *   no-disk-flushes/no-md-flushes are already in common (safe only with a battery-backed cache).
 * - resync throughput: raise the controller's ceiling, c-max-rate above its 100 MiB/s default
 *   (annex C: 720M), or a fixed resync-rate above it with c-plan-ahead 0.
 * - CPU: data-integrity-alg hashes every replicated write on both nodes (a debugging aid);
 *   csums-alg hashes every block to resync on both nodes (worth it only on a slow link).
 */
const HOSTS = getTopology("two-nodes").nodes.map((n) => ({ name: n.name, ip: n.ip }));
const DEFAULT_MAX_KIB = 102400;

export const INITIAL = R0_RES.replace(
  "    protocol C;\n",
  "    protocol C;\n    net {\n        data-integrity-alg sha256;\n        csums-alg sha256;\n    }\n",
);

function everyHost(ctx: ConfigCtx, test: (host: string) => CheckOutcome): CheckOutcome {
  const results = ctx.hosts.map((h) => test(h.name));
  const failed = results.filter((r) => !r.passed);
  if (failed.length === 0) return { passed: true, detail: results[0]?.detail ?? "" };
  const fraction = Math.min(...results.map((r) => r.fraction ?? (r.passed ? 1 : 0)));
  return { passed: false, fraction, detail: [...new Set(failed.map((r) => r.detail))].join(" ") };
}

function latency(ctx: ConfigCtx, host: string): CheckOutcome {
  const r = ctx.resolve("r0", host);
  const protocol = r?.peers[0]?.settings.protocol ?? "C";
  const al = r?.settings.alExtents ?? 1237;
  const levers: string[] = [];
  if (protocol === "A")
    levers.push(
      "protocole A (écriture acquittée sans attendre le pair ; les dernières écritures peuvent être perdues si le Primary tombe)",
    );
  if (protocol === "B") levers.push("protocole B (attend seulement la réception par le pair)");
  if (al > 1237) {
    levers.push(
      `al-extents ${al} (moins de mises à jour des métadonnées, quand les écritures se dispersent sur plus de zones que l’activity log n’en couvre)`,
    );
  }
  return levers.length
    ? { passed: true, detail: `Leviers : ${levers.join(", ")}.` }
    : {
        passed: false,
        detail: `Protocole ${protocol} (${where(ctx, "r0", "protocol")}) et al-extents ${al} : rien ne raccourcit l’écriture.`,
      };
}

function resync(ctx: ConfigCtx, host: string): CheckOutcome {
  const pd = ctx.resolve("r0", host)?.peers[0]?.volumes[0]?.peerDevice ?? {};
  const max = typeof pd["c-max-rate"] === "number" ? pd["c-max-rate"] : DEFAULT_MAX_KIB;
  const plan = typeof pd["c-plan-ahead"] === "number" ? pd["c-plan-ahead"] : 20;
  const rate = typeof pd["resync-rate"] === "number" ? pd["resync-rate"] : 250;
  const buffers = ctx.resolve("r0", host)?.peers[0]?.settings.maxBuffersPages ?? 2048;
  const extra = buffers > 8000 ? ` max-buffers ${buffers} laisse aussi plus de données en vol.` : "";
  if (plan === 0) {
    return rate > DEFAULT_MAX_KIB
      ? { passed: true, detail: `Débit fixe resync-rate ${rate} KiB/s (c-plan-ahead 0).${extra}` }
      : {
          passed: false,
          detail: `c-plan-ahead 0 fixe le débit à resync-rate, ${rate} KiB/s : pas plus rapide que le plafond par défaut.`,
        };
  }
  if (max > DEFAULT_MAX_KIB) return { passed: true, detail: `Plafond c-max-rate ${max} KiB/s.${extra}` };
  if (rate > DEFAULT_MAX_KIB) {
    return {
      passed: false,
      fraction: 0.5,
      detail: `resync-rate ${rate} KiB/s n’est que la valeur de départ du contrôleur dynamique (c-plan-ahead ${plan}) ; le plafond reste c-max-rate, ${max} KiB/s.`,
    };
  }
  return {
    passed: false,
    detail: `Le plafond c-max-rate vaut ${max} KiB/s (${where(ctx, "r0", "c-max-rate")}), la valeur par défaut.`,
  };
}

function cpu(ctx: ConfigCtx, host: string): CheckOutcome {
  const net = ctx.resolve("r0", host)?.peers[0]?.net ?? {};
  if (net["data-integrity-alg"] !== undefined) {
    return {
      passed: false,
      fraction: 0,
      detail: `data-integrity-alg ${String(net["data-integrity-alg"])} (${where(ctx, "r0", "data-integrity-alg")}) calcule une empreinte de chaque écriture répliquée sur les deux nœuds : c’est un outil de diagnostic.`,
    };
  }
  if (net["csums-alg"] !== undefined) {
    return {
      passed: false,
      fraction: 0.5,
      detail: `csums-alg ${String(net["csums-alg"])} (${where(ctx, "r0", "csums-alg")}) calcule une empreinte de chaque bloc à resynchroniser sur les deux nœuds ; utile sur un lien lent, coûteux en CPU sur un LAN rapide.`,
    };
  }
  return { passed: true, detail: "Ni data-integrity-alg ni csums-alg." };
}

const SETUP = { path: R0_RES_PATH, hosts: HOSTS };

/** The starting configuration measured once: what the learner's tuning is compared with. */
let baseline: Promise<Measurements> | null = null;
function baselineMeasurements(): Promise<Measurements> {
  baseline ??= (async () => {
    const p = prepareConfig(SETUP, INITIAL);
    if (!p.valid) throw new Error(`ex5.2 starting configuration is invalid: ${p.reason}`);
    return measured(p.ctx);
  })();
  return baseline;
}

const ms = (x: number) => `${frNumber(x, { minDecimals: 2 })} ms`;
const mibs = (kib: number) => `${Math.round(kib / 1024)} MiB/s`;

const checks: Check<ConfigCtx>[] = [
  {
    id: "ex5.2.latency",
    points: 3,
    ok: "Latence d’écriture réduite.",
    fail: "Aucun réglage ne réduit la latence d’écriture :",
    hint: "Qu’attend une écriture en protocole C ? Et que fait DRBD dans ses métadonnées quand on écrit dans une nouvelle zone du disque ?",
    test: (ctx) => everyHost(ctx, (h) => latency(ctx, h)),
  },
  {
    id: "ex5.2.resync",
    points: 3,
    ok: "Débit de resynchronisation augmenté.",
    fail: "Le débit de resynchronisation n’est pas augmenté :",
    hint: "Voir l’annexe C : en DRBD 9 le plafond du contrôleur dynamique est c-max-rate (section disk).",
    test: (ctx) => everyHost(ctx, (h) => resync(ctx, h)),
  },
  {
    id: "ex5.2.cpu",
    points: 3,
    ok: "Aucun calcul d’empreinte superflu : CPU économisé.",
    fail: "Des calculs d’empreinte coûteux restent actifs :",
    hint: "Regardez la section net de r0 : quels algorithmes de hachage y sont configurés, et servent-ils en production ?",
    test: (ctx) => everyHost(ctx, (h) => cpu(ctx, h)),
  },
  {
    id: "ex5.2.preserved",
    points: 1,
    ok: "La ressource r0 est toujours la même (disques, périphérique, adresses).",
    fail: "L’optimisation a changé la ressource elle-même :",
    hint: "Gardez /dev/drbd0, /dev/sda1 et les adresses IP ; ne changez que des options.",
    test: r0Preserved,
  },
  {
    id: "ex5.2.lab-latency",
    points: 2,
    ok: "Mesuré dans le lab (benchmark.sh latency) : la latence d’écriture a baissé.",
    fail: "Mesurée dans le lab (benchmark.sh latency, configuration appliquée sur les deux nœuds), la latence d’écriture n’a pas baissé :",
    hint: "Comparez « /scripts/benchmark.sh latency » avant et après votre modification : le détail « Where the time goes » montre ce qui coûte.",
    test: async (ctx) => {
      const [base, now] = await Promise.all([baselineMeasurements(), measured(ctx)]);
      if (now.problem || now.latencyMs === null || base.latencyMs === null)
        return { passed: false, detail: `${now.problem ?? "mesure impossible"}.` };
      const detail = `${ms(now.latencyMs)} au lieu de ${ms(base.latencyMs)} avec la configuration de départ.`;
      return { passed: now.latencyMs < base.latencyMs, detail };
    },
  },
  {
    id: "ex5.2.lab-resync",
    points: 2,
    ok: "Mesuré dans le lab (drbdadm invalidate r0 sur node2) : la resynchronisation complète est plus rapide.",
    fail: "Mesurée dans le lab (resynchronisation complète de node2), la resynchronisation n’est pas plus rapide :",
    hint: "Le plafond du contrôleur dynamique est c-max-rate ; relevez-le (annexe C : 720M).",
    test: async (ctx) => {
      const [base, now] = await Promise.all([baselineMeasurements(), measured(ctx)]);
      if (now.problem || now.resyncKiBs === null || base.resyncKiBs === null)
        return { passed: false, detail: `${now.problem ?? "mesure impossible"}.` };
      const detail = `${mibs(now.resyncKiBs)} au lieu de ${mibs(base.resyncKiBs)} avec la configuration de départ.`;
      return { passed: now.resyncKiBs >= base.resyncKiBs * 1.2, detail };
    },
  },
];

// Protocol B: the write waits for the peer's receipt, not its disk; data is lost only if both
// nodes fail at once — a milder trade-off than A for a data resource.
const SOLUTION = INITIAL.replace("    protocol C;\n", "    protocol B;\n").replace(
  "    net {\n        data-integrity-alg sha256;\n        csums-alg sha256;\n    }\n",
  "    net {\n        max-buffers 36k;\n        sndbuf-size 1024k;\n        rcvbuf-size 2048k;\n    }\n    disk {\n        al-extents 3389;\n        c-max-rate 720M;\n    }\n",
);

export const ex5_2 = configExercise({
  id: "ex5.2",
  chapter: "tp5",
  title: "Exercice 5.2 : Optimisation",
  graderVersion: 1,
  path: R0_RES_PATH,
  hosts: HOSTS,
  initial: INITIAL,
  checks,
  solution: SOLUTION,
  wrong: [
    {
      name: "configuration de départ",
      submission: INITIAL,
      failingChecks: ["ex5.2.latency", "ex5.2.resync", "ex5.2.cpu"],
    },
    {
      name: "csums-alg gardé",
      submission: SOLUTION.replace("max-buffers 36k;", "max-buffers 36k;\n        csums-alg sha256;"),
      failingChecks: ["ex5.2.cpu"],
    },
    {
      name: "resync-rate relevé sans c-plan-ahead 0",
      submission: SOLUTION.replace("c-max-rate 720M;", "resync-rate 720M;"),
      failingChecks: ["ex5.2.resync", "ex5.2.lab-resync"],
    },
  ],
});
