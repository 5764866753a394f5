// Storage figures: dd throughput (wall time) for 10 MiB and 1 GiB, the memory of a 1 TiB disk
// after mkfs + a 10 MiB write, the cost of 1,000 file creations (metadata log), and md5sum of
// a 10 MiB PRNG file (materialisation).
import { createHash } from "node:crypto";
import { prngPayload } from "../engine/block/payload";
import { SparseDisk } from "../engine/block/sparse-disk";
import { BlockFs, mkfs } from "../engine/fs/index";
import { createLab } from "../engine/lab";
import { createStorage } from "../engine/storage/index";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(2)} MiB`;
}

async function ddThroughput(): Promise<void> {
  const lab = await createLab({
    scenario: "running",
    subsystems: [createStorage()],
    createDisk: (_n, path) => new SparseDisk(path, 4 * GiB),
  });
  await lab.exec("node1", "mkfs.ext4 -q /dev/sda1 && mkdir -p /mnt/drbd && mount /dev/sda1 /mnt/drbd");
  for (const [label, count] of [
    ["10 MiB", 10],
    ["1 GiB", 1024],
  ] as const) {
    const t0 = performance.now();
    const r = await lab.exec("node1", `dd if=/dev/urandom of=/mnt/drbd/f${count} bs=1M count=${count}`);
    const wall = performance.now() - t0;
    const virtual = /copied, ([\d.]+) s, (.+)$/m.exec(r.stderr);
    console.log(
      `dd ${label}: wall ${wall.toFixed(1)} ms (${((count * MiB) / MiB / (wall / 1000)).toFixed(0)} MiB/s of simulated data), simulated ${virtual?.[1]} s at ${virtual?.[2]}`,
    );
  }
  const t0 = performance.now();
  const sum = await lab.exec("node1", "md5sum /mnt/drbd/f10");
  console.log(
    `md5sum of the 10 MiB file (materialised): wall ${(performance.now() - t0).toFixed(1)} ms -> ${sum.stdout.trim()}`,
  );
}

function oneTiB(): void {
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const disk = new SparseDisk("/dev/drbd0", TiB);
  const made = mkfs(disk, { type: "ext4", uuid: "bench", nowMs: 0 });
  if (!made.ok) throw new Error("mkfs failed");
  const m = BlockFs.mount(disk, { nowMs: () => 0 });
  if (!m.ok) throw new Error("mount failed");
  for (let i = 0; i < 10; i++)
    m.fs.writePayload("/data.bin", i * MiB, prngPayload(1, i * MiB, MiB), { truncate: i === 0 });
  const wall = performance.now() - t0;
  global.gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  console.log(
    `1 TiB disk, mkfs.ext4 + 10 MiB write: ${disk.extentCount()} extents, ${disk.literalBytes()} literal bytes, heap delta ${mib(heap1 - heap0)}${global.gc ? "" : " (run node with --expose-gc for a settled figure)"}, wall ${wall.toFixed(1)} ms`,
  );
  console.log(`  simulated mkfs I/O time: ${(made.latencyUs / 1000).toFixed(1)} ms`);
}

async function metadataCost(): Promise<void> {
  const disk = new SparseDisk("/dev/drbd0", GiB);
  mkfs(disk, { type: "ext4", uuid: "bench", nowMs: 0 });
  const m = BlockFs.mount(disk, { nowMs: () => 0 });
  if (!m.ok) throw new Error("mount failed");
  const fs = m.fs;
  await fs.mkdir("/files");
  const writes0 = disk.stats.writes;
  const bytes0 = disk.stats.bytesWritten;
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) await fs.writeFile(`/files/f${i}.txt`, `ligne ${i}\n`);
  const wall = performance.now() - t0;
  const sim = fs.consumeLatencyUs();
  console.log(
    `1,000 file creations: wall ${wall.toFixed(1)} ms (${((wall * 1000) / 1000).toFixed(0)} µs/file), ${disk.stats.writes - writes0} device writes, ${mib(disk.stats.bytesWritten - bytes0)} written, log ${mib(fs.metadataLogBytes())}, simulated I/O ${(sim / 1000).toFixed(1)} ms`,
  );
  const t1 = performance.now();
  const again = BlockFs.mount(disk, { nowMs: () => 0 });
  if (!again.ok) throw new Error("remount failed");
  console.log(
    `remount with 1,000 files (checkpoint + log replay): wall ${(performance.now() - t1).toFixed(1)} ms, ${(await again.fs.readdir("/files")).length} files`,
  );
  const h = createHash("md5")
    .update(await again.fs.readFileBuffer("/files/f999.txt"))
    .digest("hex");
  console.log(`  f999.txt md5 ${h}`);
}

export default async function main(): Promise<void> {
  await ddThroughput();
  oneTiB();
  await metadataCost();
}
