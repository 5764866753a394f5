import { labExercise } from "../lab/exercise";
import { changeAfter, fileOnDevice, inSyncWith, roleAndDisk, succeeded } from "../lab/predicates";
import type { CheckOutcome } from "../types";

/**
 * Exercise 5.1: inject the four failures of the workshop and recover from each. Injection and
 * recovery are read from the event log and the kernel logs; the end state must be healthy with
 * the data intact. Real equivalents of the lab scripts are accepted where they are unambiguous
 * (iptables for the network cut, docker for a crash is *not* this exercise's "crash": the lab's
 * `simulate-failure.sh crash` fails the disk under DRBD).
 */
const SIM = (kind: string) => new RegExp(`simulate-failure\\.sh\\s+${kind}\\b(?!.*--undo)`);
const UNDO = (kind: string) => new RegExp(`simulate-failure\\.sh\\s+${kind}\\b.*--undo`);

const SOLUTION = `# scenario: tp1.done
# 1. Panne réseau de 30 s
node1$ /scripts/simulate-failure.sh network 30s
wait 15s
node1$ drbdadm status r0
# 2. Disque lent
node1$ /scripts/simulate-failure.sh slow-disk
node1$ /scripts/monitor.sh latency
node1$ /scripts/simulate-failure.sh slow-disk --undo
# 3. Disque plein
node1$ /scripts/simulate-failure.sh disk-full
node1$ df -h /mnt/drbd
node1$ /scripts/simulate-failure.sh disk-full --undo
# 4. Panne du disque sous DRBD
node1$ /scripts/simulate-failure.sh crash
node1$ drbdadm status r0
node1$ /scripts/simulate-failure.sh crash --undo
wait 10s
node1$ drbdadm status r0
`;

function injectedAndUndone(ctx: Parameters<typeof succeeded>[0], kind: string): CheckOutcome {
  const inj = succeeded(ctx, SIM(kind), "node1")[0];
  if (!inj)
    return {
      passed: false,
      detail: `la panne « ${kind} » n’a pas été simulée (/scripts/simulate-failure.sh ${kind}).`,
    };
  const undo = succeeded(ctx, UNDO(kind), "node1").find((u) => u.index > inj.index);
  return undo
    ? { passed: true }
    : {
        passed: false,
        detail: `la panne « ${kind} » est toujours en place (/scripts/simulate-failure.sh ${kind} --undo).`,
      };
}

export const ex5_1 = labExercise({
  id: "ex5.1",
  chapter: "tp5",
  title: "Exercice 5.1 : Simulation de pannes",
  graderVersion: 2,
  startScenario: "tp1.done",
  checks: [
    {
      id: "ex5.1.network",
      points: 2,
      ok: "Panne réseau : la connexion est tombée puis DRBD s’est reconnecté de lui-même.",
      fail: "La panne réseau n’a pas été simulée puis surmontée :",
      hint: "/scripts/simulate-failure.sh network 30s, puis attendez la reconnexion (connect-int 10 s) et regardez drbdadm status r0.",
      test: (ctx) => {
        const inj = succeeded(ctx, /simulate-failure\.sh\s+network\b|iptables\s+-[AI]\s+\S+.*-j\s+DROP/, "node1")[0];
        if (!inj) return { passed: false, detail: "aucune coupure réseau simulée sur node1." };
        const link = { node: "node1", object: "connection", peer: "node2" } as const;
        const lost = changeAfter(
          ctx,
          {
            ...link,
            fields: [{ field: "connection", from: "Connected", to: /^(NetworkFailure|BrokenPipe|Timeout)$/ }],
          },
          inj.atUs,
        );
        if (!lost) return { passed: false, detail: "DRBD n’a jamais perdu la connexion après la coupure." };
        const back = changeAfter(ctx, { ...link, fields: [{ field: "connection", to: "Connected" }] }, lost.atUs);
        return back ? { passed: true } : { passed: false, detail: "la connexion n’est jamais revenue." };
      },
    },
    {
      id: "ex5.1.slow-disk",
      points: 1,
      ok: "Disque lent simulé, observé, puis rétabli.",
      fail: "Le disque lent n’a pas été simulé puis rétabli :",
      hint: "/scripts/simulate-failure.sh slow-disk, /scripts/monitor.sh latency, puis /scripts/simulate-failure.sh slow-disk --undo.",
      test: (ctx) => injectedAndUndone(ctx, "slow-disk"),
    },
    {
      id: "ex5.1.disk-full",
      points: 2,
      ok: "Disque plein simulé puis libéré.",
      fail: "Le disque plein n’a pas été simulé puis libéré :",
      hint: "/scripts/simulate-failure.sh disk-full, df -h /mnt/drbd, puis /scripts/simulate-failure.sh disk-full --undo.",
      test: (ctx) => injectedAndUndone(ctx, "disk-full"),
    },
    {
      id: "ex5.1.crash",
      points: 2,
      ok: "Panne du disque sous DRBD : le disque a été perdu puis rattaché et resynchronisé.",
      fail: "La panne du disque n’a pas été simulée puis réparée :",
      hint: "/scripts/simulate-failure.sh crash, drbdadm status r0 (disk:Diskless), puis /scripts/simulate-failure.sh crash --undo.",
      test: (ctx) => {
        const base = injectedAndUndone(ctx, "crash");
        if (!base.passed) return base;
        const d = roleAndDisk(ctx, "node1", "Primary", "UpToDate");
        return d.passed ? d : { passed: false, detail: `après réparation, ${d.detail}` };
      },
    },
    {
      id: "ex5.1.healthy",
      points: 2,
      ok: "Le cluster est sain à la fin et les données sont intactes.",
      fail: "Le cluster n’est pas sain à la fin :",
      hint: "node1 Primary et UpToDate, node2 synchronisé, /dev/drbd0 monté sur /mnt/drbd avec test.txt.",
      test: async (ctx) => {
        const sync = inSyncWith(ctx, "node1", "node2");
        if (!sync.passed) return sync;
        return fileOnDevice(
          ctx,
          "node1",
          { device: "/dev/drbd0", mountpoint: "/mnt/drbd" },
          "/mnt/drbd/test.txt",
          "non-empty",
        );
      },
    },
  ],
  solution: SOLUTION,
  wrong: [
    {
      name: "disque plein laissé plein",
      submission: SOLUTION.replace("node1$ /scripts/simulate-failure.sh disk-full --undo\n", ""),
      failingChecks: ["ex5.1.disk-full"],
    },
    {
      name: "disque en panne jamais réparé",
      submission: SOLUTION.replace("node1$ /scripts/simulate-failure.sh crash --undo\n", ""),
      failingChecks: ["ex5.1.crash"],
    },
    {
      name: "panne réseau oubliée",
      submission: SOLUTION.replace("node1$ /scripts/simulate-failure.sh network 30s\n", ""),
      failingChecks: ["ex5.1.network"],
    },
  ],
});
