/**
 * Golden transcripts: every engine/tests/golden/*.lab is run and its transcript compared byte
 * for byte with the .out next to it. UPDATE_GOLDEN=1 rewrites the .out files.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLab } from "../lab";
import { checkTargets, parseLabScript, runLabScriptSteps } from "../lab-script";

const dir = join(__dirname, "golden");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".lab"))
  .sort();

async function transcriptOf(text: string): Promise<string> {
  const parsed = parseLabScript(text);
  expect(parsed.errors).toEqual([]);
  const lab = await createLab({ scenario: parsed.scenario ?? "fresh", seed: parsed.seed ?? 1 });
  expect(checkTargets(lab, parsed.steps)).toEqual([]);
  return runLabScriptSteps(lab, parsed.steps);
}

describe("golden transcripts", () => {
  it("has at least one golden file", () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const f of files) {
    it(f, async () => {
      const got = await transcriptOf(readFileSync(join(dir, f), "utf8"));
      const outPath = join(dir, f.replace(/\.lab$/, ".out"));
      if (process.env.UPDATE_GOLDEN === "1" || !existsSync(outPath)) writeFileSync(outPath, got);
      expect(got).toBe(readFileSync(outPath, "utf8"));
    }, 60_000);
  }
});
