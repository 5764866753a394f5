// DRBD engine figures: the simulated full resync of a 1 TiB device (virtual duration, wall
// time, memory), a bitmap-based resync after a secondary outage, and drbdadm throughput.
import { SparseDisk } from "../engine/block/sparse-disk";
import { DrbdSubsystem } from "../engine/drbd";
import { createLab } from "../engine/lab";

const TiB = 1024 ** 4;

async function lab(sizeBytes: number) {
  const drbd = new DrbdSubsystem();
  const l = await createLab({ subsystems: [drbd], createDisk: (_n, path) => new SparseDisk(path, sizeBytes) });
  await l.exec("host", "cd drbd-workshop && docker-compose up -d");
  return { l, drbd };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export default async function main(): Promise<void> {
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const { l, drbd } = await lab(TiB);
  for (const n of ["node1", "node2"]) {
    await l.exec(n, "drbdadm create-md r0");
    await l.exec(n, "drbdadm up r0");
  }
  await l.exec("node1", "drbdadm primary --force r0");
  const v0 = l.world.clock.now;
  // Virtual time passes with the lab's explicit wait, not `sleep` in a command line: a line's work
  // budget grows with the virtual time it waits but is capped, so a very long `sleep` is not the
  // way to let hours of resync pass.
  const resyncDone = () =>
    l.world
      .node("node2")
      ?.dmesg.entries()
      .find((e) => e.text.includes("Resync done"));
  await l.advance(5000_000);
  const half = await l.exec("node2", "drbdadm status r0");
  const line = half.stdout.split("\n").find((x) => x.includes("done:")) ?? "";
  // then in 10-minute steps until the resync is over (at most one virtual day)
  while (!resyncDone() && l.world.clock.now - v0 < 86_400e6) await l.advance(600_000);
  const st = await l.exec("node2", "drbdadm status r0");
  const t1 = performance.now();
  const doneLog = resyncDone();
  const virt = ((doneLog?.timeUs ?? l.world.clock.now) - v0) / 1e6;
  const heap1 = process.memoryUsage().heapUsed;
  console.log("1 TiB full initial sync (c-max-rate 100M default):");
  console.log(`  at 5000 s: ${line.trim()}`);
  console.log(
    `  finished: ${st.stdout.includes("peer-disk:UpToDate") && st.stdout.includes("disk:UpToDate") ? "yes" : "NO"}; ${doneLog?.text ?? "no Resync done line"}`,
  );
  console.log(
    `  virtual duration ${virt.toFixed(0)} s (${(virt / 3600).toFixed(2)} h); wall ${(t1 - t0).toFixed(0)} ms; heap +${mib(heap1 - heap0)}`,
  );

  // bitmap-based resync: node2 down, 1000 scattered 4 KiB writes on node1, node2 back
  await l.exec("node2", "drbdadm down r0");
  const dev = l.world.node("node1")?.blockDevices.get("/dev/drbd0");
  dev?.open("rw", "bench");
  const tw = performance.now();
  for (let i = 0; i < 1000; i++)
    dev?.write(((i * 1_000_003) % (TiB / 4096 - 1)) * 4096, [{ kind: "prng", seed: i, offset: 0, length: 4096 }]);
  const tw1 = performance.now();
  dev?.close("bench");
  const t2 = performance.now();
  await l.exec("node2", "drbdadm up r0");
  await l.exec("node2", "sleep 5");
  const t3 = performance.now();
  const began =
    l.world
      .node("node2")
      ?.dmesg.entries()
      .filter((e) => e.text.includes("Began resync"))
      .at(-1)?.text ?? "";
  console.log("Bitmap-based resync after a secondary outage (1000 scattered writes):");
  console.log(`  ${began.replace(/^.*: /, "")}`);
  console.log(
    `  1000 replicated-or-marked writes: ${(tw1 - tw).toFixed(1)} ms wall; up + resync: ${(t3 - t2).toFixed(0)} ms wall`,
  );
  console.log(`  invariants: ${JSON.stringify(drbd.invariants())}`);

  // command throughput
  const n = 300;
  const t4 = performance.now();
  for (let i = 0; i < n; i++) await l.exec("node1", "drbdadm status r0");
  const t5 = performance.now();
  console.log(
    `drbdadm status: ${(n / ((t5 - t4) / 1000)).toFixed(0)} commands/s (${((t5 - t4) / n).toFixed(2)} ms each)`,
  );
}
