import { createTempDatabase, createTestAuth } from "./lib/testing/temp-db";
import { sessionAuthenticator } from "./lib/labs/authenticate";
import { EventLog } from "./lib/labs/event-log";
import { createLabApi } from "./lib/labs/http";
import { CommandRateLimiter, DEFAULT_LIMITS } from "./lib/labs/limits";
import { labServiceDeps } from "./lib/labs/test-harness";
const tmp = createTempDatabase();
const auth = createTestAuth(tmp.db);
const deps = { ...labServiceDeps(tmp.db, { workers: 1, maxLabsPerWorker: 100 }), events: new EventLog(tmp.url),
  authenticate: sessionAuthenticator(() => auth), limits: DEFAULT_LIMITS, rate: new CommandRateLimiter({ commandsPerSecond: 1000, burst: 1000 }) };
const api = createLabApi(deps as never);
const N = 30;
const ls: { cookie: string; id: string }[] = [];
for (let i = 0; i < N; i++) {
  const who = { email: `b${i}@x.local`, password: "bench-password", name: `B ${i}` };
  await auth.api.createUser({ body: { ...who, role: "student" } });
  const { headers } = await auth.api.signInEmail({ body: who, returnHeaders: true });
  const cookie = (headers.get("set-cookie") ?? "").split(";")[0] as string;
  const r = await api.open(new Request("http://127.0.0.1:3999/api/labs", { method: "POST", headers: { cookie, "content-type": "application/json" }, body: "{}" }), "tp1");
  ls.push({ cookie, id: ((await r.json()) as { session: { id: string } }).session.id });
}
const ex = async (l: { cookie: string; id: string }, input: string) => {
  const t0 = performance.now();
  const r = await api.exec(new Request("http://127.0.0.1:3999/x", { method: "POST", headers: { cookie: l.cookie, "content-type": "application/json" }, body: JSON.stringify({ terminal: "host", input }) }), l.id);
  await r.arrayBuffer();
  return performance.now() - t0;
};
const first: number[] = [], second: number[] = [], third: number[] = [];
const cpu0 = process.cpuUsage();
for (const l of ls) first.push(await ex(l, "ls"));
const cpu1 = process.cpuUsage(cpu0);
for (const l of ls) second.push(await ex(l, "ls"));
const cpu2 = process.cpuUsage(cpu0);
for (const l of ls) third.push(await ex(l, "pwd"));
const avg = (a: number[]) => (a.reduce((x, y) => x + y, 0) / a.length).toFixed(1);
console.log(`first ${avg(first)} ms, second ${avg(second)} ms, third ${avg(third)} ms; main-thread CPU first ${((cpu1.user + cpu1.system) / 1000 / N).toFixed(1)} ms, second ${((cpu2.user + cpu2.system - cpu1.user - cpu1.system) / 1000 / N).toFixed(1)} ms`);
await deps.labs.close();
process.exit(0);
