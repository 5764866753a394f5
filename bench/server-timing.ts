// The Server-Timing of the lab API's command replies (lib/labs/service.ts serverTiming), read
// by the benches that drive the built app: where the slowest commands spent their time.

/** A reply's Server-Timing durations by name (ms). */
export function serverTiming(res: Response): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (res.headers.get("server-timing") ?? "").split(", ")) {
    const [name, dur] = part.split(";");
    if (name && dur?.startsWith("dur=")) out[name] = Number(dur.slice(4));
  }
  return out;
}

/**
 * Where the slowest 1 % of the commands spent their time, on average (ms): the reply's
 * Server-Timing parts, and the rest ("hors") — the request thread before and after them (HTTP,
 * session cookie, JSON), and the client's own event loop.
 */
export function tailBreakdown(samples: { ms: number; timing: Record<string, number> }[], p99: number): string {
  const tail = samples.filter((s) => s.ms >= p99);
  if (tail.length === 0) return "";
  const names = ["lab", "queue", "wait", "run", "checks", "log"];
  const mean = (f: (s: (typeof tail)[number]) => number) => tail.reduce((a, s) => a + f(s), 0) / tail.length;
  const parts = names.map((n) => `${n} ${mean((s) => s.timing[n] ?? 0).toFixed(1)}`);
  const rest = mean((s) => s.ms - names.reduce((a, n) => a + (s.timing[n] ?? 0), 0));
  return `  les ${tail.length} plus lentes (≥ p99), moyenne ms : ${parts.join(", ")}, hors de ces mesures ${rest.toFixed(1)}`;
}
