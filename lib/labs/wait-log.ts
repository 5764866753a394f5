/**
 * Explicit waits are stored one row per idle period: `wait 2000*14+1500` is fourteen waits of
 * 2 s then one of 1.5 s. The pieces are kept (not summed) because the engine runs the jobs
 * queued by timers at the end of each wait: a replay must wait in the same steps to give the
 * same state.
 */
export function formatWaits(pieces: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < pieces.length) {
    const ms = pieces[i] as number;
    let n = 1;
    while (pieces[i + n] === ms) n++;
    parts.push(n > 1 ? `${ms}*${n}` : String(ms));
    i += n;
  }
  return `wait ${parts.join("+")}`;
}

export function parseWaits(input: string): number[] {
  const m = /^wait ((?:\d+(?:\*\d+)?)(?:\+\d+(?:\*\d+)?)*)$/.exec(input);
  if (!m) throw new Error(`not a wait event: ${input}`);
  const out: number[] = [];
  for (const part of (m[1] as string).split("+")) {
    const [ms, times] = part.split("*");
    for (let k = 0; k < Number(times ?? 1); k++) out.push(Number(ms));
  }
  return out;
}

export function isWaitInput(target: string, input: string): boolean {
  return target === "lab" && input.startsWith("wait ");
}
