/** Same scenario + seed + commands ⇒ byte-identical transcript and state; replay from events too. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLab, replayLab } from "../lab";
import { parseLabScript, runLabScriptSteps } from "../lab-script";

const script = readFileSync(join(__dirname, "golden", "docker-compose.lab"), "utf8");

async function run(seed: number) {
  const lab = await createLab({ scenario: "fresh", seed });
  const transcript = await runLabScriptSteps(lab, parseLabScript(script).steps);
  return { lab, transcript, state: JSON.stringify(lab.state()) };
}

describe("determinism", () => {
  it("two fresh runs give identical transcripts and state", async () => {
    const a = await run(7);
    const b = await run(7);
    expect(b.transcript).toBe(a.transcript);
    expect(b.state).toBe(a.state);
  }, 60_000);

  it("a different seed gives different container ids", async () => {
    const a = await run(7);
    const b = await run(8);
    expect(b.transcript).not.toBe(a.transcript);
  }, 60_000);

  it("replaying the event log rebuilds the same state and outputs", async () => {
    const a = await run(3);
    const events = a.lab.events();
    expect(events.length).toBeGreaterThan(10);
    const b = await replayLab({ scenario: "fresh", seed: 3, events });
    expect(JSON.stringify(b.state())).toBe(a.state);
    expect(b.events()).toEqual(events);
  }, 60_000);
});
