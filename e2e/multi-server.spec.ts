/**
 * Two app servers (the built app, as `npm start` serves it) on one PostgreSQL, no sticky
 * sessions: one learner's commands alternate between them, one after the other and concurrently,
 * and the transcript equals a run on a single server; then `kill -9` of one server while three
 * learners type on both loses no acknowledged command, and they continue on the other server.
 * Needs TEST_POSTGRES_URL (.ci/postgres.sh): required under CI=true, skipped otherwise.
 */
import type { ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { spawnAppServer, waitUntilUp } from "../bench/next-server";
import { freePort } from "../lib/testing/free-port";
import { createPostgresDatabase, dropPostgresDatabase } from "../lib/testing/postgres";

const pgUrl = process.env.TEST_POSTGRES_URL?.trim();
if (!pgUrl && process.env.CI === "true") throw new Error("CI=true but TEST_POSTGRES_URL is not set");
const SECRET = "multi-server-secret-multi-server-secret-01";

test.describe.configure({ mode: "serial", timeout: 180_000 });
test.skip(!pgUrl, "TEST_POSTGRES_URL not set (start a PostgreSQL with .ci/postgres.sh)");

type Server = { base: string; child: ChildProcess };
type Reply = { entry: { seq: number; input: string; output: string; prompt: string; machine: string } };
type Snapshot = { session: { id: string }; transcript: Reply["entry"][] };

let database: { url: string; name: string } | undefined;
const servers: Server[] = [];
const cookies: string[] = [];
let client: pg.Client;

async function startServer(url: string): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawnAppServer(process.cwd(), port, {
    DATABASE_URL: url,
    BETTER_AUTH_SECRET: SECRET,
    BETTER_AUTH_URL: base,
    BETTER_AUTH_TRUSTED_ORIGINS: servers.map((s) => s.base).join(","),
    LAB_COMMANDS_PER_SECOND: "1000",
    LAB_WORKERS: "1",
  });
  await waitUntilUp(`${base}/api/health`, child, 90_000);
  return { base, child };
}

async function call<T>(s: Server, path: string, cookie: string, body?: unknown): Promise<T> {
  const res = await fetch(`${s.base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { cookie, "content-type": "application/json", origin: s.base },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const exec = (s: Server, cookie: string, id: string, terminal: string, input: string) =>
  call<Reply>(s, `/api/labs/sessions/${id}/exec`, cookie, { terminal, input });

const rows = async (id: string) =>
  (
    await client.query<{ seq: number; target: string; input: string; output: string }>(
      `SELECT seq, target, input, output FROM lab_event WHERE "labSessionId" = $1 ORDER BY seq`,
      [id],
    )
  ).rows;

test.beforeAll(async () => {
  test.setTimeout(240_000); // two servers start (the built app, PostgreSQL migrated and seeded)
  database = createPostgresDatabase("drbd_e2e");
  execFileSync(process.execPath, ["--import", "tsx", "scripts/seed.ts"], {
    env: { ...process.env, DATABASE_URL: database.url, BETTER_AUTH_SECRET: SECRET },
    stdio: "ignore",
  });
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  servers.push(await startServer(database.url));
  servers.push(await startServer(database.url));
  for (const n of [1, 2, 3]) {
    // signed in on the first server, the cookie works on both (sessions are in the database)
    const res = await fetch(`${servers[0]?.base}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: servers[0]?.base ?? "" },
      body: JSON.stringify({ email: `etudiant${n}@drbd-lab.local`, password: "etudiant123" }),
    });
    expect(res.status).toBe(200);
    cookies.push((res.headers.get("set-cookie") ?? "").split(";")[0] as string);
  }
});

test.afterAll(async () => {
  for (const s of servers) if (s.child.exitCode === null) s.child.kill("SIGKILL");
  await client?.end();
  if (database) await dropPostgresDatabase(database.name);
});

