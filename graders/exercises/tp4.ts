import type { LabCtx } from "../lab/context";
import { labExercise } from "../lab/exercise";
import { inSyncWith, mountedAt, roleAndDisk, succeeded } from "../lab/predicates";
import type { CheckOutcome } from "../types";

/**
 * TP4: PostgreSQL on DRBD, failed over to node2 with its data. The row count is asked from the
 * running server on node2 with psql, after the replay, in a terminal of its own.
 */
const PSQL_COUNT = `su - postgres -c "psql -d testdb -tAc 'SELECT COUNT(*) FROM test;'"`;

async function rowsOnNode2(ctx: LabCtx): Promise<CheckOutcome> {
  if (ctx.state.nodes.node2?.state !== "running") return { passed: false, detail: "node2 n’est pas démarré." };
  const r = await ctx.lab.exec({ machine: "node2", session: "grader" }, PSQL_COUNT);
  if (r.exitCode !== 0)
    return { passed: false, detail: `psql sur node2 échoue : ${(r.stderr || r.stdout).trim().split("\n")[0] ?? ""}` };
  const n = Number(r.stdout.trim());
  return n === 1000
    ? { passed: true }
    : { passed: false, detail: `la table test contient ${r.stdout.trim()} lignes au lieu de 1000.` };
}

const SOLUTION = `# scenario: tp1.done
# Étape 1 : stockage pour PostgreSQL sur le volume DRBD (node1 Primary)
node1$ mkdir -p /mnt/drbd/pgdata
node1$ chown -R postgres:postgres /mnt/drbd/pgdata
node1$ chmod 700 /mnt/drbd/pgdata
# Étape 2 : initialiser et démarrer PostgreSQL, base de test
node1$ su - postgres -c "initdb -D /mnt/drbd/pgdata"
node1$ su - postgres -c "pg_ctl -D /mnt/drbd/pgdata -l /tmp/pg.log start"
node1$ su - postgres -c "psql -c \\"CREATE DATABASE testdb;\\""
node1$ su - postgres -c "psql -d testdb -c \\"CREATE TABLE test (id SERIAL PRIMARY KEY, data TEXT, created_at TIMESTAMP DEFAULT NOW());\\""
# Étape 3 : données de test
node1$ su - postgres -c "psql -d testdb -c \\"INSERT INTO test (data) SELECT 'Record ' || generate_series(1,1000);\\""
# Étape 4 : failover de la base vers node2
node1$ su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"
node1$ umount /mnt/drbd
node1$ drbdadm secondary r0
node2$ drbdadm primary r0
node2$ mkdir -p /mnt/drbd
node2$ mount /dev/drbd0 /mnt/drbd
node2$ su - postgres -c "pg_ctl -D /mnt/drbd/pgdata -l /tmp/pg.log start"
node2$ ${PSQL_COUNT}
`;

export const tp4 = labExercise({
  id: "tp4",
  chapter: "tp4",
  title: "TP4 : Intégration avec une base de données",
  graderVersion: 1,
  startScenario: "tp1.done",
  checks: [
    {
      id: "tp4.clean-stop",
      points: 2,
      ok: "PostgreSQL a été arrêté proprement sur node1 avant le démontage.",
      fail: "PostgreSQL n’a pas été arrêté proprement sur node1 avant la bascule :",
      hint: 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop" avant umount /mnt/drbd.',
      test: (ctx) => {
        const stop = succeeded(ctx, /pg_ctl\b.*\bstop\b|pg-failover\.sh/, "node1")[0];
        if (!stop) return { passed: false, detail: "aucun pg_ctl stop réussi sur node1." };
        const umount = succeeded(ctx, /\bumount\b/, "node1").find((u) => u.index > stop.index);
        return umount || /pg-failover/.test(stop.input)
          ? { passed: true }
          : { passed: false, detail: "le volume n’a pas été démonté après l’arrêt." };
      },
    },
    {
      id: "tp4.node2-primary",
      points: 2,
      ok: "node2 est Primary, /dev/drbd0 monté sur /mnt/drbd.",
      fail: "node2 doit être Primary avec le volume monté :",
      hint: "Sur node2 : drbdadm primary r0, puis mount /dev/drbd0 /mnt/drbd.",
      test: (ctx) => {
        const r = roleAndDisk(ctx, "node2", "Primary", "UpToDate");
        return r.passed ? mountedAt(ctx, "node2", "/dev/drbd0", "/mnt/drbd") : r;
      },
    },
    {
      id: "tp4.data-intact",
      points: 4,
      ok: "PostgreSQL tourne sur node2 et les 1000 lignes sont là.",
      fail: "Les données ne sont pas accessibles sur node2 :",
      hint: 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata start" sur node2, puis SELECT COUNT(*) FROM test.',
      test: rowsOnNode2,
    },
    {
      id: "tp4.replicating",
      points: 1,
      ok: "node1 suit node2 comme Secondary à jour.",
      fail: "node1 ne réplique plus les données de node2 :",
      hint: "drbdadm status r0 sur node2 : node1 role:Secondary, peer-disk:UpToDate.",
      test: (ctx) => inSyncWith(ctx, "node2", "node1"),
    },
  ],
  solution: SOLUTION,
  wrong: [
    {
      name: "bascule sans arrêter PostgreSQL (umount refusé)",
      submission: SOLUTION.replace(`node1$ su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"\n`, ""),
      failingChecks: ["tp4.clean-stop", "tp4.node2-primary", "tp4.data-intact"],
    },
    {
      name: "PostgreSQL pas redémarré sur node2",
      submission: SOLUTION.replace(`node2$ su - postgres -c "pg_ctl -D /mnt/drbd/pgdata -l /tmp/pg.log start"\n`, ""),
      failingChecks: ["tp4.data-intact"],
    },
  ],
});
