import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { textPayload } from "../block/payload";
import { checkInvariants } from "./invariants";
import { makeKit, upAll } from "./testkit";
import { drbdVocabulary } from "./vocabulary";

const NODES = ["node1", "node2"];
const VOCAB = drbdVocabulary(NODES);

/** An application write on a node's /dev/drbd0 (as mount + dd would do), if it may open it. */
type Action = { kind: "cmd"; i: number } | { kind: "write"; node: string; block: number };

/** Vocabulary lines a failover mistake is made of, drawn more often than the rest. */
const HOT = VOCAB.flatMap((v, i) => (/DROP; sleep|^drbdadm primary r0$/.test(v.line) ? [i] : []));

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: VOCAB.length - 1 }).map((i) => ({ kind: "cmd" as const, i })) },
  // partitions long enough to be noticed and promotions: "cut, promote the other side, heal"
  { weight: 2, arbitrary: fc.constantFrom(...HOT).map((i) => ({ kind: "cmd" as const, i })) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("write" as const),
      node: fc.constantFrom(...NODES),
      block: fc.integer({ min: 0, max: 2000 }),
    }),
  },
);

describe("DRBD property: random admin sequences keep the kernel's invariants", () => {
  it("never two Primaries without allow-two-primaries, valid states, peers agree; every resync ends; UpToDate peers hold identical data", async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(action, { minLength: 5, maxLength: 18 }), async (synced, actions) => {
        const kit = await makeKit();
        await upAll(kit, NODES);
        await kit.sh("node1", "drbdadm primary --force r0");
        // half the runs start from a finished initial sync (failover and partition mistakes)
        if (synced) await kit.sh("node1", "sleep 15");
        for (const a of actions) {
          if (a.kind === "cmd") {
            const v = VOCAB[a.i];
            if (v) await kit.sh(v.target, v.line);
          } else {
            const dev = kit.node(a.node).blockDevices.get("/dev/drbd0");
            if (dev?.open("rw", "app").ok) {
              dev.write(a.block * 4096, textPayload(`w${a.block}`));
              dev.close("app");
            }
          }
          expect(kit.drbd.invariants()).toEqual([]);
        }
        // heal everything, let the cluster settle: every resync must finish
        for (const n of NODES) await kit.sh("host", `docker start drbd-${n}`);
        for (const n of NODES) {
          await kit.sh(n, "iptables -F");
          await kit.sh(n, "drbdadm up r0");
          await kit.sh(n, "drbdadm resume-sync r0");
          await kit.sh(n, "drbdadm adjust r0");
        }
        await kit.sh("node1", "sleep 60");
        const pendingSync = kit.drbd.k
          .allResources()
          .some((r) =>
            [...r.connections.values()].some((c) => [...c.peerDevices.values()].some((pd) => pd.resync !== null)),
          );
        expect(pendingSync).toBe(false);
        expect(checkInvariants(kit.drbd.k, { compareData: true })).toEqual([]);
      }),
      { numRuns: 25, seed: 20241115 },
    );
  });
});