test("one learner's commands alternate between two servers: same transcript as one server", async () => {
  const [a, b] = servers as [Server, Server];
  const [c1, c2] = cookies as [string, string];
  const lab = await call<Snapshot>(a, "/api/labs/tp1", c1, { mode: "reset" });
  const id = lab.session.id;
  const steps: [string, string][] = [
    ["host", "cd drbd-workshop"],
    ["host", "docker-compose up -d"],
    ["host", "docker exec -it drbd-node1 bash"],
    ["node1", "/scripts/drbd-init.sh create-md"],
    ["node1", "/scripts/drbd-init.sh start"],
    ["host#t2", "docker exec -it drbd-node2 bash"],
    ["node2", "/scripts/drbd-init.sh create-md"],
    ["node2", "/scripts/drbd-init.sh start"],
  ];
  for (const [i, [terminal, input]] of steps.entries()) await exec(i % 2 ? b : a, c1, id, terminal, input);
  // concurrent ones, half on each server
  const concurrent = Array.from({ length: 8 }, (_, i) => `echo ${i} >> /tmp/order && wc -l < /tmp/order`);
  const acked = await Promise.all(concurrent.map((input, i) => exec(i % 2 ? b : a, c1, id, "host", input)));
  const log = await rows(id);
  expect(log.map((r) => r.seq)).toEqual([...Array(steps.length + concurrent.length).keys()]);
  for (const r of acked) expect(log[r.entry.seq]?.input).toBe(r.entry.input);
  expect(log.slice(steps.length).map((r) => Number(r.output.trim()))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

  // the reference: the same lab (scenario, seed) for another learner, the log's commands on one server
  const user2 = (await client.query<{ id: string }>(`SELECT id FROM "user" WHERE email = 'etudiant2@drbd-lab.local'`))
    .rows[0]?.id;
  await client.query(
    `INSERT INTO lab_session (id, "userId", "exerciseId", chapter, scenario, seed, status, "updatedAt")
     SELECT 'ref-' || id, $2, "exerciseId", chapter, scenario, seed, 'active', now() FROM lab_session WHERE id = $1`,
    [id, user2],
  );
  const ref = (await call<Snapshot>(a, "/api/labs/tp1", c2, { mode: "resume" })).session.id;
  expect(ref).toBe(`ref-${id}`);
  for (const r of log) await exec(a, c2, ref, r.target, r.input);
  const strip = (s: Snapshot) =>
    s.transcript.map(({ seq, input, output, prompt, machine }) => ({ seq, input, output, prompt, machine }));
  const expected = strip(await call<Snapshot>(a, `/api/labs/sessions/${ref}`, c2));
  expect(strip(await call<Snapshot>(a, `/api/labs/sessions/${id}`, c1))).toEqual(expected);
  expect(strip(await call<Snapshot>(b, `/api/labs/sessions/${id}`, c1))).toEqual(expected);
});

test("kill -9 of one server under load loses no acknowledged command; its learners continue on the other", async () => {
  const [a, b] = servers as [Server, Server];
  const ids: string[] = [];
  for (const c of cookies) ids.push((await call<Snapshot>(b, "/api/labs/tp2", c, { mode: "reset" })).session.id);
  const acked: { id: string; seq: number; input: string }[] = [];
  let refused = 0;
  let ackedAtKill = -1;
  // under load: once 12 commands are acknowledged, kill -9 the first server; go on until 12 more are
  const more = () => ackedAtKill < 0 || acked.length < ackedAtKill + 12;
  await Promise.all(
    ids.map(async (id, learner) => {
      for (let n = 0; more(); n++) {
        const input = `echo L${learner}-${n}`;
        // alternate; a request to the dead server fails and the learner retries on the other one
        for (const s of n % 2 ? [a, b] : [b, a]) {
          try {
            const r = await exec(s, cookies[learner] as string, id, "host", input);
            acked.push({ id, seq: r.entry.seq, input: r.entry.input });
            break;
          } catch {
            refused++;
          }
        }
        if (ackedAtKill < 0 && acked.length >= 12) {
          ackedAtKill = acked.length;
          a.child.kill("SIGKILL");
        }
      }
    }),
  );
  expect(a.child.signalCode).toBe("SIGKILL");
  expect(refused).toBeGreaterThan(0); // the kill did hit requests
  expect(acked.length).toBeGreaterThanOrEqual(24);
  for (const id of ids) {
    const log = await rows(id);
    expect(log.map((r) => r.seq)).toEqual([...log.keys()]); // no gap, no fork
    for (const k of acked.filter((x) => x.id === id)) expect(log[k.seq]?.input).toBe(k.input);
    // the surviving server shows the whole log and continues it
    const view = await call<Snapshot>(b, `/api/labs/sessions/${id}`, cookies[ids.indexOf(id)] as string);
    expect(view.transcript.map((t) => t.input)).toEqual(log.map((r) => r.input));
    const next = await exec(b, cookies[ids.indexOf(id)] as string, id, "host", "echo encore");
    expect(next.entry.seq).toBe(log.length);
  }
});
