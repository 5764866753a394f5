// Memory of many TP4 labs in one process (issue 10 item 5): N labs at TP4 step 3 (PostgreSQL
// running on /mnt/drbd/pgdata), then the same labs once their servers went idle (5 min of
// virtual time: the instances are closed, engine/services/postgres/server.ts), per lab.
// Targets: ≤ 150 MiB RSS per lab with PostgreSQL running, ≤ 20 MiB per idle lab. Then the labs
// are dropped (a worker's idle sweep, lib/labs/cache.ts): what RSS falls by is what the idle
// labs held; what stays is the process's residue of the PostgreSQL instances that ran.
// Literal data: logical bytes (the data cap's measure) and the buffers really held, each
// shared buffer once (engine/block/intern.ts). BENCH_TP4_LABS sets N (default 30).
// `npm run bench` runs under the allocator `npm start` gives the server (scripts/allocator.ts:
// jemalloc when the system has it, else glibc with MALLOC_MMAP_THRESHOLD_); the bench prints it.
import { heldBytes, internStats } from "../engine/block/intern";
import { createLab, type Lab } from "../engine/lab";
import type { PostgresSubsystem } from "../engine/services/postgres/index";
import { pgliteInstances } from "../engine/services/postgres/pglite";
import { PG_IDLE_STOP_US } from "../engine/services/postgres/server";
import { dataDirTemplate } from "../engine/services/postgres/template";
import { exposedGc, InstanceCollector } from "../lib/labs/worker/collect";

const MiB = 1024 * 1024;

// The labs run here as in a worker, which collects closed PostgreSQL instances by this policy
// (after a request once two were closed; on its timer once it has been quiet a second).
const collector = new InstanceCollector({ gc: exposedGc(), closed: () => pgliteInstances().closed });

/** The worker's timer after a quiet second: what is pending is collected. */
async function quiet(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1100));
  collector.tick();
}

async function run(l: Lab, target: string, line: string): Promise<void> {
  const r = await l.exec(target, line);
  collector.afterWork();
  if (r.exitCode !== 0) throw new Error(`${target}$ ${line} → ${r.exitCode}\n${r.stdout}${r.stderr}`);
}

const pg = (sql: string, db = "testdb") => `su - postgres -c "psql -d ${db} -c \\"${sql}\\""`;

async function tp4Lab(seed: number): Promise<Lab> {
  const l = await createLab({ scenario: "fresh", seed });
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
  await run(
    l,
    "node1",
    pg("CREATE TABLE test (id SERIAL PRIMARY KEY, data TEXT, created_at TIMESTAMP DEFAULT NOW());"),
  );
  await run(l, "node1", pg("INSERT INTO test (data) SELECT 'Record ' || generate_series(1,1000);"));
  return l;
}

/** TP1 done: DRBD synchronised, /mnt/drbd mounted with a file on it; no PostgreSQL. */
async function tp1Lab(seed: number): Promise<Lab> {
  const l = await createLab({ scenario: "fresh", seed });
  await run(l, "host", "cd drbd-workshop && docker-compose up -d");
  for (const n of ["node1", "node2"]) await run(l, n, "/scripts/drbd-init.sh create-md && /scripts/drbd-init.sh start");
  await run(
    l,
    "node1",
    "/scripts/drbd-init.sh primary --force && sleep 20 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd",
  );
  await run(l, "node1", "echo 'Test DRBD' > /mnt/drbd/test.txt && dd if=/dev/urandom of=/mnt/drbd/f bs=1M count=10");
  return l;
}

/** The literal extents' holders (SparseDisk) of these labs' nodes. */
function disksOf(labs: Lab[]): { literalBuffers(): Iterable<ArrayBufferLike> }[] {
  const out = new Set<{ literalBuffers(): Iterable<ArrayBufferLike> }>();
  for (const l of labs)
    for (const node of l.world.nodes.values())
      for (const dev of node.blockDevices.values()) {
        const d = dev as Partial<{ literalBuffers(): Iterable<ArrayBufferLike> }>;
        if (typeof d.literalBuffers === "function") out.add(d as { literalBuffers(): Iterable<ArrayBufferLike> });
      }
  return [...out];
}

/**
 * RSS once the process has been quiet: the worker's timer collected what was pending, and the
 * allocator had the time to give free pages back (jemalloc: dirty_decay_ms, scripts/allocator.ts).
 */
async function rss(): Promise<number> {
  await quiet();
  await new Promise((r) => setTimeout(r, 1500));
  return process.memoryUsage().rss;
}

