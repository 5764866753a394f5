// Shared by the benches that run the built app as `npm start` serves it.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

/** Polls `url` until it answers 2xx; fails if the server exits or the time runs out. */
export async function waitUntilUp(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/**
 * The app as `npm start` serves it (scripts/serve.ts: Next.js behind the front server's checks and
 * headers), on 127.0.0.1:`port`, with `env` added to this process's environment.
 * BENCH_CPU_PROF=DIR writes the server's CPU profiles there (node --cpu-prof, one per thread).
 */
export function spawnAppServer(root: string, port: number, env: Record<string, string>): ChildProcess {
  const prof = process.env.BENCH_CPU_PROF?.trim();
  const profile = prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : [];
  return spawn(process.execPath, [...profile, "--import", "tsx", path.join(root, "scripts", "serve.ts")], {
    cwd: root,
    stdio: "ignore",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PORT: String(port), HOSTNAME: "127.0.0.1", ...env },
  });
}
