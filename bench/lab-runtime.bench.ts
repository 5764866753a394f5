// The lab runtime on the built app (`next start`, loopback, temporary database): what a noisy
// neighbour (one learner running CPU-heavy loops on 3 labs) does to the other learners' commands
// and to /api/health, and how many light commands the server serves per CPU-second.
// Figures are compared inside this run (ratios), never against constants.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAuth } from "../lib/auth";
import { createDb } from "../lib/db";
import { migrateDatabase } from "../lib/migrate";
import { freePort } from "../lib/testing/free-port";
import { build } from "../scripts/build";
import { buildIsCurrent } from "../scripts/build-fingerprint";
import { spawnAppServer, waitUntilUp } from "./next-server";
import { serverTiming, tailBreakdown } from "./server-timing";

const SECRET = "bench-secret-bench-secret-bench-secret-0002";
const PHASE_MS = 10_000;
const LEARNERS = 60;
const HEAVY = "for i in $(seq 1 10000); do n=$i; done; echo $n";
const LIGHT = ["ls", "cat /etc/hostname", "pwd", "echo ok", "date"];

type Learner = { cookie: string; session: string };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

function exec(base: string, l: Learner, input: string) {
  return fetch(`${base}/api/labs/sessions/${l.session}/exec`, {
    method: "POST",
    headers: { cookie: l.cookie, "content-type": "application/json" },
    body: JSON.stringify({ terminal: "host", input }),
  });
}

