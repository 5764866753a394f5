// PostgreSQL (PGlite) figures for TP4: template creation (initdb once per process), a TP4
// setup and failover (wall time of each step), and the memory a lab costs while its
// PostgreSQL runs and after `pg_ctl stop`.
import { createLab, type Lab } from "../engine/lab";
import { dataDirTemplate } from "../engine/services/postgres/template";

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function step(l: Lab, target: string, line: string): Promise<number> {
  const t0 = performance.now();
  const r = await l.exec(target, line);
  if (r.exitCode !== 0) throw new Error(`${target}$ ${line} → ${r.exitCode}\n${r.stdout}${r.stderr}`);
  return performance.now() - t0;
}

const pg = (sql: string, db = "testdb") => `su - postgres -c "psql -d ${db} -c \\"${sql}\\""`;

/** Memory after a few GC passes (a closed PGlite's WebAssembly memory is external and freed lazily). */
async function mem(): Promise<{ rss: number; heap: number; ext: number }> {
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, ext: m.external + m.arrayBuffers };
}

function abs(label: string, m: { rss: number; ext: number }): void {
  console.log(`  ${label}: rss ${mib(m.rss)}, external (WebAssembly memories) ${mib(m.ext)}`);
}

/** A lab at TP4 step 3 on node1 (PostgreSQL running on /mnt/drbd/pgdata with 1000 rows). */
async function tp4Lab(seed: number): Promise<{ l: Lab; times: Record<string, number> }> {
  const l = await createLab({ scenario: "fresh", seed });
  await step(l, "host", "cd drbd-workshop && docker-compose up -d");
  for (const n of ["node1", "node2"])
    await step(l, n, "/scripts/drbd-init.sh create-md && /scripts/drbd-init.sh start");
  await step(
    l,
    "node1",
    "/scripts/drbd-init.sh primary --force && sleep 30 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd",
  );
  await step(l, "node2", "mkdir -p /mnt/drbd");
  await step(
    l,
    "node1",
    "mkdir -p /mnt/drbd/pgdata && chown -R postgres:postgres /mnt/drbd/pgdata && chmod 700 /mnt/drbd/pgdata",
  );
  const times: Record<string, number> = {};
  times.initdb = await step(l, "node1", 'su - postgres -c "initdb -D /mnt/drbd/pgdata"');
  times["pg_ctl start"] = await step(l, "node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata start"');
  times["CREATE DATABASE"] = await step(l, "node1", pg("CREATE DATABASE testdb;", "postgres"));
  times["reconnect to testdb + CREATE TABLE"] = await step(
    l,
    "node1",
    pg("CREATE TABLE test (id SERIAL PRIMARY KEY, data TEXT, created_at TIMESTAMP DEFAULT NOW());"),
  );
  times["INSERT 1000"] = await step(
    l,
    "node1",
    pg("INSERT INTO test (data) SELECT 'Record ' || generate_series(1,1000);"),
  );
  return { l, times };
}

export default async function main(): Promise<void> {
  const m0 = await mem();
  let t = performance.now();
  const tpl = await dataDirTemplate();
  console.log(
    `template (initdb once per process): ${(performance.now() - t).toFixed(0)} ms, ${tpl.files.size} files, ${mib(tpl.bytes)}`,
  );
  const m1 = await mem();
  console.log(
    `  memory after building the template (initdb's and postgres' WebAssembly instances, freed lazily): rss +${mib(m1.rss - m0.rss)}, external +${mib(m1.ext - m0.ext)}`,
  );

  const lab2 = await tp4Lab(2); // warms the caches; its PostgreSQL keeps running
  const mOne = await mem();
  abs("one lab with PostgreSQL running", mOne);
  const { l, times } = await tp4Lab(1);
  const mRunning = await mem();
  abs("two labs with PostgreSQL running", mRunning);
  console.log(
    `  cost of one more lab with PostgreSQL running: rss +${mib(mRunning.rss - mOne.rss)}, external +${mib(mRunning.ext - mOne.ext)}`,
  );
  console.log(
    `TP4 setup (wall): ${Object.entries(times)
      .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
      .join(", ")}`,
  );
  t = performance.now();
  const stop = await step(l, "node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"');
  const umount = await step(l, "node1", "umount /mnt/drbd && /scripts/drbd-role.sh secondary");
  const promote = await step(l, "node2", "/scripts/drbd-role.sh primary && mount /dev/drbd0 /mnt/drbd");
  const start2 = await step(l, "node2", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata start"');
  const count = await step(l, "node2", pg("SELECT COUNT(*) FROM test;"));
  const total = performance.now() - t;
  console.log(
    `TP4 failover (wall): ${total.toFixed(0)} ms = pg_ctl stop ${stop.toFixed(0)} + umount/secondary ${umount.toFixed(0)} + primary/mount ${promote.toFixed(0)} + pg_ctl start ${start2.toFixed(0)} + COUNT on testdb ${count.toFixed(0)}`,
  );
  await step(l, "node2", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"');
  await step(lab2.l, "node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"');
  abs("both PostgreSQL stopped", await mem());
}
