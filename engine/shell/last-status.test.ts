/**
 * `$?` at the start of a line is the previous line's status, set by the machine's prelude
 * (machine.ts: `((0))` for 1, `(exit N)` otherwise): the same `$?`, `$_` and PIPESTATUS
 * whichever way it is set, in a terminal line as in a plain one.
 */
import { describe, expect, it } from "vitest";
import { labWithR0 } from "../tests/helpers";

const PROBE = 'echo "[$?] [$_] [$PIPESTATUS]"';

describe("the previous line's status", () => {
  it("is $? for 0, 1, 2 and 127, the rest of the shell's state alike", async () => {
    const lab = await labWithR0();
    const seen: string[] = [];
    for (const [before, code] of [
      ["true", 0],
      ["false", 1],
      ["ls /nope", 2],
      ["nosuchcommand", 127],
      ["grep -q x /etc/hostname", 1],
    ] as const) {
      const r0 = await lab.exec("node1", before);
      expect(r0.exitCode).toBe(code);
      const r = await lab.exec("node1", PROBE, { onOutput: () => undefined });
      expect(r.exitCode).toBe(0);
      seen.push(r.stdout);
    }
    // only the status differs from one line to the next
    expect(seen.map((s) => s.replace(/^\[\d+\]/, "[N]"))).toEqual(Array(5).fill(seen[0]?.replace(/^\[\d+\]/, "[N]")));
    expect(seen.map((s) => s.slice(0, s.indexOf("]") + 1))).toEqual(["[0]", "[1]", "[2]", "[127]", "[1]"]);
    // a terminal line that prints and a function carried from an earlier line keep it too
    await lab.exec("node1", "f() { echo in f; }");
    await lab.exec("node1", "false");
    const r = await lab.exec("node1", 'echo "[$?]"; f', { onOutput: () => undefined });
    expect(r.stdout).toBe("[1]\nin f\n");
  });
});