/** Each learner types a light command a second for PHASE_MS; /api/health is polled 20 times a second. */
async function paced(base: string, learners: Learner[]) {
  const samples: { ms: number; timing: Record<string, number> }[] = [];
  const health: number[] = [];
  let failures = 0;
  const end = Date.now() + PHASE_MS;
  const polls = (async () => {
    while (Date.now() < end) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/health`);
      await res.arrayBuffer();
      health.push(performance.now() - t0);
      if (!res.ok) failures++;
      await sleep(50);
    }
  })();
  await Promise.all(
    learners.map(async (l, i) => {
      await sleep((i * 1000) / learners.length);
      for (let n = 0; Date.now() < end; n++) {
        const t0 = performance.now();
        const res = await exec(base, l, LIGHT[n % LIGHT.length] as string);
        await res.arrayBuffer();
        const ms = performance.now() - t0;
        if (res.ok) samples.push({ ms, timing: serverTiming(res) });
        else failures++;
        if (ms < 1000) await sleep(1000 - ms);
      }
    }),
  );
  await polls;
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  health.sort((a, b) => a - b);
  const p99 = pct(times, 99);
  const tail = tailBreakdown(samples, p99);
  return { n: times.length, p50: pct(times, 50), p99, health99: pct(health, 99), failures, tail };
}

/** CPU time (user + system) in seconds (Linux): all threads of `pid`, or only its main thread (the request thread). */
function cpuSeconds(pid: number, mainThreadOnly = false): number {
  const file = mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`;
  const fields = readFileSync(file, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** CPU seconds of every thread of `pid` (Linux), by thread id, with the thread's name. */
function threadCpu(pid: number): Map<number, { name: string; cpu: number }> {
  const out = new Map<number, { name: string; cpu: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
      out.set(Number(tid), { name, cpu: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** Where the CPU went between two `threadCpu` readings, by thread name (main thread first). */
function cpuByThread(pid: number, before: Map<number, { name: string; cpu: number }>) {
  const after = threadCpu(pid);
  const by = new Map<string, number>();
  for (const [tid, t] of after) {
    const name = tid === pid ? "fil des requêtes" : `${t.name}#${tid}`;
    by.set(name, (by.get(name) ?? 0) + t.cpu - (before.get(tid)?.cpu ?? 0));
  }
  return [...by].filter(([, s]) => s >= 0.05).sort((a, b) => b[1] - a[1]);
}

/** Light commands sent back to back by `learners` for PHASE_MS: commands/s and per CPU-second. */
async function closedLoop(base: string, learners: Learner[], server: ChildProcess) {
  let done = 0;
  let failures = 0;
  const cpu0 = cpuSeconds(server.pid as number);
  const main0 = cpuSeconds(server.pid as number, true);
  const threads0 = threadCpu(server.pid as number);
  const t0 = performance.now();
  const end = Date.now() + PHASE_MS;
  await Promise.all(
    learners.map(async (l) => {
      for (let n = 0; Date.now() < end; n++) {
        const res = await exec(base, l, LIGHT[n % LIGHT.length] as string);
        await res.arrayBuffer();
        if (res.ok) done++;
        else failures++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(server.pid as number) - cpu0;
  const main = cpuSeconds(server.pid as number, true) - main0;
  const threads = cpuByThread(server.pid as number, threads0);
  return {
    perSecond: done / seconds,
    perCpuSecond: done / cpu,
    cpu,
    perMainCpuSecond: done / main,
    main,
    threads,
    failures,
  };
}

export default async function labRuntimeBench(): Promise<void> {
  const root = process.cwd();
  if (!buildIsCurrent(root)) await build(root);
  const dir = mkdtempSync(path.join(tmpdir(), "drbd-lab-bench-"));
  const url = `file:${path.join(dir, "bench.db")}`;
  migrateDatabase(url, root);
  const db = createDb(url);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const auth = createAuth({ db, secret: SECRET, baseURL: base, env: { ...process.env, SIGNIN_RATE_LIMIT: "100000" } });
  const next = spawnAppServer(root, port, {
    DATABASE_URL: url,
    BETTER_AUTH_SECRET: SECRET,
    BETTER_AUTH_URL: base,
    LAB_CACHE_MAX: "500",
    // the closed loop sends as fast as the server answers
    LAB_COMMANDS_PER_SECOND: "100000",
  });
  try {
    await waitUntilUp(`${base}/api/health`, next, 90_000);
    const signIn = async (i: number) => {
      const who = { email: `runtime${i}@drbd-lab.local`, password: "bench-password", name: `Runtime ${i}` };
      await auth.api.createUser({ body: { ...who, role: "student" } });
      const { headers } = await auth.api.signInEmail({ body: who, returnHeaders: true });
      return (headers.get("set-cookie") ?? "").split(";")[0] as string;
    };
    const openLab = async (cookie: string, labId: string) => {
      const res = await fetch(`${base}/api/labs/${labId}`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: "{}",
      });
      if (!res.ok) throw new Error(`open lab: ${res.status}`);
      return ((await res.json()) as { session: { id: string } }).session.id;
    };
    const learners: Learner[] = [];
    for (let i = 0; i < LEARNERS; i++) {
      const cookie = await signIn(i);
      learners.push({ cookie, session: await openLab(cookie, "tp1") });
    }
    const noisyCookie = await signIn(LEARNERS);
    const noisy: Learner[] = [];
    for (const labId of ["tp1", "tp2", "tp3"])
      noisy.push({ cookie: noisyCookie, session: await openLab(noisyCookie, labId) });

    await paced(base, learners.slice(0, 5)); // warm-up
    const quiet = await paced(base, learners);
    let heavy = 0;
    let heavyFailures = 0;
    let stop = false;
    const loops = noisy.map(async (l) => {
      while (!stop) {
        const res = await exec(base, l, HEAVY);
        await res.arrayBuffer();
        if (res.ok) heavy++;
        else heavyFailures++;
      }
    });
    const loud = await paced(base, learners);
    stop = true;
    await Promise.all(loops);
    const line = (r: Awaited<ReturnType<typeof paced>>) =>
      `${r.n} commandes  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  échecs ${r.failures}  |  /api/health p99 ${r.health99.toFixed(1)} ms`;
    console.log(`Voisin bruyant — ${LEARNERS} apprenants à ~1 commande/s, ${PHASE_MS / 1000} s par phase`);
    console.log(`  calme         ${line(quiet)}`);
    if (quiet.tail) console.log(`  ${quiet.tail}`);
    console.log(`  voisin actif  ${line(loud)}`);
    if (loud.tail) console.log(`  ${loud.tail}`);
    console.log(`  (voisin : 3 labs, « ${HEAVY} » en boucle : ${heavy} terminées, ${heavyFailures} échecs)`);
    console.log(`  p99 voisin actif / calme : ${(loud.p99 / quiet.p99).toFixed(2)}×`);

    const loop = await closedLoop(base, learners.slice(0, 32), next);
    console.log(`Débit — 32 apprenants en boucle fermée (commandes légères), ${PHASE_MS / 1000} s`);
    console.log(
      `  ${loop.perSecond.toFixed(0)} commandes/s  ;  ${loop.perCpuSecond.toFixed(0)} commandes par seconde de CPU du serveur (${loop.cpu.toFixed(1)} s CPU, tous threads)  échecs ${loop.failures}`,
    );
    console.log(
      `  fil des requêtes : ${loop.perMainCpuSecond.toFixed(0)} commandes par seconde de CPU (${loop.main.toFixed(1)} s CPU) ; le reste dans les workers des labs`,
    );
    console.log(`  CPU par fil (s) : ${loop.threads.map(([name, s]) => `${name} ${s.toFixed(1)}`).join(", ")}`);
    console.log(
      "  (fils « node#id » : les workers des labs, les plus chargés, puis ceux de V8 — ramasse-miettes — et de libuv)",
    );
  } finally {
    next.kill("SIGTERM");
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}
