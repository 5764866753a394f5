/**
 * `npm run --silent lab -- FILE [--seed N] [--json] [--scenario ID]`: run a lab script and
 * print its transcript (and, with --json, the final lab.state()). FILE may also be a lab's
 * event log, `{ scenario, seed, events }` in JSON (LabEvent, as stored): it is replayed as
 * the app and the graders replay it, a Ctrl-C at the point it was recorded. Exit 0 unless
 * the file is invalid (2) or unreadable (1).
 */
import { readFileSync } from "node:fs";
import { createLab, type ReplayEvent } from "./lab";
import { checkTargets, parseLabScript, replayTranscript, runLabScriptSteps } from "./lab-script";

/** An event log in JSON, or why it is not one. */
function parseEventLog(text: string): { scenario: string; seed: number; events: ReplayEvent[] } | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
  const d = data as { scenario?: unknown; seed?: unknown; events?: unknown };
  if (typeof d.scenario !== "string" || !Number.isInteger(d.seed) || !Array.isArray(d.events))
    return "expected { scenario, seed, events }";
  const events: ReplayEvent[] = [];
  const count = (v: unknown) => v === undefined || v === null || (Number.isInteger(v) && (v as number) >= 0);
  for (const [i, e] of (d.events as Record<string, unknown>[]).entries()) {
    if (e?.kind === "wait" && typeof e.durationUs === "number" && e.durationUs >= 0)
      events.push({ kind: "wait", durationUs: e.durationUs });
    else if (
      e?.kind === "exec" &&
      typeof e.target === "string" &&
      typeof e.input === "string" &&
      count(e.interruptedAtUs) &&
      count(e.interruptedAtWork)
    )
      events.push({
        kind: "exec",
        target: e.target,
        input: e.input,
        ...(typeof e.interruptedAtUs === "number" ? { interruptedAtUs: e.interruptedAtUs } : {}),
        ...(typeof e.interruptedAtWork === "number" ? { interruptedAtWork: e.interruptedAtWork } : {}),
      });
    else return `event ${i}: expected an exec { target, input } or a wait { durationUs }`;
  }
  return { scenario: d.scenario, seed: d.seed as number, events };
}

function usage(): never {
  process.stderr.write("usage: npm run --silent lab -- FILE [--seed N] [--json] [--scenario ID]\n");
  process.exit(2);
}

async function main(argv: string[]): Promise<number> {
  let file: string | undefined;
  let seed: number | undefined;
  let scenario: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--json") json = true;
    else if (a === "--seed") seed = Number(argv[++i]);
    else if (a.startsWith("--seed=")) seed = Number(a.slice(7));
    else if (a === "--scenario") scenario = argv[++i];
    else if (a.startsWith("--scenario=")) scenario = a.slice(11);
    else if (a.startsWith("-")) usage();
    else file = a;
  }
  if (!file || (seed !== undefined && !Number.isInteger(seed))) usage();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    process.stderr.write(`lab: cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  if (file.endsWith(".json")) {
    const log = parseEventLog(text);
    if (typeof log === "string") {
      process.stderr.write(`${file}: ${log}\n`);
      return 2;
    }
    let lab: Awaited<ReturnType<typeof createLab>>;
    try {
      lab = await createLab({ scenario: scenario ?? log.scenario, seed: seed ?? log.seed });
    } catch (e) {
      process.stderr.write(`${file}: ${(e as Error).message}\n`);
      return 2;
    }
    const echo = (i: number) => {
      const e = log.events[i] as ReplayEvent;
      return e.kind === "wait" ? `wait ${e.durationUs / 1000}ms` : `${e.target}$ ${e.input}`;
    };
    process.stdout.write(await replayTranscript(lab, log.events, echo));
    if (json) process.stdout.write(`${JSON.stringify(lab.state(), null, 2)}\n`);
    return 0;
  }
  const parsed = parseLabScript(text);
  let lab: Awaited<ReturnType<typeof createLab>>;
  try {
    lab = await createLab({ scenario: scenario ?? parsed.scenario ?? "fresh", seed: seed ?? parsed.seed ?? 1 });
  } catch (e) {
    process.stderr.write(`${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const errors = [...parsed.errors, ...checkTargets(lab, parsed.steps)];
  if (errors.length > 0) {
    for (const e of errors) process.stderr.write(`${file}:${e}\n`);
    return 2;
  }
  process.stdout.write(await runLabScriptSteps(lab, parsed.steps));
  if (json) process.stdout.write(`${JSON.stringify(lab.state(), null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`lab: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
