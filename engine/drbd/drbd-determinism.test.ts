import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { textPayload } from "../block/payload";
import { createLab } from "../lab";
import { parseLabScript, runLabScriptSteps } from "../lab-script";
import { makeKit, syncedPair } from "./testkit";

describe("determinism and protocol B", () => {
  it("the TP3 script gives byte-identical transcripts and lab.state() for the same seed", async () => {
    const text = readFileSync(join(__dirname, "..", "tests", "golden", "tp3-failover.lab"), "utf8");
    const run = async () => {
      const p = parseLabScript(text);
      const lab = await createLab({ scenario: "fresh", seed: 7 });
      const out = await runLabScriptSteps(lab, p.steps);
      return { out, state: JSON.stringify(lab.state()) };
    };
    const a = await run();
    const b = await run();
    expect(a.out).toBe(b.out);
    expect(a.state).toBe(b.state);
    expect(a.state).toContain('"replication":"Established"');
  });

  it("protocol B acknowledges on receipt: slower than A, faster than C", async () => {
    const lat: Record<string, number> = {};
    for (const proto of ["A", "B", "C"]) {
      const kit = await makeKit();
      for (const n of ["node1", "node2"])
        await kit.sh(n, `sed -i 's/protocol C;/protocol ${proto};/' /etc/drbd.d/global_common.conf /etc/drbd.d/r0.res`);
      await syncedPair(kit);
      await kit.sh("node1", "tc qdisc add dev eth0 root netem delay 20ms");
      const d = kit.drbd0("node1");
      d.open("rw", "dd");
      const w = d.write(0, textPayload("x".repeat(4096)));
      d.close("dd");
      lat[proto] = w.ok ? w.latencyUs : -1;
    }
    expect(lat.A).toBeLessThan(1000);
    expect(lat.B).toBeGreaterThanOrEqual(40_000);
    expect(lat.C).toBeGreaterThan(lat.B as number);
  });
});
