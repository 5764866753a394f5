// Rebuild figures (issue 10 item 4): each TP's reference solution is run as a learner's lab
// (the rows a worker stores, a checkpoint taken as the worker takes them: every
// CHECKPOINT_EVERY commands or after a heavy one, when the state can be saved), then rebuilt
// from its rows the way a worker does after a restart or an eviction: replaying the whole log,
// and from the newest checkpoint plus the rows after it. Also what "Vérifier" costs on TP4 and
// TP5 (the graders' replay of the solution's log) and what a checkpoint costs to take.

import { readFileSync } from "node:fs";
import path from "node:path";
import { CHECKPOINT_FORMAT } from "../engine/checkpoint";
import { parseLabScript, type ReplayEvent } from "../engine/index";
import { getExercise, grade } from "../graders/index";
import {
  CHECKPOINT_EVERY,
  CHECKPOINT_HEAVY_MS,
  gradingCheckpoint,
  gradingSubmission,
  type StoredCheckpoint,
} from "../lib/labs/checkpoints";
import { type LiveLab, rebuildLab, type StoredEvent, takeCheckpoint } from "../lib/labs/live";
import {
  checkpointDue,
  checkpointPolicy,
  checkpointTaken,
  newCheckpointClock,
} from "../lib/labs/worker/checkpoint-policy";

const LABS = ["tp1", "tp2", "tp3", "tp4", "tp5"];
const policy = checkpointPolicy(CHECKPOINT_EVERY, CHECKPOINT_HEAVY_MS);
const RUNS = 5;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function solution(lab: string): { scenario: string; events: ReplayEvent[] } {
  const text = readFileSync(path.join(process.cwd(), "content", "solutions", `${lab}.lab`), "utf8");
  const scenario = /^# scenario: (\S+)/m.exec(text)?.[1] ?? "fresh";
  const events: ReplayEvent[] = parseLabScript(text).steps.map((s) =>
    s.kind === "exec"
      ? { kind: "exec", target: s.target, input: s.command }
      : { kind: "wait", durationUs: s.ms * 1000 },
  );
  return { scenario, events };
}

/** The solution as a learner's lab: its rows, and the checkpoints the worker would have stored. */
async function asLearner(lab: string) {
  const { scenario, events } = solution(lab);
  const session = { id: `bench-${lab}`, userId: "bench", exerciseId: lab, scenario, seed: 11 };
  const live: LiveLab = await rebuildLab(session, []);
  const rows: StoredEvent[] = [];
  let newest: StoredCheckpoint | null = null;
  let taken = 0;
  let takeMs = 0;
  const clock = newCheckpointClock(session.id);
  for (const e of events) {
    const seq = live.nextSeq++;
    if (e.kind === "wait") {
      await live.lab.advance(e.durationUs / 1000);
      rows.push({ seq, target: "lab", input: `wait ${e.durationUs / 1000}`, output: "", outputDigest: "" });
      continue;
    }
    const began = performance.now();
    const r = await live.exec(e.target, e.input);
    live.transcript.push({
      seq,
      terminal: e.target,
      machine: r.before.machine,
      prompt: r.before.prompt,
      input: e.input,
      output: r.output,
    });
    rows.push({ seq, target: e.target, input: e.input, output: r.output, outputDigest: r.digest });
    // the worker's policy (lib/labs/worker/checkpoint-policy.ts), on this lab's measured commands
    if (checkpointDue(policy, clock, seq - live.checkpointSeq, performance.now() - began)) {
      const t = performance.now();
      const c = await takeCheckpoint(live, CHECKPOINT_FORMAT);
      const ms = performance.now() - t;
      takeMs = Math.max(takeMs, ms);
      if (c) {
        newest = c;
        taken++;
        live.checkpointSeq = seq;
        checkpointTaken(clock, ms);
      }
    }
  }
  return { session, rows, newest, taken, takeMs, events: events.length };
}

export default async function main(): Promise<void> {
  const full: number[] = [];
  const fast: number[] = [];
  const learners = new Map<string, Awaited<ReturnType<typeof asLearner>>>();
  console.log(
    `checkpoints as a worker takes them: after a command of ≥ ${CHECKPOINT_HEAVY_MS} ms, else once ≥ ${CHECKPOINT_EVERY} ` +
      `commands held the worker ${policy.share}× the last one's cost (first: ${policy.tailMs} ms), ` +
      `at the latest after ${CHECKPOINT_EVERY * policy.maxFactor} (each bound × the lab's spread)`,
  );
  for (const lab of LABS) {
    const l = await asLearner(lab);
    learners.set(lab, l);
    let t = performance.now();
    const whole = await rebuildLab(l.session, l.rows);
    const fullMs = performance.now() - t;
    full.push(fullMs);
    const mine: number[] = [];
    let restored = 0;
    for (let i = 0; i < RUNS; i++) {
      t = performance.now();
      const again = await rebuildLab(l.session, l.rows, undefined, l.newest);
      mine.push(performance.now() - t);
      restored = again.restoredEvents;
      if (JSON.stringify(again.lab.state()) !== JSON.stringify(whole.lab.state()))
        throw new Error(`${lab}: the lab rebuilt from its checkpoint differs from the full replay`);
    }
    fast.push(...mine);
    mine.sort((a, b) => a - b);
    const size = l.newest ? `${(l.newest.bytes.length / 1024).toFixed(0)} KiB gzip` : "none";
    console.log(
      `${lab}: ${l.events} events, ${l.taken} checkpoints (newest after ${restored} events, ${size}, ` +
        `take ≤ ${l.takeMs.toFixed(0)} ms) — rebuild: full replay ${fullMs.toFixed(0)} ms, ` +
        `from checkpoint p50 ${pct(mine, 50).toFixed(0)} ms p95 ${pct(mine, 95).toFixed(0)} ms`,
    );
  }
  full.sort((a, b) => a - b);
  fast.sort((a, b) => a - b);
  console.log(
    `rebuild p95 over TP1–TP5 (target < 300 ms): without checkpoints ${pct(full, 95).toFixed(0)} ms, ` +
      `with checkpoints ${pct(fast, 95).toFixed(0)} ms (${(pct(full, 95) / pct(fast, 95)).toFixed(1)}×)`,
  );
  for (const lab of ["tp4", "tp5"]) {
    const def = getExercise(lab);
    if (!def) throw new Error(`no exercise ${lab}`);
    const { scenario, events } = solution(lab);
    const submission = { scenario, seed: 11, events };
    let t = performance.now();
    const g = await grade(def, submission);
    const fullS = (performance.now() - t) / 1000;
    const newest = learners.get(lab)?.newest;
    const checkpoint = newest ? gradingCheckpoint(newest) : null;
    t = performance.now();
    const h = await grade(def, gradingSubmission(checkpoint ? { ...submission, checkpoint } : submission));
    const fastS = (performance.now() - t) / 1000;
    if (h.score !== g.score)
      throw new Error(`${lab}: graded from its checkpoint ${h.score}, from the whole log ${g.score}`);
    console.log(
      `grading ${lab} (target ${lab === "tp4" ? "< 5" : "< 3"} s, ${g.score}/${g.max}): whole log ${fullS.toFixed(1)} s, ` +
        `from its newest checkpoint ${fastS.toFixed(1)} s (${checkpoint ? `after ${newest?.events} events` : "none"})`,
    );
  }
}
