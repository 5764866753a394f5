// Instructor figures: the live class view for 200 learners (the route handler on a database
// holding 200 labs of 60 rows each and 3 gradings per learner), and seeking in the replay of a
// 500-row lab (the first open replays it in a lab worker; every seek after is a frame lookup
// there, sent back to the request thread).
import { cpus, loadavg } from "node:os";
import { createLab, type Lab } from "../engine/index";
import { ensureGraderScenarios, getExercise } from "../graders/index";
import { seedDemo } from "../lib/demo-seed";
import { sessionViewer } from "../lib/grading/authenticate";
import { createInstructorApi } from "../lib/instructor/http";
import type { LiveStatus, StoredEvent } from "../lib/labs/live";
import { LabPool } from "../lib/labs/pool";
import { createTempDatabase, createTestAuth } from "../lib/testing/temp-db";

const LEARNERS = 200;
const ROWS = 60;
const SEEKS = 200;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}
const ms = (t: number) => `${t.toFixed(1)} ms`;

async function liveView(): Promise<void> {
  const tmp = createTempDatabase();
  const auth = createTestAuth(tmp.db);
  await seedDemo(auth, tmp.db);
  const cohort = await tmp.db.cohort.findFirstOrThrow();
  const tp3 = getExercise("tp3");
  const checkIds = tp3?.checks.map((c) => c.id) ?? [];
  const users = Array.from({ length: LEARNERS }, (_, i) => ({
    id: `bench-user-${i}`,
    name: `Apprenant ${String(i).padStart(3, "0")}`,
    email: `apprenant${i}@bench.local`,
  }));
  await tmp.db.user.createMany({ data: users.map((u) => ({ ...u, role: "student" })) });
  await tmp.db.enrollment.createMany({ data: users.map((u) => ({ userId: u.id, cohortId: cohort.id })) });
  const base = Date.now() - 30 * 60_000;
  for (const [i, u] of users.entries()) {
    const s = await tmp.db.labSession.create({
      data: { userId: u.id, exerciseId: "tp3", chapter: "tp3", scenario: "tp1.done", seed: i + 1 },
    });
    await tmp.db.labEvent.createMany({
      data: Array.from({ length: ROWS }, (_, seq) => {
        const count = (k: number) => Math.min(checkIds.length, Math.floor((k * (i % 7)) / ROWS));
        const held = checkIds.slice(0, count(seq));
        let first = seq;
        while (first > 0 && count(first - 1) === held.length) first--;
        const live: LiveStatus = {
          exercise: "tp3",
          held,
          total: checkIds.length,
          alerts: [],
          progressAt: new Date(base + first * 20_000).toISOString(),
        };
        return {
          labSessionId: s.id,
          seq,
          target: seq % 5 === 4 ? "lab" : "node1",
          input: seq % 5 === 4 ? "wait 2000" : "drbdadm status r0",
          output: "r0 role:Primary\n  disk:UpToDate\n".repeat(4),
          outputDigest: "00000000",
          virtualTimeMs: seq * 1000,
          exitCode: seq % 5 === 4 ? null : i % 3 === 0 ? 1 : 0,
          checks: JSON.stringify(live),
          checksHeld: held.length,
          createdAt: new Date(base + seq * 20_000),
        };
      }),
    });
    for (let k = 0; k < 3; k++) {
      const sub = await tmp.db.submission.create({
        data: {
          userId: u.id,
          exerciseId: "tp3",
          kind: "lab",
          payload: JSON.stringify({ lab: "tp3", labSessionId: s.id, events: 20 * (k + 1) }),
          labSessionId: s.id,
        },
      });
      await tmp.db.grading.create({
        data: {
          submissionId: sub.id,
          graderVersion: "2",
          score: 2,
          maxScore: 13,
          checks: JSON.stringify(checkIds.map((id, j) => ({ id, passed: j === 0, points: 0, max: 1, message: "" }))),
        },
      });
    }
  }
  const { headers } = await auth.api.signInEmail({
    body: { email: "formateur@drbd-lab.local", password: "formateur123" },
    returnHeaders: true,
  });
  const cookie = (headers.get("set-cookie") ?? "").split(";")[0] as string;
  const api = createInstructorApi({
    db: tmp.db,
    authenticate: sessionViewer(() => auth),
    labs: { replay: async () => ({ frame: null }) },
  });
  const call = async () => {
    const t0 = performance.now();
    const res = await api.live(
      new Request(`http://127.0.0.1:3999/api/formateur/classes/${cohort.id}/live`, { headers: { cookie } }),
      cohort.id,
    );
    const body = (await res.json()) as { learners: unknown[] };
    if (res.status !== 200 || body.learners.length < LEARNERS) throw new Error(`live view: ${res.status}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < 3; i++) await call(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < (process.env.ONLY_LIVE ? 2 : 40); i++) times.push(await call());
  console.log(
    `live view, ${LEARNERS} learners (${LEARNERS * ROWS} rows, ${LEARNERS * 3} gradings), route handler incl. session check: p50 ${ms(pct(times, 50))}, p95 ${ms(pct(times, 95))} (target < 300 ms)`,
  );
  await tmp.cleanup();
}

/** A 500-row TP3-like log: failovers, link cuts, split brains and their resolution, waits. */
async function longLog(): Promise<StoredEvent[]> {
  ensureGraderScenarios();
  const lab: Lab = await createLab({ scenario: "tp1.done", seed: 7 });
  const cycle: [string, string][] = [
    ["node1", "umount /mnt/drbd"],
    ["node1", "drbdadm secondary r0"],
    ["node2", "drbdadm primary r0"],
    ["node2", "drbdadm status r0"],
    ["node1", "iptables -A INPUT -s 172.28.0.12 -j DROP"],
    ["node2", "iptables -A INPUT -s 172.28.0.11 -j DROP"],
    ["lab", "wait 15000"],
    ["node2", "drbdadm secondary r0"],
    ["node1", "drbdadm primary r0"],
    ["node1", "iptables -F"],
    ["node2", "iptables -F"],
    ["lab", "wait 15000"],
    ["node1", "drbdadm status r0"],
    ["node2", "drbdadm disconnect r0"],
    ["node2", "drbdadm connect --discard-my-data r0"],
    ["node1", "drbdadm disconnect r0"],
    ["node1", "drbdadm connect r0"],
    ["lab", "wait 15000"],
    ["node1", "mount /dev/drbd0 /mnt/drbd"],
    ["node1", "drbdadm status r0"],
  ];
  const rows: StoredEvent[] = [];
  for (let seq = 0; seq < 500; seq++) {
    const [target, input] = cycle[seq % cycle.length] as [string, string];
    if (target === "lab") {
      await lab.advance(15_000);
      rows.push({ seq, target, input: "wait 15000", output: "", outputDigest: "" });
    } else {
      const r = await lab.exec(target, input);
      rows.push({ seq, target, input, output: r.shown, outputDigest: "" });
    }
  }
  return rows;
}

async function replaySeek(): Promise<void> {
  const events = await longLog();
  const pool = new LabPool({ workers: 1, maxLabsPerWorker: 4, idleMs: 60_000 });
  const session = { id: "bench-replay", userId: "bench", exerciseId: "tp3", scenario: "tp1.done", seed: 7 };
  const ref = { id: session.id, userId: session.userId, load: async () => ({ session, events }) };
  try {
    const t0 = performance.now();
    const info = await pool.replay(ref, "bench:500", null);
    const open = performance.now() - t0;
    const steps = info.info?.steps.length ?? 0;
    const times: number[] = [];
    let x = 12345;
    for (let i = 0; i < SEEKS; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const at = (x % (events.length + 1)) - 1;
      const t = performance.now();
      const a = await pool.replay(ref, "bench:500", at);
      if (!a.frame) throw new Error(`no frame at ${at}`);
      times.push(performance.now() - t);
    }
    console.log(
      `replay of a 500-row lab: first open (replay in the worker, ${steps} rows, ${info.info?.history.length ?? 0} state events) ${ms(open)}; seek p50 ${ms(pct(times, 50))}, p95 ${ms(pct(times, 95))} over ${SEEKS} random seeks (target < 300 ms)`,
    );
  } finally {
    await pool.close();
  }
}

export default async function main(): Promise<void> {
  // the figures scale with the machine's load: say what it was
  console.log(
    `load average at start: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} (${cpus().length} cores)`,
  );
  await liveView();
  if (!process.env.ONLY_LIVE) await replaySeek();
}
