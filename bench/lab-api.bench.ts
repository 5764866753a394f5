// The lab API on the built app (the app as `npm start` serves it, loopback, temporary database): command round trip
// with 50 and 200 simulated learners, lab rebuild time (replay of a TP1-sized log), and the
// weight of a chapter page.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLab, outputDigest, parseLabScript } from "../engine/index";
import { createAuth } from "../lib/auth";
import { createDb } from "../lib/db";
import { rebuildLab, type StoredEvent } from "../lib/labs/live";
import { migrateDatabase } from "../lib/migrate";
import { freePort } from "../lib/testing/free-port";
import { build } from "../scripts/build";
import { buildIsCurrent } from "../scripts/build-fingerprint";
import { spawnAppServer, waitUntilUp } from "./next-server";
import { serverTiming, tailBreakdown } from "./server-timing";

const SECRET = "bench-secret-bench-secret-bench-secret-0001";
const DURATION_MS = 10_000;
/** A learner types about one command a second (a fast one). */
const PACE_MS = 1000;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function roundTrips(base: string, learners: { cookie: string; session: string }[]) {
  const samples: { ms: number; timing: Record<string, number> }[] = [];
  let failures = 0;
  const end = Date.now() + DURATION_MS;
  const commands = ["ls", "cat /etc/hostname", "docker-compose ps", "pwd", "echo ok"];
  await Promise.all(
    learners.map(async (l, i) => {
      await new Promise((r) => setTimeout(r, (i * PACE_MS) / learners.length)); // spread the starts
      for (let n = 0; Date.now() < end; n++) {
        const t0 = performance.now();
        const res = await fetch(`${base}/api/labs/sessions/${l.session}/exec`, {
          method: "POST",
          headers: { cookie: l.cookie, "content-type": "application/json" },
          body: JSON.stringify({ terminal: "host", input: commands[n % commands.length] }),
        });
        await res.arrayBuffer();
        const ms = performance.now() - t0;
        if (res.ok) samples.push({ ms, timing: serverTiming(res) });
        else failures++;
        if (ms < PACE_MS) await new Promise((r) => setTimeout(r, PACE_MS - ms));
      }
    }),
  );
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  const p99 = pct(times, 99);
  return { n: times.length, p50: pct(times, 50), p99, failures, tail: tailBreakdown(samples, p99) };
}

const FIRST_MS = 4000;

/** One command per learner, their starts spread evenly over FIRST_MS. */
async function firstCommands(base: string, learners: { cookie: string; session: string }[]) {
  const times: number[] = [];
  let failures = 0;
  await Promise.all(
    learners.map(async (l, i) => {
      await new Promise((r) => setTimeout(r, (i * FIRST_MS) / learners.length));
      const t0 = performance.now();
      const res = await fetch(`${base}/api/labs/sessions/${l.session}/exec`, {
        method: "POST",
        headers: { cookie: l.cookie, "content-type": "application/json" },
        body: JSON.stringify({ terminal: "host", input: "pwd" }),
      });
      await res.arrayBuffer();
      if (res.ok) times.push(performance.now() - t0);
      else failures++;
    }),
  );
  times.sort((a, b) => a - b);
  return { n: times.length, p50: pct(times, 50), p99: pct(times, 99), failures };
}

/** Replays the TP1 reference solution's log as if the server had just restarted. */
async function rebuildTime() {
  const script = parseLabScript(readFileSync("content/solutions/tp1.lab", "utf8"));
  const lab = await createLab({ scenario: "fresh", seed: 7 });
  const events: StoredEvent[] = [];
  for (const step of script.steps) {
    if (step.kind === "wait") continue;
    const r = await lab.exec(step.target, step.command);
    events.push({
      seq: events.length,
      target: step.target,
      input: step.command,
      output: r.stdout + r.stderr,
      outputDigest: outputDigest(r.stdout, r.stderr),
    });
  }
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const live = await rebuildLab({ id: "bench", userId: "u", exerciseId: "tp1", scenario: "fresh", seed: 7 }, events);
    runs.push(performance.now() - t0);
    if (live.drift.length > 0) throw new Error(`replay drift at ${live.drift.join(", ")}`);
  }
  return { events: events.length, best: Math.min(...runs), worst: Math.max(...runs) };
}

async function pageWeight(base: string, cookie: string) {
  const html = await (await fetch(`${base}/cours/tp1`, { headers: { cookie } })).text();
  const assets = [
    ...new Set([...html.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string)),
  ];
  let js = 0;
  let css = 0;
  for (const a of assets) {
    const bytes = (await (await fetch(`${base}${a}`)).arrayBuffer()).byteLength;
    if (a.endsWith(".js")) js += bytes;
    else css += bytes;
  }
  return { html: Buffer.byteLength(html), js, css, files: assets.length };
}

export default async function labApiBench(): Promise<void> {
  const root = process.cwd();
  const rebuilt = await rebuildTime();
  console.log(`Reconstruction d'un lab après redémarrage (rejeu d'un journal TP1 de ${rebuilt.events} commandes)`);
  console.log(`  meilleur ${rebuilt.best.toFixed(0)} ms, pire ${rebuilt.worst.toFixed(0)} ms (3 essais)`);

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
  });
  try {
    await waitUntilUp(`${base}/api/health`, next, 90_000);
    const learners: { cookie: string; session: string }[] = [];
    for (let i = 0; i < 200; i++) {
      const who = { email: `bench${i}@drbd-lab.local`, password: "bench-password", name: `Bench ${i}` };
      await auth.api.createUser({ body: { ...who, role: "student" } });
      const { headers } = await auth.api.signInEmail({ body: who, returnHeaders: true });
      const cookie = (headers.get("set-cookie") ?? "").split(";")[0] as string;
      const res = await fetch(`${base}/api/labs/tp1`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: "{}",
      });
      if (!res.ok) throw new Error(`open lab: ${res.status}`);
      learners.push({ cookie, session: ((await res.json()) as { session: { id: string } }).session.id });
    }
    // Each learner's first command: the server looks up their session, lab and quota once (then
    // keeps them a minute), so it costs more than the next ones. They come first, spread over
    // FIRST_MS, and are reported on their own; the paced phases measure learners at work.
    const first = await firstCommands(base, learners);
    console.log(
      `Première commande de chacun des ${learners.length} apprenants (session, lab et quota lus en base), étalées sur ${FIRST_MS / 1000} s`,
    );
    console.log(
      `  ${first.n} commandes   latence ms p50 ${first.p50.toFixed(1)}  p99 ${first.p99.toFixed(1)}   échecs ${first.failures}`,
    );
    for (const n of [50, 200]) {
      const r = await roundTrips(base, learners.slice(0, n));
      console.log(`POST /api/labs/sessions/:id/exec — ${n} apprenants, ~1 commande/s chacun, ${DURATION_MS / 1000} s`);
      console.log(
        `  ${r.n} commandes   latence ms p50 ${r.p50.toFixed(1)}  p99 ${r.p99.toFixed(1)}   échecs ${r.failures}`,
      );
      if (r.tail) console.log(r.tail);
    }
    const w = await pageWeight(base, learners[0]?.cookie ?? "");
    console.log(
      `Poids de /cours/tp1 (sans compression) : HTML ${(w.html / 1024).toFixed(0)} Kio, JS ${(w.js / 1024).toFixed(0)} Kio, CSS ${(w.css / 1024).toFixed(0)} Kio (${w.files} fichiers ; xterm et Monaco se chargent à l'ouverture du lab / de l'éditeur)`,
    );
  } finally {
    next.kill("SIGTERM");
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}
