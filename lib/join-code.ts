import { randomInt } from "node:crypto";
import { z } from "zod";

// No 0/O, 1/I/L: codes are read aloud and copied from a projector.
export const JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const PREFIX = "DRBD-";
const LENGTH = 4;
const PATTERN = new RegExp(`^${PREFIX}[${JOIN_CODE_ALPHABET}]{${LENGTH}}$`);

/** A fresh code such as DRBD-7K2Q; `pick(n)` returns an integer in [0, n). */
export function generateJoinCode(pick: (n: number) => number = randomInt): string {
  let suffix = "";
  for (let i = 0; i < LENGTH; i++) suffix += JOIN_CODE_ALPHABET[pick(JOIN_CODE_ALPHABET.length)];
  return PREFIX + suffix;
}

/** Accepts what people type: lower case, spaces, missing dash ("drbd 7k2q" → "DRBD-7K2Q"). */
export function normalizeJoinCode(input: string): string {
  const compact = input.toUpperCase().replace(/[\s-]+/g, "");
  return compact.startsWith("DRBD") ? `${PREFIX}${compact.slice(4)}` : compact;
}

export function isWellFormedJoinCode(code: string): boolean {
  return PATTERN.test(code);
}

export const joinCodeSchema = z
  .string({ error: "Saisissez le code de votre classe." })
  .trim()
  .min(1, "Saisissez le code de votre classe.")
  .transform(normalizeJoinCode)
  .refine(isWellFormedJoinCode, "Ce code n'a pas le bon format (exemple : DRBD-7K2Q).");
