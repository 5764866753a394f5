/**
 * `npm run --silent lab -- FILE [--seed N] [--json] [--scenario ID]`: run a lab script and
 * print its transcript (and, with --json, the final lab.state()). Exit 0 unless the file is
 * invalid (2) or unreadable (1).
 */
import { readFileSync } from "node:fs";
import { createLab } from "./lab";
import { checkTargets, parseLabScript, runLabScriptSteps } from "./lab-script";

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
