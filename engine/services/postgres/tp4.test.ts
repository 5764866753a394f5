/**
 * TP4 end to end on the simulated cluster: PostgreSQL's data directory on the DRBD device,
 * a planned failover that carries the 1000 rows to node2, and the failures around it.
 */
import { describe, expect, it } from "vitest";
import { createLab, type Lab } from "../../lab";

const T = 240_000;

async function run(l: Lab, target: string, line: string, code = 0): Promise<string> {
  const r = await l.exec(target, line);
  if (r.exitCode !== code)
    throw new Error(`${target}$ ${line} → ${r.exitCode} (wanted ${code})\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

const pg = (sql: string, db = "testdb") => `su - postgres -c "psql -d ${db} -c \\"${sql}\\""`;

/** TP1 up to a mounted, synchronised /mnt/drbd on node1. */
async function tp1(): Promise<Lab> {
  const l = await createLab({ scenario: "fresh", seed: 7 });
  await run(l, "host", "cd drbd-workshop && docker-compose up -d");
  for (const n of ["node1", "node2"]) {
    await run(l, n, "/scripts/drbd-init.sh create-md");
    await run(l, n, "/scripts/drbd-init.sh start");
  }
  await run(l, "node1", "/scripts/drbd-init.sh primary --force");
  await run(l, "node1", "sleep 30");
  await run(l, "node1", "mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd");
  return l;
}

/** TP4 steps 1 to 3 on node1. */
async function tp4Setup(l: Lab): Promise<void> {
  await run(
    l,
    "node1",
    "mkdir -p /mnt/drbd/pgdata && chown -R postgres:postgres /mnt/drbd/pgdata && chmod 700 /mnt/drbd/pgdata",
  );
  const init = await run(l, "node1", 'su - postgres -c "initdb -D /mnt/drbd/pgdata"');
  expect(init).toContain('The files belonging to this database system will be owned by user "postgres".');
  expect(init).toContain("fixing permissions on existing directory /mnt/drbd/pgdata ... ok");
  expect(init).toContain("    pg_ctl -D /mnt/drbd/pgdata -l logfile start");
  await run(
    l,
    "node1",
    "cat >> /mnt/drbd/pgdata/postgresql.conf << EOF\nlisten_addresses = '*'\nport = 5432\nmax_connections = 100\nEOF",
  );
  await run(l, "node1", "cat >> /mnt/drbd/pgdata/pg_hba.conf << EOF\nhost    all    all    172.28.0.0/16    md5\nEOF");
  const started = await run(l, "node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata start"');
  expect(started).toMatch(/^waiting for server to start\.\.\.\./);
  expect(started).toContain('LOG:  listening on IPv4 address "0.0.0.0", port 5432');
  expect(started).toMatch(/ done\nserver started\n$/);
  expect(await run(l, "node1", pg("CREATE DATABASE testdb;", "postgres"))).toBe("CREATE DATABASE\n");
  expect(
    await run(
      l,
      "node1",
      pg("CREATE TABLE test (id SERIAL PRIMARY KEY, data TEXT, created_at TIMESTAMP DEFAULT NOW());"),
    ),
  ).toBe("CREATE TABLE\n");
  expect(await run(l, "node1", pg("INSERT INTO test (data) SELECT 'Record ' || generate_series(1,1000);"))).toBe(
    "INSERT 0 1000\n",
  );
  expect(await run(l, "node1", pg("SELECT COUNT(*) FROM test;"))).toBe(" count \n-------\n  1000\n(1 row)\n\n");
}

describe("TP4: PostgreSQL on DRBD", () => {
  it(
    "survives a planned failover with its 1000 rows, and refuses what real PostgreSQL refuses",
    async () => {
      const l = await tp1();
      // root may not run the server programs
      expect((await l.exec("node1", "initdb -D /tmp/x")).stderr).toMatch(/^initdb: error: cannot be run as root\n/);
      await tp4Setup(l);
      // the files are really on the DRBD filesystem
      const ls = (await run(l, "node1", "ls /mnt/drbd/pgdata")).split("\n");
      for (const f of ["PG_VERSION", "base", "global", "pg_wal", "postgresql.conf", "postmaster.pid"])
        expect(ls).toContain(f);
      expect(await run(l, "node1", "cat /mnt/drbd/pgdata/PG_VERSION")).toBe("18\n");
      const status = await run(l, "node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata status"');
      expect(status).toMatch(/^pg_ctl: server is running \(PID: \d+\)\n/);
      // errors as psql prints them
      const bad = await l.exec("node1", pg("SELECT * FROM nope;"));
      expect(bad.exitCode).toBe(1);
      expect(bad.stderr).toBe(
        'ERROR:  relation "nope" does not exist\nLINE 1: SELECT * FROM nope;\n                      ^\n',
      );
      expect((await l.exec("node1", pg("SELECT 1;", "nodb"))).stderr).toContain(
        'FATAL:  database "nodb" does not exist',
      );
      expect(await run(l, "node1", pg("SELECT current_database();"))).toContain(" testdb\n");
      // the running server holds the mount
      expect(await l.exec("node1", "umount /mnt/drbd")).toMatchObject({
        exitCode: 32,
        stderr: "umount: /mnt/drbd: target is busy.\n",
      });
      // Etape 4: failover
      expect(await run(l, "node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"')).toBe(
        "waiting for server to shut down.... done\nserver stopped\n",
      );
      const stopped = await l.exec("node1", pg("SELECT 1;"));
      expect(stopped.exitCode).toBe(2);
      expect(stopped.stderr).toBe(
        'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?\n',
      );
      expect(await l.exec("node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata status"')).toMatchObject({
        exitCode: 3,
        stdout: "pg_ctl: no server running\n",
      });
      await run(l, "node1", "umount /mnt/drbd");
      await run(l, "node1", "/scripts/drbd-role.sh secondary");
      // node2 before it mounts: the data directory is not there
      await run(l, "node2", "/scripts/drbd-role.sh primary && mkdir -p /mnt/drbd");
      expect(await l.exec("node2", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata start"')).toMatchObject({
        exitCode: 1,
        stderr: 'pg_ctl: directory "/mnt/drbd/pgdata" does not exist\n',
      });
      await run(l, "node2", "mount /dev/drbd0 /mnt/drbd");
      const s2 = await run(l, "node2", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata start"');
      expect(s2).toContain("database system was shut down at");
      expect(await run(l, "node2", pg("SELECT COUNT(*) FROM test;"))).toBe(" count \n-------\n  1000\n(1 row)\n\n");
      expect(await run(l, "node2", pg("\\\\l", "postgres"))).toMatch(/List of databases[\s\S]* testdb /);
      await run(l, "node2", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"');
    },
    T,
  );

  it(
    "exercise 4.1: a transaction open when the primary crashes is absent after the failover",
    async () => {
      const l = await tp1();
      await tp4Setup(l);
      const pgs = l.world.subsystem<import("./index").PostgresSubsystem>("postgres");
      const node1 = l.world.node("node1");
      if (!pgs || !node1) throw new Error("no postgres");
      // committed just before the crash: must survive
      expect(await run(l, "node1", pg("INSERT INTO test (data) SELECT 'valide ' || generate_series(1,10);"))).toBe(
        "INSERT 0 10\n",
      );
      const server = pgs.servers.get(node1);
      const before = server?.backend?.bytesWritten ?? 0;
      // A long transaction, still open: its WAL has reached the disk (and node2), not its commit.
      const open = await pgs.servers.query(
        node1,
        "testdb",
        "BEGIN; INSERT INTO test (data) SELECT 'en cours ' || generate_series(1,500);",
      );
      expect(open.status).toBe("T");
      expect(server?.backend?.bytesWritten ?? 0).toBeGreaterThan(before);
      await run(l, "host", "docker stop --time=0 drbd-node1");
      // node2 notices the lost peer after DRBD's ping timeout
      await run(l, "node2", "sleep 12");
      await run(l, "node2", "/scripts/drbd-role.sh primary --force");
      await run(l, "node2", "mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd");
      const s2 = await run(l, "node2", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata start"');
      expect(s2).toContain("pg_ctl: another server might be running; trying to start server anyway");
      expect(s2).toContain("automatic recovery in progress");
      expect(await run(l, "node2", pg("SELECT COUNT(*) FROM test;"))).toBe(" count \n-------\n  1010\n(1 row)\n\n");
      expect(await run(l, "node2", pg("SELECT COUNT(*) FROM test WHERE data LIKE 'en cours%';"))).toBe(
        " count \n-------\n     0\n(1 row)\n\n",
      );
      await run(l, "node2", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"');
    },
    T,
  );

  it(
    "runs on the lab's virtual clock: NOW() and the bytes on the device are the same in every run",
    async () => {
      const digests: string[] = [];
      {
        // pg_sleep spends virtual time, not the server's: a minute in no time
        const l = await tp1();
        await tp4Setup(l);
        const t0 = l.world.clock.now;
        const wall = performance.now();
        expect(await run(l, "node1", pg("SELECT pg_sleep(60);"))).toBe(" pg_sleep \n----------\n \n(1 row)\n\n");
        expect(l.world.clock.now - t0).toBeGreaterThanOrEqual(60_000_000);
        expect(l.world.clock.now - t0).toBeLessThan(61_000_000);
        expect(performance.now() - wall).toBeLessThan(5_000);
      }
      for (let i = 0; i < 2; i++) {
        const l = await tp1();
        await tp4Setup(l);
        expect(await run(l, "node1", pg("SELECT min(created_at)::date AS jour FROM test;"))).toBe(
          "    jour    \n------------\n 2024-01-15\n(1 row)\n\n",
        );
        await run(l, "node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"');
        digests.push(
          await run(
            l,
            "node1",
            "md5sum /mnt/drbd/pgdata/global/pg_control /mnt/drbd/pgdata/pg_wal/000000010000000000000001",
          ),
        );
      }
      expect(digests[0]).toMatch(/^[0-9a-f]{32} {2}\/mnt\/drbd\/pgdata\/global\/pg_control\n/);
      expect(digests[1]).toBe(digests[0]);
    },
    T,
  );

  it(
    "exercise 4.2: pgbench initialises real tables and its throughput follows the DRBD write path",
    async () => {
      const l = await tp1();
      await tp4Setup(l);
      const asRoot = await l.exec("node1", "pgbench -i -s 1 testdb");
      expect(asRoot.exitCode).toBe(2);
      expect(asRoot.stderr).toContain('FATAL:  role "root" does not exist');
      const i = await run(l, "node1", 'su - postgres -c "pgbench -i -s 1 testdb"');
      expect(i).toMatch(/^dropping old tables\.\.\.\n[\s\S]*creating primary keys\.\.\.\ndone in [\d.]+ s/);
      expect(await run(l, "node1", pg("SELECT count(*) FROM pgbench_accounts;"))).toBe(
        " count  \n--------\n 100000\n(1 row)\n\n",
      );
      const tps = async () => {
        const t0 = l.world.clock.now;
        const o = await run(l, "node1", 'su - postgres -c "pgbench -c 10 -j 2 -T 60 testdb"');
        expect(l.world.clock.now - t0).toBeGreaterThanOrEqual(60_000_000);
        expect(o).toMatch(
          /^pgbench \(18\.6\)\nstarting vacuum\.\.\.end\.\ntransaction type: <builtin: TPC-B \(sort of\)>\nscaling factor: 1\n/,
        );
        expect(o).toContain("number of clients: 10\nnumber of threads: 2\n");
        return Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(o)?.[1]);
      };
      const lan = await tps();
      // the transactions really ran (a bounded number of them)
      expect(await run(l, "node1", pg("SELECT count(*) FROM pgbench_history;"))).toBe(
        " count \n-------\n   200\n(1 row)\n\n",
      );
      await run(l, "node1", "/scripts/simulate-latency.sh 50ms");
      const wan = await tps();
      expect(lan).toBeGreaterThan(100);
      // protocol C waits for the peer's ack at every commit: +50 ms RTT costs most of the rate
      expect(wan).toBeLessThan(lan / 10);
      expect((await l.exec("node1", 'su - postgres -c "pgbench -c 2 -j 4 -T 5 testdb"')).stderr).toContain(
        "number of threads (4) must be less than or equal to number of clients (2)",
      );
    },
    T,
  );
});
