/**
 * Grade one submission from the command line:
 *   npm run --silent grade -- EXERCISE_ID FILE       → JSON result (exit 0 graded, 2 invalid input)
 *   npm run --silent grade -- EXERCISE_ID --example  → the shape of a valid submission
 * FILE is JSON answers for question exercises, the edited file's text for config exercises,
 * a lab script for lab and script exercises; "-" reads standard input. Usage errors exit 1.
 */
import { readFileSync } from "node:fs";
import { EXERCISES, getExercise } from "./exercises/index";
import { grade } from "./run";

const USAGE = `usage: npm run --silent grade -- EXERCISE_ID FILE [--example]
exercises: ${EXERCISES.map((e) => e.id).join(", ")}`;

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const example = argv.includes("--example");
  const args = argv.filter((a) => a !== "--example");
  const [id, file, ...rest] = args;
  if (!id || rest.length > 0 || (!example && !file)) fail(USAGE, 1);
  const def = getExercise(id);
  if (!def) fail(`unknown exercise: ${id}\n${USAGE}`, 1);
  if (example) {
    process.stdout.write(
      `${JSON.stringify({ exercise: def.id, kind: def.kind, submission: def.example() }, null, 2)}\n`,
    );
    return;
  }
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : (file as string), "utf8");
  } catch (err) {
    fail(`cannot read ${file}: ${(err as Error).message}`, 1);
  }
  const r = await grade(def, text);
  const out: Record<string, unknown> = {
    exercise: r.exercise,
    score: r.score,
    max: r.max,
    valid: r.valid,
    checks: r.checks.map((c) => ({
      id: c.id,
      passed: c.passed,
      points: c.points,
      message: c.message,
      ...(c.needsReview ? { needsReview: true } : {}),
    })),
  };
  if (!r.valid) {
    out.invalidReason = r.invalidReason;
    out.diagnostics = r.diagnostics;
  }
  if (r.needsReview) out.needsReview = true;
  // Exit once the JSON is flushed: a lab replay may leave engine resources (a PostgreSQL
  // instance of TP4) that would keep the process alive.
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`, () => process.exit(r.valid ? 0 : 2));
}

await main(process.argv.slice(2));
