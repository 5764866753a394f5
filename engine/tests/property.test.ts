/**
 * Property: random command sequences (world moves plus whatever areas registered) never make
 * the engine throw, keep every subsystem's invariants, and replay to the same state.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { drbdVocabulary } from "../drbd/vocabulary";
import { createLab, type Lab, replayLab } from "../lab";
import { type Move, registerVocabulary, vocabulary } from "./property/vocabulary";

registerVocabulary("drbd", (nodes) => drbdVocabulary(nodes));
registerVocabulary("storage", (nodes) =>
  nodes.flatMap((n) => [
    { target: n, line: "mkfs.ext4 -F /dev/drbd0" },
    { target: n, line: "mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd" },
    { target: n, line: "dd if=/dev/urandom of=/mnt/drbd/data.bin bs=1M count=2" },
    { target: n, line: 'echo "x $(date +%s)" >> /mnt/drbd/log.txt; sync' },
    { target: n, line: "umount /mnt/drbd" },
    { target: n, line: "df -h /mnt/drbd" },
  ]),
);

/** Invariants of the world itself, next to the subsystems' own. */
function violations(lab: Lab): string[] {
  const w = lab.world;
  const out: string[] = [];
  for (const s of w.subsystems) for (const v of s.invariants?.() ?? []) out.push(`${s.name}: ${v}`);
  for (const n of w.nodes.values()) {
    if (n.state !== "running" && n.mounts.length > 0) out.push(`${n.name} is ${n.state} but has mounts`);
    if (!n.exists && n.state === "running") out.push(`${n.name} runs without a container`);
  }
  if (w.pendingJobs().length > 0) out.push(`jobs left after a command: ${w.pendingJobs().join(", ")}`);
  return out;
}

async function play(lab: Lab, moves: Move[]): Promise<void> {
  let lastUs = lab.world.clock.now;
  for (const m of moves) {
    const r = await lab.exec(m.target, m.line);
    expect(Number.isInteger(r.exitCode) && r.exitCode >= 0 && r.exitCode <= 255).toBe(true);
    expect(lab.world.clock.now).toBeGreaterThanOrEqual(lastUs);
    lastUs = lab.world.clock.now;
    expect(violations(lab)).toEqual([]);
  }
}

describe("property: random command sequences", () => {
  const nodes = ["node1", "node2"];
  const moves = vocabulary(nodes);

  it("never throw and keep the invariants (world, storage, DRBD)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...moves), { minLength: 3, maxLength: 16 }), async (seq) => {
        const lab = await createLab({ scenario: "running", seed: 4 });
        await lab.exec("node1", "drbdadm create-md r0; drbdadm up r0");
        await lab.exec("node2", "drbdadm create-md r0; drbdadm up r0");
        await play(lab, seq);
        expect(() => JSON.stringify(lab.state())).not.toThrow();
      }),
      { numRuns: 20, seed: 20240115 },
    );
  }, 120_000);

  it("replaying the event log of a random session gives the same state", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...vocabulary(nodes, ["world"])), { minLength: 2, maxLength: 10 }),
        fc.integer({ min: 1, max: 1000 }),
        async (seq, seed) => {
          const lab = await createLab({ scenario: "running", seed });
          await play(lab, seq);
          const again = await replayLab({ scenario: "running", seed, events: lab.events() });
          expect(JSON.stringify(again.state())).toBe(JSON.stringify(lab.state()));
          expect(again.events().map((e) => e.outputDigest)).toEqual(lab.events().map((e) => e.outputDigest));
        },
      ),
      { numRuns: 10, seed: 7 },
    );
  }, 120_000);

  it("three nodes too: world moves keep the invariants", async () => {
    const three = vocabulary(["node1", "node2", "node3"], ["world"]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...three), { minLength: 2, maxLength: 10 }), async (seq) => {
        const lab = await createLab({ scenario: "three-nodes-running", seed: 2 });
        await play(lab, seq);
      }),
      { numRuns: 8, seed: 3 },
    );
  }, 120_000);
});
