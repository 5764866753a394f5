import type { Lab } from "../../engine/index";
import type { LabObserver, ReplayStep } from "../lab/context";
import { labExercise } from "../lab/exercise";
import {
  countRows,
  drbdNow,
  isDrbdDevice,
  type PgSeen,
  pgOn,
  type RowCount,
  runningNode,
  whereText,
} from "../lab/observe";
import type { CheckOutcome } from "../types";

/**
 * TP4: PostgreSQL on DRBD, failed over to node2 with its data. The lab is replayed on the
 * server and watched between the learner's commands (the TP's outcome is a moment: the
 * learner may fail back to node1 afterwards, as step 5's pg-failover.sh invites to):
 *  - on node1, where the running server's data directory lives (which mount, which device),
 *    and the rows of testdb's `test` table, counted by the grader's own SELECT whenever the
 *    server serves testdb;
 *  - how the server on node1 went away: `pg_ctl stop` (node still up) or a crash;
 *  - the failover: node2 Primary, PostgreSQL running there from the DRBD filesystem. At that
 *    moment the grader counts the rows itself and looks at node1 (Secondary, UpToDate).
 */
const DB = "testdb";
const TABLE = "test";
const ROWS = 1000;

interface Episode {
  index: number;
  rows: RowCount;
  /** What is wrong with node1 at that moment; null: Secondary, UpToDate, connected. */
  node1: string | null;
}

interface Tp4Seen {
  node1Pg: PgSeen[];
  node1Rows: RowCount | null;
  /** The first time the server of node1 went away, and whether node1 stayed up (pg_ctl stop). */
  stop: { index: number; clean: boolean } | null;
  node2Primary: boolean;
  node2Mounted: boolean;
  node2Pg: PgSeen[];
  episodes: Episode[];
}

function addSeen(list: PgSeen[], p: PgSeen): void {
  if (!list.some((x) => x.dataDir === p.dataDir && x.device === p.device)) list.push({ ...p });
}

const has1000 = (r: RowCount | null | undefined) => !!r && "rows" in r && r.rows === ROWS;

function rowsFailure(r: RowCount, node: string): CheckOutcome {
  return {
    passed: false,
    detail:
      "rows" in r
        ? `la table test contenait ${r.rows} lignes sur ${node}.`
        : `SELECT COUNT(*) FROM test sur ${node} (base testdb) : ${r.error}.`,
  };
}

/** node1 seen from both sides while node2 runs the database. */
function node1Problem(lab: Lab): string | null {
  if (!runningNode(lab, "node1")) return "node1 est arrêté";
  const d1 = drbdNow(lab, "node1");
  if (!d1) return "r0 n’est pas actif sur node1";
  if (d1.role !== "Secondary") return `node1 est ${d1.role}`;
  const c = drbdNow(lab, "node2")?.connections.find((x) => x.peer === "node1");
  if (c?.cstate !== "Connected") return `node2 → node1 : connexion ${c?.cstate ?? "absente"}`;
  const pd = c.peerDevices[0];
  if (pd?.peerDisk !== "UpToDate") return `le disque de node1 est ${pd?.peerDisk ?? "inconnu"}`;
  return null;
}

