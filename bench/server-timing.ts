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
 * Server-Timing parts; the rest of the request handler ("reste du serveur": the session cookie,
 * the body, the rate limit); and what the server did not see ("hors serveur": HTTP on either
 * side, the request thread busy with other requests before it read this one, the client's own
 * event loop).
 */
export function tailBreakdown(samples: { ms: number; timing: Record<string, number> }[], p99: number): string {
  const tail = samples.filter((s) => s.ms >= p99);
  if (tail.length === 0) return "";
  const names = ["lab", "to-worker", "from-worker", "wait", "run", "checks", "log"];
  const mean = (f: (s: (typeof tail)[number]) => number) => tail.reduce((a, s) => a + f(s), 0) / tail.length;
  const parts = names.map((n) => `${n} ${mean((s) => s.timing[n] ?? 0).toFixed(1)}`);
  const measured = (s: (typeof tail)[number]) => names.reduce((a, n) => a + (s.timing[n] ?? 0), 0);
  const total = (s: (typeof tail)[number]) => s.timing.total ?? measured(s);
  const handler = mean((s) => total(s) - measured(s));
  const outside = mean((s) => s.ms - total(s));
  return `  les ${tail.length} plus lentes (≥ p99), moyenne ms : ${parts.join(", ")}, reste du serveur ${handler.toFixed(1)}, hors serveur ${outside.toFixed(1)}`;
}
