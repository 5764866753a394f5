// Grading figures: a 500-event lab graded by replay (what "Vérifier mon lab" and a regrade
// cost), the instructor's class view for 200 students × every exercise on a seeded temporary
// database, and the CSV export built from it.

import { readFileSync } from "node:fs";
import path from "node:path";
import { parseLabScript } from "../engine/index";
import { EXERCISES, getExercise, grade } from "../graders/index";
import { classView } from "../lib/grading/class-view";
import { gradebookCsv } from "../lib/grading/csv";
import { createTempDatabase } from "../lib/testing/temp-db";

const STUDENTS = 200;
const LAB_EVENTS = 500;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function time<T>(runs: number, fn: () => Promise<T> | T): Promise<{ p50: number; p95: number; last: T }> {
  const ms: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: pct(ms, 50), p95: pct(ms, 95), last: last as T };
}

/** TP1's reference solution, then status checks and waits up to LAB_EVENTS events. */
function labLog() {
  const script = readFileSync(path.join(process.cwd(), "content", "solutions", "tp1.lab"), "utf8");
  const events: ({ kind: "exec"; target: string; input: string } | { kind: "wait"; durationUs: number })[] =
    parseLabScript(script).steps.map((s) =>
      s.kind === "exec"
        ? { kind: "exec", target: s.target, input: s.command }
        : { kind: "wait", durationUs: s.ms * 1000 },
    );
  const filler = ["drbdadm status r0", "cat /proc/drbd", "ls /mnt/drbd"];
  for (let i = 0; events.length < LAB_EVENTS; i++) {
    events.push(
      i % 4 === 3
        ? { kind: "wait", durationUs: 1_000_000 }
        : { kind: "exec", target: "node1", input: filler[i % 3] as string },
    );
  }
  return { scenario: "fresh", seed: 42, events };
}

async function seed(db: ReturnType<typeof createTempDatabase>["db"]) {
  const instructor = await db.user.create({ data: { id: "bench-teacher", name: "Formateur", email: "f@bench" } });
  const cohort = await db.cohort.create({
    data: { name: "Bench", joinCode: "DRBD-BNCH", instructorId: instructor.id },
  });
  const users = Array.from({ length: STUDENTS }, (_, i) => ({
    id: `s${i}`,
    name: `Étudiant ${i}`,
    email: `s${i}@bench`,
  }));
  await db.user.createMany({ data: users });
  await db.enrollment.createMany({ data: users.map((u) => ({ userId: u.id, cohortId: cohort.id })) });
  const when = new Date("2026-01-01T10:00:00Z");
  for (const u of users) {
    const subs = [];
    const gradings = [];
    const progress = [];
    for (const [k, ex] of EXERCISES.entries()) {
      const attempts = 1 + ((k + Number(u.id.slice(1))) % 3);
      let best = 0;
      for (let a = 0; a < attempts; a++) {
        const id = `${u.id}-${ex.id}-${a}`;
        const score = Math.min(ex.points, Math.round(((a + 1) * ex.points) / attempts));
        best = Math.max(best, score);
        subs.push({ id, userId: u.id, exerciseId: ex.id, kind: "quiz", payload: '{"answers":{}}', createdAt: when });
        const checks = ex.checks.map((c, j) => ({
          id: c.id,
          passed: j % 2 === 0,
          points: 0,
          max: c.points,
          message: "",
        }));
        gradings.push({
          submissionId: id,
          graderVersion: "1",
          score,
          maxScore: ex.points,
          checks: JSON.stringify(checks),
        });
      }
      progress.push({
        userId: u.id,
        exerciseId: ex.id,
        bestScore: best,
        maxScore: ex.points,
        attempts,
        lastActivityAt: when,
      });
    }
    await db.submission.createMany({ data: subs });
    await db.grading.createMany({ data: gradings });
    await db.progress.createMany({ data: progress });
  }
  return cohort.id;
}

export default async function gradingBench(): Promise<void> {
  const tp1 = getExercise("tp1");
  if (!tp1) throw new Error("tp1 missing");
  const log = labLog();
  const g = await time(5, () => grade(tp1, log));
  if (!g.last.valid) throw new Error(`lab log invalid: ${g.last.invalidReason}`);
  console.log(`Correction d'un lab de ${log.events.length} évènements par rejeu (TP1, 5 essais)`);
  console.log(`  p50 ${g.p50.toFixed(0)} ms  p95 ${g.p95.toFixed(0)} ms  (score ${g.last.score}/${g.last.max})`);

  const tmp = createTempDatabase();
  try {
    const t0 = performance.now();
    const cohortId = await seed(tmp.db);
    const subs = await tmp.db.submission.count();
    console.log(
      `Base temporaire : ${STUDENTS} étudiant·es × ${EXERCISES.length} exercices, ${subs} soumissions (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    const v = await time(7, () => classView(tmp.db, cohortId));
    console.log(`Vue de classe (carte de chaleur, statistiques, relecture), 7 essais`);
    console.log(`  p50 ${v.p50.toFixed(0)} ms  p95 ${v.p95.toFixed(0)} ms`);
    const c = await time(20, () => gradebookCsv(v.last));
    const full = await time(5, async () => gradebookCsv(await classView(tmp.db, cohortId)));
    console.log(
      `Export CSV : mise en forme p50 ${c.p50.toFixed(1)} ms ; requêtes + CSV p50 ${full.p50.toFixed(0)} ms  p95 ${full.p95.toFixed(0)} ms (${(full.last.length / 1024).toFixed(0)} Kio)`,
    );
  } finally {
    await tmp.cleanup();
  }
}