function observer(): LabObserver<Tp4Seen> {
  const seen: Tp4Seen = {
    node1Pg: [],
    node1Rows: null,
    stop: null,
    node2Primary: false,
    node2Mounted: false,
    node2Pg: [],
    episodes: [],
  };
  let pg1Before = false;
  let boot1Before = -1;
  let activeBefore = false;
  return {
    save: () => JSON.parse(JSON.stringify({ v: 1, seen, pg1Before, boot1Before, activeBefore })),
    load(state) {
      const s = state as {
        v?: unknown;
        seen?: Tp4Seen;
        pg1Before?: unknown;
        boot1Before?: unknown;
        activeBefore?: unknown;
      };
      if (s?.v !== 1 || typeof s.seen !== "object" || s.seen === null || !Array.isArray(s.seen.episodes))
        throw new Error("not a TP4 observer state");
      Object.assign(seen, JSON.parse(JSON.stringify(s.seen)));
      pg1Before = s.pg1Before === true;
      boot1Before = typeof s.boot1Before === "number" ? s.boot1Before : -1;
      activeBefore = s.activeBefore === true;
    },
    async step(lab: Lab, step: ReplayStep | null) {
      const index = step?.index ?? -1;
      const n1 = lab.world.node("node1");
      const pg1 = pgOn(lab, "node1");
      if (pg1) {
        addSeen(seen.node1Pg, pg1);
        if (pg1.database === DB && !has1000(seen.node1Rows)) seen.node1Rows = await countRows(lab, "node1", DB, TABLE);
      } else if (pg1Before && !seen.stop) {
        seen.stop = { index, clean: n1?.state === "running" && n1.bootCount === boot1Before };
      }
      pg1Before = pg1 !== null;
      boot1Before = n1?.bootCount ?? -1;

      const node2 = runningNode(lab, "node2");
      const primary2 = drbdNow(lab, "node2")?.role === "Primary";
      if (primary2) seen.node2Primary = true;
      if (node2?.mounts.some((m) => isDrbdDevice(m.device))) seen.node2Mounted = true;
      const pg2 = pgOn(lab, "node2");
      if (pg2) addSeen(seen.node2Pg, pg2);
      const active = primary2 && pg2 !== null && isDrbdDevice(pg2.device ?? undefined);
      if (active && !activeBefore) {
        seen.episodes.push({ index, rows: await countRows(lab, "node2", DB, TABLE), node1: node1Problem(lab) });
      }
      activeBefore = active;
    },
    result: () => seen,
  };
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
node2$ su - postgres -c "psql -d testdb -c \\"SELECT COUNT(*) FROM test;\\""
`;

const line = (s: string) => `${s}\n`;
const without = (...lines: string[]) => lines.reduce((s, l) => s.replace(line(l), ""), SOLUTION);
const NODE1_STOP = `node1$ su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"`;
const NODE2_START = `node2$ su - postgres -c "pg_ctl -D /mnt/drbd/pgdata -l /tmp/pg.log start"`;

export const tp4 = labExercise<Tp4Seen>({
  id: "tp4",
  chapter: "tp4",
  title: "TP4 : Intégration avec une base de données",
  graderVersion: 2,
  startScenario: "tp1.done",
  observe: observer,
  checks: [
    {
      id: "tp4.pgdata-drbd",
      points: 2,
      ok: "Sur node1, PostgreSQL a tourné avec son répertoire de données sur le volume DRBD.",
      fail: "Le répertoire de données de PostgreSQL doit être sur le volume DRBD (/mnt/drbd) :",
      hint: "mkdir -p /mnt/drbd/pgdata (avec /dev/drbd0 monté sur /mnt/drbd), puis initdb -D /mnt/drbd/pgdata et pg_ctl -D /mnt/drbd/pgdata start.",
      test: ({ observed: o }): CheckOutcome => {
        if (o.node1Pg.some((p) => isDrbdDevice(p.device ?? undefined))) return { passed: true };
        const p = o.node1Pg[0];
        return {
          passed: false,
          detail: p
            ? `PostgreSQL a tourné sur node1 avec ${whereText(p)} : ce répertoire n’est pas répliqué vers node2.`
            : "PostgreSQL n’a jamais tourné sur node1.",
        };
      },
    },
    {
      id: "tp4.rows-node1",
      points: 1,
      ok: "Sur node1, la table test de testdb contenait les 1000 lignes.",
      fail: "Sur node1, la table test de la base testdb doit contenir 1000 lignes :",
      hint: 'su - postgres -c "psql -d testdb -c \\"INSERT INTO test (data) SELECT \'Record \' || generate_series(1,1000);\\""',
      test: ({ observed: o }): CheckOutcome => {
        const r = o.node1Rows;
        if (has1000(r)) return { passed: true };
        return r
          ? rowsFailure(r, "node1")
          : { passed: false, detail: "PostgreSQL n’a jamais servi la base testdb sur node1." };
      },
    },
    {
      id: "tp4.clean-stop",
      points: 1,
      ok: "PostgreSQL a été arrêté proprement sur node1 avant la bascule.",
      fail: "PostgreSQL doit être arrêté proprement sur node1 avant la bascule :",
      hint: 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop", puis umount /mnt/drbd.',
      test: ({ observed: o }): CheckOutcome => {
        const s = o.stop;
        if (!s)
          return {
            passed: false,
            detail:
              o.node1Pg.length === 0
                ? "PostgreSQL n’a jamais tourné sur node1."
                : "PostgreSQL tourne toujours sur node1 : sans « pg_ctl stop », le démontage de /mnt/drbd est refusé (target is busy).",
          };
        if (!s.clean)
          return {
            passed: false,
            detail: "node1 s’est arrêté avec PostgreSQL en marche (arrêt brutal, pas pg_ctl stop).",
          };
        const first = o.episodes[0];
        return !first || s.index < first.index
          ? { passed: true }
          : { passed: false, detail: "PostgreSQL a démarré sur node2 avant d’être arrêté sur node1." };
      },
    },
    {
      id: "tp4.failover",
      points: 2,
      ok: "Bascule faite : node2 Primary, volume monté, PostgreSQL démarré sur node2 depuis le volume DRBD.",
      fail: "La bascule vers node2 n’a pas abouti :",
      hint: "Sur node2 : drbdadm primary r0 (après drbdadm secondary r0 sur node1), mount /dev/drbd0 /mnt/drbd, puis pg_ctl -D /mnt/drbd/pgdata start.",
      test: ({ observed: o }): CheckOutcome => {
        if (o.episodes.length > 0) return { passed: true };
        if (!o.node2Primary)
          return {
            passed: false,
            detail: "node2 n’est jamais devenu Primary (node1 doit d’abord démonter /mnt/drbd et passer Secondary).",
          };
        if (!o.node2Mounted)
          return { passed: false, detail: "node2 est devenu Primary, mais /dev/drbd0 n’y a jamais été monté." };
        const p = o.node2Pg[0];
        return {
          passed: false,
          detail: p
            ? `PostgreSQL a tourné sur node2 avec ${whereText(p)}, pas depuis le volume DRBD.`
            : "PostgreSQL n’a jamais démarré sur node2 depuis le volume DRBD.",
        };
      },
    },
    {
      id: "tp4.data-intact",
      points: 3,
      ok: "Après la bascule, SELECT COUNT(*) FROM test sur node2 donne bien 1000 : les données ont suivi.",
      fail: "Après la bascule, les 1000 lignes doivent être là sur node2 :",
      hint: 'Sur node2, une fois PostgreSQL démarré depuis /mnt/drbd/pgdata : su - postgres -c "psql -d testdb -c \\"SELECT COUNT(*) FROM test;\\""',
      test: ({ observed: o }): CheckOutcome => {
        if (o.episodes.some((e) => has1000(e.rows))) return { passed: true };
        const e = o.episodes[0];
        return e
          ? rowsFailure(e.rows, "node2")
          : { passed: false, detail: "PostgreSQL n’a jamais tourné sur node2 depuis le volume DRBD." };
      },
    },
    {
      id: "tp4.node1-secondary",
      points: 1,
      ok: "Pendant que node2 sert la base, node1 est Secondary, à jour et connecté : la réplication continue.",
      fail: "Pendant que node2 sert la base, node1 doit rester Secondary, UpToDate et connecté :",
      hint: "Sur node1 : drbdadm secondary r0 (pas drbdadm down r0) ; drbdadm status r0 sur node2 montre node1 role:Secondary peer-disk:UpToDate.",
      test: ({ observed: o }): CheckOutcome => {
        if (o.episodes.some((e) => e.node1 === null)) return { passed: true };
        const e = o.episodes[0];
        return { passed: false, detail: e ? `${e.node1}.` : "la bascule vers node2 n’a pas eu lieu." };
      },
    },
  ],
  solution: SOLUTION,
  wrong: [
    {
      name: "répertoire de données sur le disque racine (non répliqué)",
      submission: SOLUTION.replaceAll("/mnt/drbd/pgdata", "/var/lib/postgresql/pgdata"),
      failingChecks: ["tp4.pgdata-drbd", "tp4.failover", "tp4.data-intact", "tp4.node1-secondary"],
    },
    {
      name: "bascule sans monter /dev/drbd0 sur node2",
      submission: without("node2$ mount /dev/drbd0 /mnt/drbd"),
      failingChecks: ["tp4.failover", "tp4.data-intact"],
    },
    {
      name: "PostgreSQL démarré sur node2 alors que node1 est encore Primary",
      submission: without(NODE1_STOP, "node1$ umount /mnt/drbd", "node1$ drbdadm secondary r0"),
      failingChecks: ["tp4.clean-stop", "tp4.failover", "tp4.data-intact", "tp4.node1-secondary"],
    },
    {
      name: "bascule sans arrêter PostgreSQL (umount refusé)",
      submission: without(NODE1_STOP),
      failingChecks: ["tp4.clean-stop", "tp4.failover", "tp4.data-intact"],
    },
    {
      name: "PostgreSQL pas redémarré sur node2",
      submission: without(NODE2_START),
      failingChecks: ["tp4.failover", "tp4.data-intact"],
    },
    {
      name: "500 lignes seulement",
      submission: SOLUTION.replace("generate_series(1,1000)", "generate_series(1,500)"),
      failingChecks: ["tp4.rows-node1", "tp4.data-intact"],
    },
    {
      name: "nouvelle instance vide sur node2",
      submission: SOLUTION.replace(
        line(NODE2_START),
        line("node2$ mkdir -p /mnt/drbd/pgdata2 && chown postgres:postgres /mnt/drbd/pgdata2") +
          line('node2$ su - postgres -c "initdb -D /mnt/drbd/pgdata2"') +
          line('node2$ su - postgres -c "pg_ctl -D /mnt/drbd/pgdata2 -l /tmp/pg.log start"'),
      ),
      failingChecks: ["tp4.data-intact"],
    },
    {
      name: "node1 arrêté (drbdadm down) au lieu de Secondary",
      submission: SOLUTION.replace("node1$ drbdadm secondary r0", "node1$ drbdadm down r0"),
      failingChecks: ["tp4.node1-secondary"],
    },
  ],
});
