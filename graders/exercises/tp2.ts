import type { LabCtx } from "../lab/context";
import { labExercise } from "../lab/exercise";
import { inSyncWith, roleAndDisk, succeeded } from "../lab/predicates";
import type { Check, CheckOutcome } from "../types";

/**
 * TP2: try protocols A, B and C in turn, with a write benchmark under each, and end in C.
 * Graded on the event log (which protocol was set when each benchmark ran) and on the final
 * configuration of both nodes as drbdadm reads it.
 */
const SET = (p: string) => new RegExp(`(change-protocol\\.sh\\s+${p}\\b|--protocol[= ]${p}\\b|protocol\\s+${p}\\s*;)`);
const ANY_SET = /(change-protocol\.sh\s+[ABC]\b|--protocol[= ][ABC]\b|protocol\s+[ABC]\s*;)/;
const BENCH = /(benchmark\.sh\s+(write|latency)|\bfio\b|\bdd\b.*\bof=\/(dev\/drbd0|mnt\/drbd))/;

function benchmarkedUnder(ctx: LabCtx, p: string): CheckOutcome {
  const sets = succeeded(ctx, SET(p), "node1");
  if (sets.length === 0) return { passed: false, detail: `le protocole ${p} n’a jamais été activé sur node1.` };
  const changes = succeeded(ctx, ANY_SET, "node1");
  for (const s of sets) {
    const next = changes.find((c) => c.index > s.index)?.index ?? Number.MAX_SAFE_INTEGER;
    if (succeeded(ctx, BENCH, "node1").some((b) => b.index > s.index && b.index < next)) return { passed: true };
  }
  return { passed: false, detail: `aucun benchmark d’écriture réussi pendant que le protocole ${p} était actif.` };
}

const protocolCheck = (p: string, what: string): Check<LabCtx> => ({
  id: `tp2.protocol-${p.toLowerCase()}`,
  points: 2,
  ok: `Protocole ${p} mesuré (${what}).`,
  fail: `Le protocole ${p} n’a pas été mesuré :`,
  hint: `Sur node1 : /scripts/change-protocol.sh ${p}, puis /scripts/benchmark.sh write.`,
  test: (ctx) => benchmarkedUnder(ctx, p),
});

export const TP2_SOLUTION = `# scenario: tp1.done
${["A", "B", "C"]
  .map(
    (p) =>
      `# Protocole ${p}\nnode1$ /scripts/change-protocol.sh ${p}\nnode2$ /scripts/change-protocol.sh ${p}\nnode1$ /scripts/benchmark.sh write\n`,
  )
  .join("")}node1$ drbdadm status r0
`;

export const tp2 = labExercise({
  id: "tp2",
  chapter: "tp2",
  title: "TP2 : Modes de réplication",
  graderVersion: 2,
  startScenario: "tp1.done",
  checks: [
    protocolCheck("A", "asynchrone"),
    protocolCheck("B", "semi-synchrone"),
    protocolCheck("C", "synchrone"),
    {
      id: "tp2.final-c",
      points: 2,
      ok: "Les deux nœuds sont revenus au protocole C, recommandé pour la haute disponibilité.",
      fail: "À la fin, la configuration doit être en protocole C sur les deux nœuds :",
      hint: "Terminez par /scripts/change-protocol.sh C, sur node1 et sur node2 : les deux fichiers doivent déclarer le même protocole.",
      test: async (ctx) => {
        const bad: string[] = [];
        for (const n of ["node1", "node2"]) {
          const p = (await ctx.config(n))?.peers[0]?.settings.protocol;
          if (p !== "C")
            bad.push(`${n} : ${p ? `protocole ${p}` : `configuration refusée (${await ctx.configError(n)})`}`);
        }
        return bad.length === 0 ? { passed: true } : { passed: false, detail: `${bad.join(" ; ")}.` };
      },
    },
    {
      id: "tp2.healthy",
      points: 1,
      ok: "La réplication fonctionne toujours : node1 Primary, node2 à jour.",
      fail: "La réplication ne fonctionne plus à la fin :",
      hint: "drbdadm status r0 sur node1 ; si la connexion est tombée, vérifiez que les deux nœuds ont le même protocole.",
      test: (ctx) => {
        const a = roleAndDisk(ctx, "node1", "Primary", "UpToDate");
        return a.passed ? inSyncWith(ctx, "node1", "node2") : a;
      },
    },
  ],
  solution: TP2_SOLUTION,
  wrong: [
    {
      name: "protocole B jamais mesuré",
      submission: TP2_SOLUTION.replace(
        "node1$ /scripts/change-protocol.sh B\nnode2$ /scripts/change-protocol.sh B\nnode1$ /scripts/benchmark.sh write\n",
        "",
      ),
      failingChecks: ["tp2.protocol-b"],
    },
    {
      name: "terminé en protocole A",
      submission: `${TP2_SOLUTION}node1$ /scripts/change-protocol.sh A\nnode2$ /scripts/change-protocol.sh A\n`,
      failingChecks: ["tp2.final-c"],
    },
    {
      name: "protocoles changés sans benchmark",
      submission: TP2_SOLUTION.replaceAll("node1$ /scripts/benchmark.sh write\n", ""),
      failingChecks: ["tp2.protocol-a", "tp2.protocol-b", "tp2.protocol-c"],
    },
  ],
});
