import { frNumber } from "../format";
import type { LabCtx } from "../lab/context";
import { changeAfter } from "../lab/predicates";
import { type ScriptCtx, scriptExercise } from "../lab/script";
import type { Check, CheckOutcome } from "../types";

/**
 * Exercise 3.1: an automatic failover script run on node2. Graded on behaviour, in two labs
 * started from "tp1.synced" (node1 Primary, node2 Secondary, in sync):
 *  - failure: node1 crashes (docker stop --time=0), then the script runs (≤ 180 s virtual);
 *    it must promote node2, no sooner than the 30 s grace period after the crash, and notify
 *    (a line in /var/log/drbd-failover.log);
 *  - healthy: the script runs 120 s with nothing broken: no promotion attempt succeeds anyway
 *    (DRBD refuses a second Primary), but it must not raise a false alarm either.
 * Times come from node2's state history (its role change to Primary) and the lab's event log.
 */
const GRACE_US = 30_000_000;
const LATE_US = 120_000_000;
const LOG = "/var/log/drbd-failover.log";

function promotionUs(lab: LabCtx, afterUs: number): number | null {
  const e = changeAfter(
    lab,
    { node: "node2", object: "resource", fields: [{ field: "role", from: "Secondary", to: "Primary" }] },
    afterUs,
  );
  return e ? e.atUs : null;
}

function crashUs(lab: LabCtx): number {
  const e = lab.lab
    .events()
    .find((x) => x.kind === "exec" && x.target === "host" && /docker stop drbd-node1/.test(x.input));
  return e ? e.atUs + e.durationUs : 0;
}

const s = (us: number) => `${frNumber(us / 1_000_000, { minDecimals: 1, maxDecimals: 1 })} s`;

const checks: Check<ScriptCtx>[] = [
  {
    id: "ex3.1.promotes",
    points: 3,
    ok: "Après la panne de node1, le script a promu node2 : il est Primary et UpToDate.",
    fail: "Après la panne de node1, node2 doit finir Primary :",
    hint: "Une fois la panne confirmée, « drbdadm primary r0 » suffit : node2 est UpToDate et son pair a disparu.",
    test: ({ failure }): CheckOutcome => {
      const r = failure.lab.drbd("node2");
      if (!r) return { passed: false, detail: "la ressource r0 n’est plus active sur node2." };
      const disk = r.devices[0]?.disk ?? "?";
      return r.role === "Primary" && disk === "UpToDate"
        ? { passed: true }
        : { passed: false, detail: `node2 est ${r.role}, disque ${disk}.` };
    },
  },
  {
    id: "ex3.1.grace",
    points: 3,
    ok: "La promotion respecte la période de grâce de 30 s (sans attendre indéfiniment).",
    fail: "La période de grâce n’est pas respectée :",
    hint: "Après avoir constaté la panne, « sleep 30 », puis vérifiez qu’elle dure toujours avant de promouvoir.",
    test: ({ failure }): CheckOutcome => {
      const crash = crashUs(failure.lab);
      const p = promotionUs(failure.lab, crash);
      if (p === null) return { passed: false, detail: "node2 n’a jamais été promu." };
      const d = p - crash;
      if (d < GRACE_US)
        return { passed: false, detail: `promotion ${s(d)} après le crash, moins que les 30 s de grâce.` };
      if (d > LATE_US) return { passed: false, detail: `promotion ${s(d)} après le crash : bien trop tard.` };
      return { passed: true, detail: `Promotion ${s(d)} après le crash.` };
    },
  },
  {
    id: "ex3.1.notifies",
    points: 2,
    ok: `Une notification est écrite dans ${LOG}.`,
    fail: `Aucune notification dans ${LOG} après le failover :`,
    hint: `Ajoutez par exemple : echo "$(date) failover : node2 promu Primary" >> ${LOG}`,
    test: async ({ failure }): Promise<CheckOutcome> => {
      const f = await failure.lab.file("node2", LOG);
      return f && f.size > 0
        ? { passed: true }
        : { passed: false, detail: f ? "le fichier est vide." : "le fichier n’existe pas." };
    },
  },
  {
    id: "ex3.1.no-false-alarm",
    points: 2,
    ok: "Sans panne, le script surveille sans rien faire : pas de fausse alerte.",
    fail: "Sans aucune panne, le script a réagi quand même :",
    hint: "Ne promouvez et ne notifiez que si la connexion à node1 est perdue (drbdadm cstate r0 différent de Connected), et toujours perdue après la grâce.",
    test: async ({ healthy }): Promise<CheckOutcome> => {
      const problems: string[] = [];
      if (healthy.lab.drbd("node2")?.role !== "Secondary") problems.push("node2 n’est plus Secondary");
      if (healthy.lab.drbd("node1")?.role !== "Primary") problems.push("node1 n’est plus Primary");
      const f = await healthy.lab.file("node2", LOG);
      if (f && f.size > 0) problems.push(`une notification a été écrite dans ${LOG}`);
      return problems.length === 0 ? { passed: true } : { passed: false, detail: `${problems.join(" ; ")}.` };
    },
  },
];

const SOLUTION = `#!/bin/bash
# Failover automatique de r0 vers ce nœud (node2)
GRACE=30
LOG=${LOG}

connected() { drbdadm cstate r0 2>/dev/null | grep -q '^Connected$'; }

# 1. Détecter la panne du Primary
while connected; do
  sleep 5 || break
done

# 2. Période de grâce : la panne doit durer
sleep $GRACE
if connected; then
  exit 0
fi

# 3. Promouvoir ce nœud
if drbdadm primary r0; then
  # 4. Notifier
  echo "$(date) failover r0 : $(hostname) promu Primary" >> $LOG
fi
`;

export const ex3_1 = scriptExercise({
  id: "ex3.1",
  chapter: "tp3",
  title: "Exercice 3.1 : Automatisation du failover",
  graderVersion: 1,
  startScenario: "tp1.synced",
  harness: {
    node: "node2",
    path: "/root/failover.sh",
    before: { failure: "host$ docker stop drbd-node1 --time=0\n", healthy: "" },
    timeoutS: { failure: 180, healthy: 120 },
  },
  checks,
  solution: SOLUTION,
  wrong: [
    {
      name: "promotion immédiate, sans période de grâce",
      submission: SOLUTION.replace("sleep $GRACE\n", ""),
      failingChecks: ["ex3.1.grace"],
    },
    {
      name: "aucune détection : attend 30 s puis promeut et notifie",
      submission: `#!/bin/bash\nsleep 30\ndrbdadm primary r0\necho "$(date) failover" >> ${LOG}\n`,
      failingChecks: ["ex3.1.no-false-alarm"],
    },
    {
      name: "pas de notification",
      submission: SOLUTION.replace(/ {2}echo .*\n/, "  true\n"),
      failingChecks: ["ex3.1.notifies"],
    },
  ],
});
