/** A score as French writes it: 5,5 (not 5.5), at most two decimals. Safe in client components. */
export function frNumber(n: number): string {
  return String(Math.round(n * 100) / 100).replace(".", ",");
}
