import { randomInt } from "node:crypto";
import { z } from "zod";

// No 0/O, 1/I/L: codes are read aloud and copied from a projector.
export const JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const PREFIX = "DRBD-";
// 8 symbols of 31: 31^8 ≈ 8.5 × 10^11 codes (39 bits). At the sign-up limit (a few attempts
// per address and minute) finding one class among a thousand takes millennia.
const GROUP = 4;
const PATTERN = new RegExp(`^${PREFIX}[${JOIN_CODE_ALPHABET}]{${GROUP}}-[${JOIN_CODE_ALPHABET}]{${GROUP}}$`);

/** A fresh code such as DRBD-7K2Q-M4XT; `pick(n)` returns an integer in [0, n). */
export function generateJoinCode(pick: (n: number) => number = randomInt): string {
  const group = () => Array.from({ length: GROUP }, () => JOIN_CODE_ALPHABET[pick(JOIN_CODE_ALPHABET.length)]).join("");
  return `${PREFIX}${group()}-${group()}`;
}

/** Accepts what people type: lower case, spaces, missing dashes ("drbd 7k2q m4xt" → "DRBD-7K2Q-M4XT"). */
export function normalizeJoinCode(input: string): string {
  const compact = input.toUpperCase().replace(/[\s-]+/g, "");
  if (!compact.startsWith("DRBD")) return compact;
  const rest = compact.slice(4);
  return rest.length === 2 * GROUP ? `${PREFIX}${rest.slice(0, GROUP)}-${rest.slice(GROUP)}` : `${PREFIX}${rest}`;
}

export function isWellFormedJoinCode(code: string): boolean {
  return PATTERN.test(code);
}

export const joinCodeSchema = z
  .string({ error: "Saisissez le code de votre classe." })
  .trim()
  .min(1, "Saisissez le code de votre classe.")
  .transform(normalizeJoinCode)
  .refine(isWellFormedJoinCode, "Ce code n'a pas le bon format (exemple : DRBD-7K2Q-M4XT).");
