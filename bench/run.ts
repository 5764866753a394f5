// `npm run bench`: runs every bench/*.bench.ts in name order. Each file default-exports an
// async function that prints its own figures.
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

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
