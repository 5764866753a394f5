/** Number formatting the way dd, fio and ioping print it. */

/** GNU dd's human_readable (autoscale, round to nearest): "268 MB", "1.1 GB", "256 MiB". */
export function ddHuman(bytes: number, si: boolean): string {
  const base = si ? 1000 : 1024;
  const units = si ? ["B", "kB", "MB", "GB", "TB"] : ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let u = 0;
  while (v >= base && u < units.length - 1) {
    v /= base;
    u++;
  }
  const text = v < 10 && u > 0 ? (Math.round(v * 10) / 10).toFixed(1) : String(Math.round(v));
  return `${text} ${units[u]}`;
}

/** C's %g (6 significant digits, no trailing zeros), as dd prints its elapsed seconds. */
export function cG(v: number): string {
  if (v === 0) return "0";
  const s = v.toPrecision(6);
  return s.includes("e") ? s : s.replace(/\.?0+$/, "");
}

/** dd's rate: "174 MB/s", "1.1 GB/s". */
export function ddRate(bytesPerSecond: number): string {
  return `${ddHuman(bytesPerSecond, true)}/s`;
}

/** Fixed decimals adapted to magnitude: 0.56, 3.66, 53.7, 104. */
export function ms(v: number): string {
  if (v < 10) return v.toFixed(2);
  if (v < 100) return v.toFixed(1);
  return v.toFixed(0);
}

/** ioping's time: "3.66 ms", "95.2 us", "1.05 s". */
export function iopingTime(msValue: number): string {
  if (msValue < 1) return `${(msValue * 1000).toPrecision(3)} us`;
  if (msValue < 1000) return `${msValue.toPrecision(3)} ms`;
  return `${(msValue / 1000).toPrecision(3)} s`;
}

/** A box in the workshop's style (┌─┐ │ ├─┤ └─┘), `width` inner columns. */
export function box(lines: (string | null)[], width = 50): string {
  const bar = "─".repeat(width);
  const out = [`┌${bar}┐`];
  for (const line of lines) {
    if (line === null) out.push(`├${bar}┤`);
    else out.push(`│ ${line.padEnd(width - 2).slice(0, width - 2)} │`);
  }
  out.push(`└${bar}┘`);
  return out.join("\n");
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}