export default async function main(): Promise<void> {
  const n = Number(process.env.BENCH_TP4_LABS ?? 30);
  const before = await rss();
  const tp1: Lab[] = [];
  for (let i = 0; i < n; i++) tp1.push(await tp1Lab(i + 1));
  const afterTp1 = await rss();
  console.log(
    `${n} TP1 labs (DRBD up, /mnt/drbd mounted, no PostgreSQL): ${((afterTp1 - before) / n / MiB).toFixed(1)} MiB RSS per lab`,
  );
  tp1.length = 0;
  await dataDirTemplate(); // once per process, not a lab's cost
  await tp4Lab(1000).then((l) => run(l, "node1", 'su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"')); // warm caches
  const base = await rss();
  const labs: Lab[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) labs.push(await tp4Lab(i + 1));
  const setupS = (performance.now() - t0) / 1000;
  const running = await rss();
  const awake = labs.filter(
    (l) => (l.world.subsystem("postgres") as PostgresSubsystem).servers.awake().length > 0,
  ).length;
  for (const l of labs) {
    await l.advance(PG_IDLE_STOP_US / 1000 + 1000);
    collector.afterWork();
  }
  const idle = await rss();
  const asleep = labs.filter(
    (l) => (l.world.subsystem("postgres") as PostgresSubsystem).servers.awake().length === 0,
  ).length;
  const idleUsage = process.memoryUsage();
  const quota = labs.map((l) => l.world.dataQuota.used());
  const perRunning = (running - base) / n / MiB;
  const perIdle = (idle - base) / n / MiB;
  console.log(`${n} TP4 labs (PostgreSQL started, 1000 rows), set up in ${setupS.toFixed(1)} s`);
  console.log(
    `  rss: base ${(base / MiB).toFixed(0)} MiB, running ${(running / MiB).toFixed(0)} MiB, idle ${(idle / MiB).toFixed(0)} MiB (${collector.collections} collections of closed instances, as a worker runs them: lib/labs/worker/collect.ts)`,
  );
  console.log(
    `  per lab with PostgreSQL running (${awake}/${n} awake): ${perRunning.toFixed(1)} MiB RSS (target ≤ 150)`,
  );
  console.log(`  per lab once idle (${asleep}/${n} servers asleep): ${perIdle.toFixed(1)} MiB RSS (target ≤ 20)`);
  console.log(
    `  once idle, JavaScript-visible: heap ${(idleUsage.heapUsed / MiB).toFixed(0)} MiB, array buffers ${(idleUsage.arrayBuffers / MiB).toFixed(0)} MiB, external ${(idleUsage.external / MiB).toFixed(0)} MiB (malloc: ${process.env.LD_PRELOAD?.includes("jemalloc") ? `jemalloc, ${process.env.MALLOC_CONF ?? "its defaults"}` : `glibc, MALLOC_MMAP_THRESHOLD_=${process.env.MALLOC_MMAP_THRESHOLD_ ?? "dynamic"}`})`,
  );
  const held = heldBytes(disksOf(labs));
  const oneLab = heldBytes(disksOf(labs.slice(0, 1)));
  const table = internStats();
  console.log(
    `  disks' literal buffers in memory: ${(held.bytes / MiB).toFixed(1)} MiB for the ${n} labs (${(held.bytes / n / MiB).toFixed(1)} MiB per lab; one lab alone ${(oneLab.bytes / MiB).toFixed(1)} MiB), ${held.buffers} buffers; intern table ${(table.bytes / MiB).toFixed(1)} MiB in ${table.buffers} buffers (${table.hits}/${table.lookups} lookups shared)`,
  );
  labs.length = 0; // evicted, as a worker's idle sweep drops them (they come back from their checkpoint)
  collector.labsDropped(n);
  const evicted = await rss();
  console.log(
    `  evicted (dropped as a worker's idle sweep does): rss ${(evicted / MiB).toFixed(0)} MiB, so an idle lab held ${((idle - evicted) / n / MiB).toFixed(1)} MiB RSS of its own (target ≤ 20); the process keeps ${((evicted - base) / n / MiB).toFixed(1)} MiB per PostgreSQL that ran (allocator and V8 residue)`,
  );
  console.log(
    `  literal data per lab (data cap 256 MiB): ${(Math.max(...quota) / MiB).toFixed(1)} MiB at most, ${(quota.reduce((a, b) => a + b, 0) / n / MiB).toFixed(1)} MiB on average`,
  );
}
