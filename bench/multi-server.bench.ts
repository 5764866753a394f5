// Capacity of 2 app servers against 1 on one PostgreSQL, measured in one run: learners in a
// closed loop (each sends its next command as soon as the previous one is answered) on the
// built app as `npm start` serves it. Two ways to spread them over 2 servers: by lab session (a
// load balancer hashing on it: each lab stays in one server's cache) and alternating every
// command (no affinity: each command first catches up with the other server's rows).
// PostgreSQL: TEST_POSTGRES_URL, else a throw-away one from .ci/postgres.sh.
import { type ChildProcess, execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { createAuth } from "../lib/auth";
import { createDb } from "../lib/db";
import { freePort } from "../lib/testing/free-port";
import { createPostgresDatabase, dropPostgresDatabase } from "../lib/testing/postgres";
import { build } from "../scripts/build";
import { buildIsCurrent } from "../scripts/build-fingerprint";
import { spawnAppServer, waitUntilUp } from "./next-server";

const SECRET = "bench-secret-bench-secret-bench-secret-0002";
const LEARNERS = 24;
const DURATION_MS = 10_000;

type Learner = { cookie: string; session: string };

async function closedLoop(bases: string[], learners: Learner[], spread: "session" | "command") {
  let done = 0;
  let failures = 0;
  const times: number[] = [];
  const end = Date.now() + DURATION_MS;
  await Promise.all(
    learners.map(async (l, i) => {
      for (let n = 0; Date.now() < end; n++) {
        const base = bases[(spread === "session" ? i : i + n) % bases.length] as string;
        const t0 = performance.now();
        const res = await fetch(`${base}/api/labs/sessions/${l.session}/exec`, {
          method: "POST",
          headers: { cookie: l.cookie, "content-type": "application/json" },
          body: JSON.stringify({ terminal: "host", input: n % 2 ? "ls" : "echo ok" }),
        });
        await res.arrayBuffer();
        if (res.ok) {
          done++;
          times.push(performance.now() - t0);
        } else failures++;
      }
    }),
  );
  times.sort((a, b) => a - b);
  return { perSecond: done / (DURATION_MS / 1000), p50: times[Math.floor(times.length / 2)] ?? 0, failures };
}

export default async function multiServer(): Promise<void> {
  const root = process.cwd();
  let throwaway: string | undefined;
  if (!process.env.TEST_POSTGRES_URL) {
    const out = execFileSync(".ci/postgres.sh", ["start"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    for (const [, k, v] of out.matchAll(/(\w+)=(\S+)/g)) process.env[k as string] = v;
    throwaway = process.env.PG_THROWAWAY_DIR;
  }
  if (!buildIsCurrent(root)) await build(root);
  const database = createPostgresDatabase("drbd_bench");
  const children: ChildProcess[] = [];
  try {
    const bases: string[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const child = spawnAppServer(root, port, {
        DATABASE_URL: database.url,
        BETTER_AUTH_SECRET: SECRET,
        BETTER_AUTH_URL: base,
        LAB_COMMANDS_PER_SECOND: "100000",
      });
      children.push(child);
      await waitUntilUp(`${base}/api/health`, child, 90_000);
      bases.push(base);
    }
    const db = createDb(database.url);
    const auth = createAuth({
      db,
      secret: SECRET,
      baseURL: bases[0],
      env: { ...process.env, SIGNIN_RATE_LIMIT: "100000" },
    });
    const learners: Learner[] = [];
    for (let i = 0; i < LEARNERS; i++) {
      const who = { email: `multi${i}@drbd-lab.local`, password: "bench-password", name: `Multi ${i}` };
      await auth.api.createUser({ body: { ...who, role: "student" } });
      const { headers } = await auth.api.signInEmail({ body: who, returnHeaders: true });
      const cookie = (headers.get("set-cookie") ?? "").split(";")[0] as string;
      const res = await fetch(`${bases[i % 2]}/api/labs/tp1`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: "{}",
      });
      if (!res.ok) throw new Error(`open lab: ${res.status}`);
      learners.push({ cookie, session: ((await res.json()) as { session: { id: string } }).session.id });
    }
    await db.$disconnect();
    await closedLoop(bases, learners, "command"); // warm-up: every lab in both servers' caches
    console.log(
      `Capacité, ${LEARNERS} apprenants en boucle fermée, ${DURATION_MS / 1000} s par mesure, PostgreSQL 15 local, ${cpus().length} cœurs partagés par les serveurs et le client`,
    );
    const one = await closedLoop(bases.slice(0, 1), learners, "session");
    const bySession = await closedLoop(bases, learners, "session");
    const byCommand = await closedLoop(bases, learners, "command");
    const line = (label: string, r: Awaited<ReturnType<typeof closedLoop>>) =>
      console.log(
        `  ${label.padEnd(44)} ${r.perSecond.toFixed(0).padStart(5)} commandes/s   p50 ${r.p50.toFixed(0)} ms   échecs ${r.failures}`,
      );
    line("1 serveur", one);
    line("2 serveurs, répartis par session de lab", bySession);
    line("2 serveurs, alternés à chaque commande", byCommand);
    console.log(
      `  rapport 2/1 : ${(bySession.perSecond / one.perSecond).toFixed(2)} (par session), ${(byCommand.perSecond / one.perSecond).toFixed(2)} (alternés)`,
    );
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await dropPostgresDatabase(database.name).catch(() => undefined);
    if (throwaway) execFileSync(".ci/postgres.sh", ["stop", throwaway], { stdio: "ignore" });
  }
}
