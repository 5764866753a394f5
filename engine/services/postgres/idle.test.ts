/**
 * An idle PostgreSQL server is put to sleep (its instance closed cleanly, its memory freed)
 * after PG_IDLE_STOP_US of virtual time without a query, and opened again from its data
 * directory by the next one; the learner's lab goes on as if it had kept running.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createLab, type Lab } from "../../lab";
import type { LabNode } from "../../world/types";
import type { PostgresSubsystem } from "./index";
import { pgliteInstances } from "./pglite";
import { PG_IDLE_STOP_US } from "./server";
import { dataDirTemplate } from "./template";

const pg = (sql: string, db = "testdb") => `su - postgres -c "psql -d ${db} -c \\"${sql}\\""`;

async function run(l: Lab, target: string, line: string): Promise<string> {
  const r = await l.exec(target, line);
  if (r.exitCode !== 0) throw new Error(`${target}$ ${line} → ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

function servers(l: Lab) {
  return (l.world.subsystem("postgres") as PostgresSubsystem).servers;
}

/** PostgreSQL running on node1's /mnt/drbd/pgdata with a table of 100 rows. */
async function pgLab(): Promise<Lab> {
  const l = await createLab({ scenario: "fresh", seed: 3 });
  await run(l, "host", "cd drbd-workshop && docker-compose up -d");
  for (const n of ["node1", "node2"]) await run(l, n, "/scripts/drbd-init.sh create-md && /scripts/drbd-init.sh start");
  await run(
    l,
    "node1",
    "/scripts/drbd-init.sh primary --force && sleep 20 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd",
  );
  await run(
    l,
    "node1",
    "mkdir -p /mnt/drbd/pgdata && chown postgres:postgres /mnt/drbd/pgdata && chmod 700 /mnt/drbd/pgdata",
  );
  await run(l, "node1", 'su - postgres -c "initdb -D /mnt/drbd/pgdata"');
  await run(l, "node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata start"');
  await run(l, "node1", pg("CREATE DATABASE testdb;", "postgres"));
  await run(l, "node1", pg("CREATE TABLE t (id SERIAL PRIMARY KEY, v TEXT);"));
  await run(l, "node1", pg("INSERT INTO t (v) SELECT 'r' || generate_series(1,100);"));
  return l;
}

const idleMs = PG_IDLE_STOP_US / 1000;

describe("an idle PostgreSQL server", () => {
  // initdb's template is built once per process (seconds on a busy machine): not inside a command
  beforeAll(() => dataDirTemplate().then(() => undefined), 240_000);

  it("sleeps after the idle time, stays up for the learner, and answers from its data directory", async () => {
    const l = await pgLab();
    expect(servers(l).awake()).toEqual(["node1"]);
    await l.advance(idleMs - 1000);
    expect(servers(l).awake()).toEqual(["node1"]); // not yet
    const before = { ...pgliteInstances() };
    await l.advance(2000);
    expect(servers(l).awake()).toEqual([]);
    // the host is told an instance closed (its memory waits for a collection: lib/labs/worker/collect.ts)
    expect(pgliteInstances()).toEqual({ opened: before.opened, closed: before.closed + 1 });
    // still running as far as the lab shows
    expect(await run(l, "node1", "ps aux | grep -c '[p]ostgres -D /mnt/drbd/pgdata'")).toBe("1\n");
    expect(await run(l, "node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata status"')).toContain(
      "server is running",
    );
    const umount = await l.exec("node1", "umount /mnt/drbd");
    expect(umount.exitCode).not.toBe(0);
    expect(umount.stderr).toContain("target is busy");
    // the next query wakes it, with the data committed before
    expect(await run(l, "node1", pg("SELECT count(*), max(v) FROM t;"))).toContain(" 100 | r99\n");
    expect(servers(l).awake()).toEqual(["node1"]);
    expect(pgliteInstances().opened).toBe(before.opened + 1);
    await run(l, "node1", pg("INSERT INTO t (v) VALUES ('after');"));
    expect(await run(l, "node1", pg("SELECT count(*) FROM t;"))).toContain(" 101\n");
    // a clean stop of a sleeping server, then a start: nothing lost
    await l.advance(idleMs + 1000);
    expect(servers(l).awake()).toEqual([]);
    expect(await run(l, "node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"')).toContain("server stopped");
    expect(servers(l).all()).toEqual([]);
    await run(l, "node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata start"');
    expect(await run(l, "node1", pg("SELECT count(*) FROM t;"))).toContain(" 101\n");
    // the server runs with the shared_buffers its postgresql.conf and initdb announce
    expect(await run(l, "node1", pg("SHOW shared_buffers;"))).toContain(" 16MB\n");
    expect(await run(l, "node1", "grep ^shared_buffers /mnt/drbd/pgdata/postgresql.conf")).toMatch(
      /^shared_buffers = 16MB\s/,
    );
  }, 120_000);

  it("sleeps at every 8th command line of the lab (checkpoint points), and a grader's probe leaves it asleep", async () => {
    const l = await pgLab(); // 10 command lines: the 8th (CREATE DATABASE) put it to sleep, the 9th woke it
    expect(servers(l).awake()).toEqual(["node1"]);
    for (let i = 11; i <= 15; i++) await run(l, "host", "true");
    expect(servers(l).awake()).toEqual(["node1"]);
    await run(l, "host", "true"); // the 16th
    expect(servers(l).awake()).toEqual([]);
    expect(
      servers(l)
        .all()
        .map(([n]) => n),
    ).toEqual(["node1"]);
    const probe = await servers(l).probe(l.world.node("node1") as LabNode, "testdb", "SELECT count(*) FROM t");
    expect(probe.statements[0]?.rows).toEqual([["100"]]);
    expect(servers(l).awake()).toEqual([]);
    expect(await run(l, "node1", pg("SELECT count(*) FROM t;"))).toContain(" 100\n");
    expect(servers(l).awake()).toEqual(["node1"]);
  }, 120_000);

  it("keeps a server whose interactive session has an open transaction awake", async () => {
    const l = await pgLab();
    await run(l, "node1", "su - postgres");
    await run(l, "node1", "psql -d testdb");
    await run(l, "node1", "BEGIN;");
    await run(l, "node1", "INSERT INTO t (v) VALUES ('open');");
    await l.advance(idleMs + 1000);
    expect(servers(l).awake()).toEqual(["node1"]);
    expect(await run(l, "node1", "COMMIT;")).toBe("COMMIT\n");
    await l.advance(idleMs + 1000);
    expect(servers(l).awake()).toEqual([]);
    expect(await run(l, "node1", "SELECT count(*) FROM t;")).toContain(" 101\n");
  }, 120_000);

  it("is a replayable decision: the same events give the same outputs and state", async () => {
    const script = async () => {
      const l = await pgLab();
      const out: string[] = [];
      await l.advance(idleMs + 1000);
      out.push(await run(l, "node1", pg("SELECT count(*) FROM t;")));
      out.push(await run(l, "node1", "ls -l /mnt/drbd/pgdata/pg_wal; cat /mnt/drbd/pgdata/postmaster.pid | head -1"));
      out.push(await run(l, "node1", "drbdadm status"));
      return { out, state: l.state() };
    };
    const a = await script();
    const b = await script();
    expect(b).toEqual(a);
  }, 180_000);
});
