import type { LabCtx } from "../lab/context";
import { applyInLab } from "./apply";
import type { ConfigCtx } from "./context";

/**
 * Performance of a configuration, measured in the lab (ex5.2): write latency with the lab's
 * benchmark (`/scripts/benchmark.sh latency`, fio-like, one 4 KiB write at a time) and the
 * speed of a full resync (`drbdadm invalidate r0` on node2, then the kernel's
 * "Resync done (… K/sec)" line).
 */
export interface Measurements {
  latencyMs: number | null;
  resyncKiBs: number | null;
  problem?: string;
}

async function measure(lab: LabCtx): Promise<Measurements> {
  const bench = await lab.lab.exec({ machine: "node1", session: "grader" }, "/scripts/benchmark.sh latency");
  const latency = /Latency \(avg\)\s*:\s*([\d.]+) ms/.exec(bench.stdout)?.[1];
  const before = lab.dmesg("node2").length;
  const inv = await lab.lab.exec({ machine: "node2", session: "grader" }, "drbdadm invalidate r0");
  if (inv.exitCode !== 0)
    return {
      latencyMs: latency ? Number(latency) : null,
      resyncKiBs: null,
      problem: "drbdadm invalidate r0 échoue sur node2",
    };
  await lab.lab.advance(60_000);
  const done = lab
    .dmesg("node2")
    .slice(before)
    .map((e) => /Resync done \(total \d+ sec; paused \d+ sec; (\d+) K\/sec\)/.exec(e.text)?.[1])
    .find((x) => x !== undefined);
  return { latencyMs: latency ? Number(latency) : null, resyncKiBs: done ? Number(done) : null };
}

const cache = new WeakMap<object, Promise<Measurements>>();

/** Measurements with the given files applied on both nodes of "tp1.done" (memoised per submission). */
export function measured(ctx: ConfigCtx): Promise<Measurements> {
  let m = cache.get(ctx);
  if (!m) {
    m = (async () => {
      let result: Measurements = { latencyMs: null, resyncKiBs: null };
      const outcome = await applyInLab(
        ctx,
        { scenario: "tp1.done", nodes: ["node1", "node2"], mode: "adjust" },
        async (lab) => {
          result = await measure(lab);
          return { passed: true };
        },
      );
      return outcome.passed ? result : { ...result, problem: outcome.detail ?? "configuration non applicable" };
    })();
    cache.set(ctx, m);
  }
  return m;
}
