/**
 * Text normalisation for tolerant matching of French (and English) answers: accents, case,
 * punctuation and ligatures do not matter; hyphens and apostrophes separate words, so that
 * "invalidate-remote", "invalidate remote" and "l'écriture" / "l ecriture" compare equal.
 */

export function normalize(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

export function tokens(text: string): string[] {
  const n = normalize(text);
  return n === "" ? [] : n.split(" ");
}

/** Function words: ignored in short answers, counted to tell prose from a keyword list. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a au aux avec ce ces cet cette d dans de des du elle en est et il ils je l la le les leur " +
    "lui mais me meme n ne nous on ou par pas plus pour qu que qui s sa se ses si son sont sur " +
    "ta te tes toi ton tu un une vous y car donc alors puis quand comme ni " +
    "the an of to is are be it in on at and or for with that this not"
  ).split(" "),
);

/** Optimal string alignment distance (Levenshtein + adjacent transposition), capped at `max + 1`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return Math.min((rows[a.length] as number[])[b.length] as number, max + 1);
}

/**
 * Does a text token match a rubric term? Terms are word stems matched by prefix ("synchron"
 * matches "synchrone", "synchronisation"); from 5 letters on, one typo is tolerated
 * ("secondiare", "primray"). Short terms must match exactly as prefixes, so "a" never
 * matches "asynchrone" by accident — the rubric author writes "async" for that.
 */
export function termMatches(term: string, token: string): boolean {
  if (token.startsWith(term)) return true;
  // Typos are tolerated after the first letter only: "asynchrone" must never pass for "synchron".
  if (term.length < 5 || token[0] !== term[0]) return false;
  for (const len of [term.length - 1, term.length, term.length + 1]) {
    if (len > token.length) continue;
    if (editDistance(term, token.slice(0, len), 1) <= 1) return true;
  }
  return false;
}

/** Exact-token variant for short terms such as protocol letters or numbers ("=c", "=0"). */
export function termMatchesExact(term: string, token: string): boolean {
  return term === token;
}
