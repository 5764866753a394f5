/**
 * Number parsing of drbd-utils (USH shared_tool.c `new_strtoll`): `sscanf("%llu%c%c")`, then an
 * optional unit K/k, M/m, G/g (powers of 1024) or s (512-byte sectors) relative to the option's
 * default unit ('1' plain, 'k' KiB, 's' sectors). Converting to a smaller unit rounds up.
 */
export type Scale = "1" | "k" | "s";

export type NumberResult = { ok: true; value: bigint } | { ok: false; error: "not-a-number" };

const U64 = (1n << 64n) - 1n;

const SHIFT_OF_SCALE: Record<Scale, number> = { "1": 0, k: -10, s: -9 };
const SHIFT_OF_UNIT: Record<string, number> = { K: 10, k: 10, M: 20, m: 20, G: 30, g: 30, s: 9 };

export function strtollUnit(text: string, scale: Scale): NumberResult {
  // %llu: optional leading white space, optional sign, at least one digit.
  const m = /^[ \t\n\r\f\v]*([+-]?)([0-9]+)([\s\S]?)([\s\S]?)/.exec(text);
  if (!m) return { ok: false, error: "not-a-number" };
  const [, sign, digits, unit, extra] = m as unknown as [string, string, string, string, string];
  if (extra !== "") return { ok: false, error: "not-a-number" };
  let v = BigInt(digits);
  if (v > U64) v = U64; // strtoull saturates
  if (sign === "-" && v !== 0n) v = (1n << 64n) - v; // strtoull negates modulo 2^64
  let shift = SHIFT_OF_SCALE[scale];
  if (unit === "") return { ok: true, value: v };
  const us = SHIFT_OF_UNIT[unit];
  if (us === undefined) return { ok: false, error: "not-a-number" };
  shift += us;
  if (shift < 0) {
    const s = BigInt(-shift);
    return { ok: true, value: (v + (1n << s) - 1n) >> s };
  }
  if (v > U64 >> BigInt(shift)) return { ok: false, error: "not-a-number" };
  return { ok: true, value: v << BigInt(shift) };
}

/** drbdadm's `m_strtoll` for plain integers already accepted by the scanner (ports, node-ids). */
export function plainInteger(text: string, scale: Scale = "1"): number {
  const r = strtollUnit(text, scale);
  return r.ok ? Number(r.value) : Number.NaN;
}
