// A light command's cost in a lab worker, engine alone and along the worker's whole path
// (lib/labs/worker/entry.ts `exec`: live checks fed and evaluated, transcript, tabs, cluster view,
// checkpoint decision, the reply cloned as postMessage does), on a TP1 lab as the worker holds it.
// `npm run bench -- engine-command`; BENCH_COMMANDS=10000 for a longer run (under
// `node --cpu-prof --import tsx bench/run.ts engine-command` to see the top frames).
import { CHECKPOINT_FORMAT } from "../engine/checkpoint";
import { createLab } from "../engine/index";
import { getExercise } from "../graders";
import { CHECKPOINT_EVERY } from "../lib/labs/checkpoints";
import { clusterView } from "../lib/labs/cluster-view";
import { type LiveLab, rebuildLab, takeCheckpoint } from "../lib/labs/live";
import { tabsOf } from "../lib/labs/tabs";

const COMMANDS = ["ls", "cat /etc/hostname", "pwd", "echo ok", "date"];

function n(): number {
  return Number(process.env.BENCH_COMMANDS ?? 2000);
}

/** The worker's exec, minus the message port: what a light command costs the worker thread. */
async function workerStep(l: LiveLab, input: string, checkpoints: boolean): Promise<unknown> {
  const ran = await l.exec("host", input, {
    interruptRequested: () => false,
    pace: async () => undefined,
  });
  const seq = l.nextSeq;
  const entry = {
    seq,
    terminal: "host",
    machine: ran.before.machine,
    prompt: ran.before.prompt,
    input,
    output: ran.output,
  };
  l.nextSeq = seq + 1;
  l.transcript.push(entry);
  const due = checkpoints && seq - l.checkpointSeq >= CHECKPOINT_EVERY;
  const checkpoint = due ? takeCheckpoint(l, CHECKPOINT_FORMAT) : null;
  if (checkpoint) l.checkpointSeq = seq;
  const reply = {
    seq,
    entry,
    digest: ran.digest,
    exitCode: ran.result.exitCode,
    tabs: tabsOf(l.lab),
    cluster: clusterView(l.lab),
    live: await l.summary(),
    ...(checkpoint ? { checkpoint } : {}),
  };
  return structuredClone(reply);
}

async function timePer(count: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await fn(i);
  return ((performance.now() - t0) * 1000) / count;
}

export default async function main(): Promise<void> {
  const count = n();
  const scenario = getExercise("tp1")?.startScenario ?? "fresh";
  const session = { id: "bench", userId: "u", exerciseId: "tp1", scenario, seed: 7 };
  const cmd = (i: number) => COMMANDS[i % COMMANDS.length] as string;

  // engine alone: lab.exec on a bare lab
  const bare = await createLab({ scenario, seed: 7 });
  await timePer(200, (i) => bare.exec("host", cmd(i))); // warm-up
  const engine = await timePer(count, (i) => bare.exec("host", cmd(i)));

  // the worker's path without checkpoints, then with them (every CHECKPOINT_EVERY commands)
  const live = await rebuildLab(session, []);
  await timePer(200, (i) => workerStep(live, cmd(i), false));
  const worker = await timePer(count, (i) => workerStep(live, cmd(i), false));
  const live2 = await rebuildLab(session, []);
  await timePer(50, (i) => workerStep(live2, cmd(i), true));
  const withCk = await timePer(Math.min(count, 2000), (i) => workerStep(live2, cmd(i), true));

  // the pieces, each on the live lab as it stands now
  const parts: [string, () => unknown][] = [
    ["live checks evaluated", () => live.summary()],
    ["tabs", () => tabsOf(live.lab)],
    ["cluster view", () => clusterView(live.lab)],
  ];
  const pieces: string[] = [];
  for (const [name, fn] of parts) {
    const us = await timePer(Math.min(count, 2000), async () => fn());
    pieces.push(`${name} ${us.toFixed(0)} µs`);
  }

  console.log(`light command (${COMMANDS.join(", ")} on TP1's host, ${count} each run):`);
  console.log(`  engine alone (lab.exec): ${engine.toFixed(0)} µs/command`);
  console.log(`  worker path (checks fed and evaluated, tabs, cluster, clone): ${worker.toFixed(0)} µs/command`);
  console.log(`  worker path + a checkpoint every ${CHECKPOINT_EVERY} commands: ${withCk.toFixed(0)} µs/command`);
  console.log(`  pieces after ${live.transcript.length} commands: ${pieces.join(", ")}`);
}
