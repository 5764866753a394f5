// A light command's CPU on the request thread and in the lab worker, without Next (no build):
// the HTTP server `npm start` puts in front of the lab routes (lib/server/front.ts +
// lib/server/lab-routes.ts) with the lab API's handlers (session cookie cached as in
// production, SQLite log writer, one lab worker), driven by a client in another process (so
// its CPU is not counted). `npm run bench -- lab-thread`; BENCH_COMMANDS (default 3000), under
// `node --cpu-prof --import tsx bench/run.ts lab-thread` to see the request thread's frames.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { Session } from "node:inspector/promises";
import type { AddressInfo } from "node:net";
import { sessionAuthenticator } from "../lib/labs/authenticate";
import { createLabApi } from "../lib/labs/http";
import { StorageMeter } from "../lib/labs/storage";
import { labApiHarness } from "../lib/labs/test-harness";
import { createFrontHandler } from "../lib/server/front";
import { withLabRoutes } from "../lib/server/lab-routes";

const LEARNERS = 8;

/** The client: LEARNERS closed loops of light commands, `count` in all; prints ms per command. */
const CLIENT = `
const [base, count, ...rest] = process.argv.slice(1);
const labs = JSON.parse(rest.join(" "));
const commands = ["ls", "cat /etc/hostname", "pwd", "echo ok", "date"];
let left = Number(count), failures = 0;
const t0 = performance.now();
await Promise.all(labs.map(async (l, i) => {
  for (let n = i; left-- > 0; n++) {
    const res = await fetch(base + "/api/labs/sessions/" + l.session + "/exec", {
      method: "POST",
      headers: { cookie: l.cookie, "content-type": "application/json", origin: base },
      body: JSON.stringify({ terminal: "host", input: commands[n % commands.length] }),
    });
    await res.arrayBuffer();
    if (!res.ok) failures++;
  }
}));
console.log(JSON.stringify({ ms: performance.now() - t0, failures }));
`;

function drive(base: string, count: number, labs: unknown): Promise<{ ms: number; failures: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      "--input-type=module",
      "-e",
      CLIENT,
      base,
      String(count),
      JSON.stringify(labs),
    ]);
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => process.stderr.write(c));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`client exited ${code}`))));
  });
}

/** CPU time of this process's main thread (the request thread), ms (Linux: /proc, 10 ms ticks). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

/** BENCH_PROFILE=file.cpuprofile: the request thread's profile over the measured run only. */
async function profiled<T>(fn: () => Promise<T>): Promise<T> {
  const file = process.env.BENCH_PROFILE;
  if (!file) return fn();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await fn();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

export default async function main(): Promise<void> {
  const count = Number(process.env.BENCH_COMMANDS ?? 3000);
  const h = labApiHarness();
  // as defaultLabApiDeps has them on SQLite: the session cached, storage counted in memory
  const api = createLabApi({ ...h.deps, authenticate: sessionAuthenticator(() => h.auth), meter: new StorageMeter() });
  const server = createServer(
    createFrontHandler(
      { trustedProxies: [], maxBodyBytes: 1024 * 1024, allowedOrigins: [], hsts: false },
      withLabRoutes(
        () => api,
        (_req, res) => {
          res.writeHead(404);
          res.end();
        },
      ),
    ),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const cookies = await h.signInStudents(0, LEARNERS);
    const labs: { cookie: string; session: string }[] = [];
    for (const cookie of cookies) {
      const res = await api.open(
        new Request(`${base}/api/labs/tp1`, { method: "POST", headers: { cookie }, body: "{}" }),
        "tp1",
      );
      labs.push({ cookie, session: ((await res.json()) as { session: { id: string } }).session.id });
    }
    await drive(base, 200, labs); // warm-up
    const main0 = mainThreadCpuMs();
    const cpu0 = process.cpuUsage();
    const r = await profiled(() => drive(base, count, labs));
    const mainMs = mainThreadCpuMs() - main0;
    const cpu = process.cpuUsage(cpu0);
    const allMs = (cpu.user + cpu.system) / 1000;
    console.log(`${count} light commands over HTTP, ${LEARNERS} learners in closed loops (client in another process):`);
    console.log(
      `  ${((count / r.ms) * 1000).toFixed(0)} commands/s, ${r.failures} failures; server CPU ${((allMs / count) * 1000).toFixed(0)} µs/command (all threads), request thread ${((mainMs / count) * 1000).toFixed(0)} µs/command, other threads (lab worker, GC, I/O) ${(((allMs - mainMs) / count) * 1000).toFixed(0)} µs/command`,
    );
  } finally {
    server.close();
    await h.close();
    await h.tmp.cleanup();
  }
}
