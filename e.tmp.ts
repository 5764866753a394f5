import { createTempDatabase, createTestAuth } from "./lib/testing/temp-db";
const tmp = createTempDatabase();
const auth = createTestAuth(tmp.db);
const cookies: string[] = [];
for (let i = 0; i < 50; i++) {
  const who = { email: `b${i}@x.local`, password: "bench-password", name: `B ${i}` };
  await auth.api.createUser({ body: { ...who, role: "student" } });
  const { headers } = await auth.api.signInEmail({ body: who, returnHeaders: true });
  cookies.push((headers.get("set-cookie") ?? "").split(";")[0] as string);
}
for (let r = 0; r < 3; r++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (const cookie of cookies) await auth.api.getSession({ headers: new Headers({ cookie }) });
  const c = process.cpuUsage(c0);
  console.log(`getSession: ${((performance.now() - t0) / cookies.length).toFixed(2)} ms wall, ${((c.user + c.system) / 1000 / cookies.length).toFixed(2)} ms CPU`);
}
const c0 = process.cpuUsage(); const t0 = performance.now();
for (let i = 0; i < 50; i++) await tmp.db.labSession.findFirst({ where: { id: `x${i}` } });
const c = process.cpuUsage(c0);
console.log(`findFirst: ${((performance.now() - t0) / 50).toFixed(2)} ms wall, ${((c.user + c.system) / 1000 / 50).toFixed(2)} ms CPU`);
process.exit(0);
