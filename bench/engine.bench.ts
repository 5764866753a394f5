// Engine figures: time to create a lab, simple-command throughput, replay of 1,000 events,
// heap per lab (100 live labs). The 1 TiB resync figure lives in drbd.bench.ts.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createLab, type Lab, replayLab } from "../engine/lab";

function ms(t: number): string {
  return `${t.toFixed(1)} ms`;
}

async function timeIt<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

export default async function main(): Promise<void> {
  // 1. lab creation (fresh: nothing started; running: compose up replayed)
  for (const scenario of ["fresh", "running", "three-nodes-running"]) {
    await createLab({ scenario }); // warm-up
    const times: number[] = [];
    for (let i = 0; i < 10; i++) times.push((await timeIt(() => createLab({ scenario, seed: i })))[1]);
    times.sort((a, b) => a - b);
    console.log(`create lab "${scenario}": median ${ms(times[5] ?? 0)}, max ${ms(times[9] ?? 0)}`);
  }

  // 2. command throughput on one node
  const lab = await createLab({ scenario: "running" });
  for (const line of [
    "true",
    "echo hello | wc -c",
    "ls -l /etc",
    "ping -c 1 node2",
    "drbdadm status r0 2>/dev/null; true",
  ]) {
    const n = 300;
    const [, t] = await timeIt(async () => {
      for (let i = 0; i < n; i++) await lab.exec("node1", line);
    });
    console.log(`throughput "${line}": ${Math.round((n / t) * 1000)} commands/s (${(t / n).toFixed(2)} ms each)`);
  }

  // 3. replay of 1,000 events
  const src = await createLab({ scenario: "running", seed: 9 });
  const lines = [
    "hostname",
    "date +%s",
    "echo $RANDOM",
    "ls /etc/drbd.d",
    "iptables -L -n",
    "tc qdisc show dev eth0",
    "sleep 1",
    "cat /proc/uptime",
    "ping -c 1 node2",
    "ps aux",
  ];
  for (let i = 0; i < 1000; i++) await src.exec(i % 3 === 0 ? "node2" : "node1", lines[i % lines.length] as string);
  const [again, tr] = await timeIt(() => replayLab({ scenario: "running", seed: 9, events: src.events() }));
  const same = JSON.stringify(again.state()) === JSON.stringify(src.state());
  console.log(`replay 1,000 events: ${ms(tr)} (${(tr / 1000).toFixed(2)} ms/event), state identical: ${same}`);

  // 4. heap per live lab
  // expose the collector for a clean heap figure even without node --expose-gc
  setFlagsFromString("--expose-gc");
  const gc = (globalThis as { gc?: () => void }).gc ?? (runInNewContext("gc") as (() => void) | undefined);
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const labs: Lab[] = [];
  for (let i = 0; i < 100; i++) labs.push(await createLab({ scenario: "running", seed: i }));
  gc?.();
  const after = process.memoryUsage().heapUsed;
  console.log(
    `heap per "running" lab (100 live labs): ${((after - before) / 100 / 1024).toFixed(0)} KiB${gc ? "" : " (no --expose-gc: rough figure)"}`,
  );
  if (labs.length !== 100) throw new Error("labs lost");
}
