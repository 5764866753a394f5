// GET /api/health under load on the built app (the app as `npm start` serves it, loopback, temporary database).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { migrateDatabase } from "../lib/migrate";
import { freePort } from "../lib/testing/free-port";
import { build } from "../scripts/build";
import { buildIsCurrent } from "../scripts/build-fingerprint";
import { spawnAppServer, waitUntilUp } from "./next-server";

const DURATION_S = 10;
const CONNECTIONS = 10;

export default async function healthBench(): Promise<void> {
  const root = process.cwd();
  if (!buildIsCurrent(root)) await build(root);
  const dir = mkdtempSync(path.join(tmpdir(), "drbd-lab-bench-"));
  const url = `file:${path.join(dir, "bench.db")}`;
  migrateDatabase(url, root);
  const port = await freePort();
  const next = spawnAppServer(root, port, { DATABASE_URL: url });
  try {
    const target = `http://127.0.0.1:${port}/api/health`;
    await waitUntilUp(target, next);
    await autocannon({ url: target, connections: CONNECTIONS, duration: 2 }); // warm-up: JIT, first connections
    const result = await autocannon({ url: target, connections: CONNECTIONS, duration: DURATION_S });
    const non2xx = result.non2xx + result.errors + result.timeouts;
    console.log(`GET /api/health — ${CONNECTIONS} connexions, ${DURATION_S} s, loopback`);
    console.log(`  requêtes/s   moyenne ${result.requests.average.toFixed(0)}  (total ${result.requests.total})`);
    console.log(`  latence ms   p50 ${result.latency.p50}  p99 ${result.latency.p99}  max ${result.latency.max}`);
    console.log(`  échecs       ${non2xx}`);
    if (non2xx > 0) throw new Error(`${non2xx} failed requests`);
  } finally {
    next.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}
