// `npm run bench`: runs every bench/*.bench.ts in name order. Each file default-exports an
// async function that prints its own figures.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { allocatorEnv, chooseAllocator, describeAllocator, runningOnJemalloc } from "../scripts/allocator";

// The figures are the served process's: run under the allocator `npm start` gives it
// (scripts/allocator.ts; jemalloc is preloaded, so this process starts again with it).
const allocator = chooseAllocator();
const missing = allocatorEnv(allocator);
if (Object.keys(missing).length > 0 && !process.env.BENCH_ALLOCATOR_SET) {
  const again = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, ...missing, BENCH_ALLOCATOR_SET: "1" },
  });
  process.exit(again.status ?? 1);
}
const onJemalloc = runningOnJemalloc(() => readFileSync("/proc/self/maps", "utf8"));
console.log(`memory allocator: ${onJemalloc ? describeAllocator(allocator) : "glibc"}`);

const dir = path.dirname(new URL(import.meta.url).pathname);
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const started = performance.now();
  try {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default?: () => Promise<void> };
    if (typeof mod.default !== "function") throw new Error("no default-exported function");
    await mod.default();
  } catch (error) {
    failed++;
    console.error(`${file} failed:`, error);
  }
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
// every bench has printed its figures: what a bench left behind (a lab's idle PostgreSQL,
// a worker, a server's socket) must not keep `npm run bench` from ending
process.exit(failed > 0 ? 1 : 0);
