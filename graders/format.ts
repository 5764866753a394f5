/**
 * Numbers as French writes them, by the platform's own locale data (`Intl.NumberFormat`):
 * a decimal comma (5,5 not 5.5) and a narrow no-break space between thousands (1 234,5).
 * The same text on the server and in the browser; safe in client components and in graders.
 */
const formats = new Map<string, Intl.NumberFormat>();

export interface FrNumberOptions {
  /** Decimals always shown (default 0). */
  minDecimals?: number;
  /** Decimals at most, rounded (default 2). */
  maxDecimals?: number;
  /** Thousands grouping (default true; off for a CSV cell a spreadsheet reads as a number). */
  grouping?: boolean;
}

export function frNumber(
  n: number,
  { minDecimals = 0, maxDecimals = 2, grouping = true }: FrNumberOptions = {},
): string {
  const key = `${minDecimals}:${maxDecimals}:${grouping}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat("fr-FR", {
      minimumFractionDigits: minDecimals,
      maximumFractionDigits: Math.max(minDecimals, maxDecimals),
      useGrouping: grouping,
    });
    formats.set(key, f);
  }
  return f.format(n);
}
