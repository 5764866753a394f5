/** Number formatting as coreutils (df -h, dd) and util-linux (lsblk) print sizes. */

const SUFFIX = ["", "K", "M", "G", "T", "P", "E"];

/** coreutils `df -h`: powers of 1024, rounded up, one decimal below 10 ("9.5G", "976M", "24K", "0"). */
export function dfHuman(bytes: number): string {
  if (bytes === 0) return "0";
  let v = bytes;
  let e = 0;
  while (v >= 1024 && e < SUFFIX.length - 1) {
    v /= 1024;
    e++;
  }
  if (e === 0) return String(Math.ceil(v));
  if (v < 10) {
    const r = Math.ceil(v * 10 - 1e-9) / 10;
    if (r >= 10) return `10${SUFFIX[e]}`;
    return `${r.toFixed(1)}${SUFFIX[e]}`;
  }
  const r = Math.ceil(v - 1e-9);
  if (r >= 1024 && e < SUFFIX.length - 1) return `1.0${SUFFIX[e + 1]}`;
  return `${r}${SUFFIX[e]}`;
}

/**
 * coreutils human_readable() with autoscale and round-to-nearest, as dd prints its byte
 * counts and rates: "10 MB", "1.0 MiB", "324 MB/s". `base` 1000 (SI, "kB") or 1024 (IEC, "KiB").
 */
export function ddHuman(value: number, base: 1000 | 1024): string {
  const si = ["", "kB", "MB", "GB", "TB", "PB", "EB"];
  const iec = ["", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let v = value;
  let e = 0;
  while (v >= base && e < 6) {
    v /= base;
    e++;
  }
  const unit = base === 1000 ? si[e] : iec[e];
  if (e === 0) return `${Math.round(v)} B`;
  if (v < 10) {
    const r = Math.round(v * 10) / 10;
    return r >= 10 ? `10 ${unit}` : `${r.toFixed(1)} ${unit}`;
  }
  const r = Math.round(v);
  if (r >= base && e < 6) return `1.0 ${base === 1000 ? si[e + 1] : iec[e + 1]}`;
  return `${r} ${unit}`;
}

/** `%g` with 6 significant digits, as dd prints the elapsed seconds. */
export function gFormat(x: number): string {
  if (x === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) {
    const [m, ex] = x.toExponential(5).split("e");
    const mant = (m ?? "").replace(/\.?0+$/, "");
    const n = Number(ex);
    return `${mant}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const s = x.toFixed(Math.max(0, 5 - exp));
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** util-linux size_to_human_string (lsblk SIZE): powers of 1024, one decimal unless whole. */
export function lsblkHuman(bytes: number): string {
  let v = bytes;
  let e = 0;
  while (v >= 1024 && e < SUFFIX.length - 1) {
    v /= 1024;
    e++;
  }
  const unit = e === 0 ? "B" : SUFFIX[e];
  const r = Math.round(v * 10) / 10;
  return Number.isInteger(r) ? `${r}${unit}` : `${r.toFixed(1)}${unit}`;
}
