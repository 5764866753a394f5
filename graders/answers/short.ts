import { STOPWORDS, tokens } from "./normalize";

/**
 * Short answers compared tolerantly: accents, case, punctuation, function words and word order
 * do not matter, and words of a synonym group are interchangeable ("secondaire" = "secondary").
 * Typos are *not* forgiven here: a short answer is often a command or a state name, where one
 * wrong letter makes a different command.
 */
export type SynonymGroups = readonly (readonly string[])[];

/** Synonyms every short answer of the course understands. */
export const COMMON_SYNONYMS: SynonymGroups = [
  ["primary", "primaire"],
  ["secondary", "secondaire"],
  ["noeud", "node", "serveur"],
  ["uptodate", "up to date", "a jour"],
  ["standalone", "stand alone", "autonome"],
  ["connecting", "wfconnection"],
  ["resync", "resynchronisation", "synchronisation", "sync"],
];

function canonicalWords(text: string, synonyms: SynonymGroups): string[] {
  const words = tokens(text);
  // Every variant of a group, longest first, so "up to date" is read as one word.
  const variants = synonyms
    .flatMap((group) => group.map((v) => ({ from: tokens(v), to: tokens(group[0] as string).join("_") })))
    .filter((v) => v.from.length > 0)
    .sort((a, b) => b.from.length - a.from.length);
  const out: string[] = [];
  for (let i = 0; i < words.length; ) {
    const hit = variants.find((v) => v.from.every((w, k) => words[i + k] === w));
    if (hit) {
      out.push(hit.to);
      i += hit.from.length;
    } else {
      out.push(words[i] as string);
      i += 1;
    }
  }
  return out.filter((w) => !STOPWORDS.has(w));
}

function key(words: string[]): string {
  return [...words].sort().join(" ");
}

export function matchShort(
  answer: string,
  accepted: readonly string[],
  synonyms: SynonymGroups = [],
): { matched: string | null } {
  const groups = [...COMMON_SYNONYMS, ...synonyms];
  const given = key(canonicalWords(answer, groups));
  if (given === "") return { matched: null };
  for (const a of accepted) {
    if (key(canonicalWords(a, groups)) === given) return { matched: a };
  }
  return { matched: null };
}
