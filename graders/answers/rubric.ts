import { normalize, STOPWORDS, termMatches } from "./normalize";

/**
 * Free-text grading by a rubric of expected ideas. An idea is found when one of its
 * alternatives is: an alternative is a list of phrases that must all occur in the answer
 * (in any order); a phrase is one or more word stems that occur in that order, close together,
 * within one clause (clauses are cut at punctuation).
 *
 *   { id: "secondary", label: "le nœud 2 est Secondary",
 *     any: [["secondary"], ["secondair"], ["lecture seule"]],
 *     against: [["node2 est prima"]] }
 *
 * Stems match by prefix with one typo tolerated from 5 letters (see `termMatches`); a stem
 * written `=c` must equal the word ("protocole C" but not "cluster"); a stem written `!pair`
 * is a guard: the phrase does not count when that word comes just before it ("le pair devient
 * la source" is not "ce nœud devient la source"). A phrase written `~…` states the idea in the
 * negative (`~conscience`: « l’application n’en a pas conscience »), `^…` states it either way.
 *
 * Who does what to whom:
 * - **Negation**: an occurrence under a negation of its clause (« ce n’est pas transparent »,
 *   « sans intervention », « DRBD ne refuse pas ») does not affirm the idea, it denies it.
 * - **Inversion**: `against` lists phrasings of the opposite claim (« invalidate … devient la
 *   source »); found and not negated, they contradict the idea.
 * - **Binding**: an idea with `about` only counts where it is said of that subject
 *   (`Rubric.subjects`, e.g. the command `invalidate` vs `invalidate-remote`): each word is bound
 *   to the subject named before it in its clause, else to one named just after it (« la cible
 *   avec invalidate »), else to the last subject named before its clause.
 * An idea both affirmed and contradicted cannot be decided: it earns nothing and the answer
 * goes to the instructor's review.
 */
export interface Idea {
  id: string;
  /** French description of the idea, shown when it is missing. */
  label: string;
  any: readonly (readonly string[])[];
  /** Phrasings of the opposite claim (an inversion of roles, of direction, of outcome). */
  against?: readonly (readonly string[])[];
  /** The idea must be said of this subject (a key of `Rubric.subjects`). */
  about?: string;
  /** Relative weight (default 1). */
  weight?: number;
}

export interface Rubric {
  ideas: readonly Idea[];
  /** Ideas (by weight) needed to pass; defaults to all of them. */
  pass?: number;
  /** Subjects that ideas are bound to: id → phrases naming it (the longest mention wins). */
  subjects?: Readonly<Record<string, readonly string[]>>;
  /** Subject of the words before any subject is named (the question's own subject). */
  main?: string;
}

export interface RubricResult {
  found: string[];
  missing: Idea[];
  /** Ideas whose opposite is stated (negated, or an `against` phrasing), and never affirmed. */
  contradicted: Idea[];
  /** Ideas both affirmed and contradicted: not credited, flagged for review. */
  conflicting: Idea[];
  /** Weight found / total weight, in [0, 1], after the keyword-list cap. */
  fraction: number;
  passed: boolean;
  needsReview: boolean;
  /** Why the answer is flagged, in French (empty when not flagged). */
  reviewReason: string;
  words: number;
}

/** A phrase's words must occur in order, each within this many words of the previous one. */
const PHRASE_GAP = 3;
/** How far before a phrase its guards (`!word`) look, within its clause. */
const GUARD_REACH = 4;
/** A subject named this close after a word, in its clause, is what the word is said of. */
const POSTFIX_REACH = 3;
/** How far before an occurrence a negation word still governs it (within its clause). */
const NEGATION_REACH = 4;
/** Beyond this many words, an answer that matches nothing is probably worded unexpectedly. */
const LONG_ANSWER_WORDS = 25;
/** Natural French prose has ~40 % function words; a keyword list has almost none. */
const KEYWORD_LIST_MAX_FUNCTION_RATIO = 0.12;
const KEYWORD_LIST_MIN_WORDS = 6;
/** A flagged keyword list earns at most this share until an instructor looks at it. */
export const KEYWORD_LIST_CAP = 0.5;

/** Words that negate what follows them in their clause. */
const NEGATORS = new Set([
  "pas",
  "jamais",
  "aucun",
  "aucune",
  "rien",
  "non",
  "sans",
  "ni",
  "nullement",
  "guere",
  "not",
  "never",
  "no",
  "without",
]);
/** Second half of « ne … pas »: negates what comes just before it when a « ne » precedes. */
const NE_TAILS = new Set(["pas", "jamais", "plus", "rien", "guere", "aucunement"]);
/** Words that start a new proposition: a negation does not reach across them. */
const BREAKS = new Set([
  "et",
  "mais",
  "ou",
  "car",
  "donc",
  "puis",
  "alors",
  "parce",
  "puisque",
  "qui",
  "que",
  "qu",
  "tandis",
  "lorsque",
  "quand",
  "si",
  "but",
  "whereas",
]);

interface Text {
  words: string[];
  clause: number[];
}

/** Words of the answer with their clause number (clauses end at punctuation). */
function analyse(text: string): Text {
  const words: string[] = [];
  const clause: number[] = [];
  text.split(/[,;:.!?()[\]«»"\n]+|\s[-–—]\s/).forEach((part, c) => {
    const n = normalize(part);
    if (n === "") return;
    for (const w of n.split(" ")) {
      words.push(w);
      clause.push(c);
    }
  });
  return { words, clause };
}

interface Phrase {
  terms: string[];
  exact: boolean[];
  guards: string[];
  /** `~`: the idea is stated in the negative (« ne sait pas », « sans modification »); `^`: either way. */
  polarity: "plain" | "negative" | "either";
}

function parsePhrase(phrase: string): Phrase {
  const terms: string[] = [];
  const exact: boolean[] = [];
  const guards: string[] = [];
  const polarity = phrase.startsWith("~") ? "negative" : phrase.startsWith("^") ? "either" : "plain";
  for (const raw of phrase.replace(/^[~^]/, "").split(/\s+/)) {
    if (raw.startsWith("!")) {
      guards.push(normalize(raw.slice(1)));
      continue;
    }
    // "l'écriture" normalises to two words: each is a term of the phrase.
    for (const t of normalize(raw).split(" ")) {
      if (t === "") continue;
      terms.push(t);
      exact.push(raw.startsWith("="));
    }
  }
  return { terms, exact, guards, polarity };
}

type Allowed = (i: number) => boolean;

/** Every occurrence of a phrase (one per starting word), as the indices of the words used. */
function occurrences(t: Text, phrase: Phrase, allowed: Allowed, gap = PHRASE_GAP): number[][] {
  const { words, clause } = t;
  const matchAt = (k: number, i: number): boolean => {
    if (!allowed(i)) return false;
    const term = phrase.terms[k] as string;
    const w = words[i] as string;
    return phrase.exact[k] ? w === term : termMatches(term, w);
  };
  const found: number[][] = [];
  for (let start = 0; start < words.length; start++) {
    if (phrase.terms.length === 0 || !matchAt(0, start)) continue;
    // A guard word counts in the phrase's clause, or just before a relative « qui » that
    // starts it (« du pair, qui devient la cible »).
    const clauseStart = clause.indexOf(clause[start] as number);
    const reach = words[clauseStart] === "qui" ? clause[clauseStart - 1] : clause[start];
    const guarded = phrase.guards.some((g) => {
      for (
        let i = start - 1;
        i >= 0 && i >= start - GUARD_REACH && (clause[i] === clause[start] || clause[i] === reach);
        i--
      ) {
        if (termMatches(g, words[i] as string)) return true;
      }
      return false;
    });
    if (guarded) continue;
    const used = [start];
    let pos = start;
    let ok = true;
    for (let k = 1; k < phrase.terms.length && ok; k++) {
      ok = false;
      for (let i = pos + 1; i < words.length && i <= pos + gap && clause[i] === clause[start]; i++) {
        if (matchAt(k, i)) {
          used.push(i);
          pos = i;
          ok = true;
          break;
        }
      }
    }
    if (ok) found.push(used);
  }
  return found;
}

/** Is this occurrence under a negation of its clause? (Words of the occurrence never count.) */
function negated(t: Text, used: readonly number[]): boolean {
  const { words, clause } = t;
  const first = used[0] as number;
  const last = used[used.length - 1] as number;
  const c = clause[first];
  const mine = new Set(used);
  let ne = false;
  for (let i = first + 1; i < last; i++) {
    if (mine.has(i)) continue;
    const w = words[i] as string;
    if (NEGATORS.has(w)) return true;
    if (w === "ne" || w === "n") ne = true;
  }
  for (let i = first - 1; i >= 0 && i >= first - NEGATION_REACH && clause[i] === c; i--) {
    const w = words[i] as string;
    if (BREAKS.has(w)) break;
    if (NEGATORS.has(w)) return true;
    if (w === "ne" || w === "n") ne = true;
    if (
      w === "plus" &&
      (words[i - 1] === "ne" || words[i - 1] === "n" || words[i - 2] === "n" || words[i - 2] === "ne")
    ) {
      return true;
    }
  }
  if (!ne) return false;
  for (let i = last + 1; i < words.length && i <= last + 2 && clause[i] === c; i++) {
    const w = words[i] as string;
    if (BREAKS.has(w)) break;
    if (NE_TAILS.has(w)) return true;
  }
  return false;
}

/** Subject of every word (or null), and the words that name a subject (never matched by ideas). */
function bindSubjects(t: Text, rubric: Rubric): { subject: (string | null)[]; naming: boolean[] } {
  const n = t.words.length;
  const subject: (string | null)[] = new Array(n).fill(null);
  const naming: boolean[] = new Array(n).fill(false);
  const mentions: { at: number; end: number; id: string }[] = [];
  const all = Object.entries(rubric.subjects ?? {}).flatMap(([id, phrases]) =>
    phrases.map((p) => ({ id, phrase: parsePhrase(p) })),
  );
  for (let i = 0; i < n; i++) {
    let best: { id: string; used: number[] } | null = null;
    for (const s of all) {
      const occ = occurrences(t, s.phrase, (k) => k >= i, 1).find((u) => u[0] === i);
      if (occ && (!best || occ.length > best.used.length)) best = { id: s.id, used: occ };
    }
    if (best) {
      for (const k of best.used) naming[k] = true;
      const end = best.used[best.used.length - 1] as number;
      mentions.push({ at: i, end, id: best.id });
      i = end;
    }
  }
  for (let i = 0; i < n; i++) {
    const inClause = mentions.filter((m) => t.clause[m.at] === t.clause[i]);
    const before = inClause.filter((m) => m.at <= i).at(-1);
    const after = inClause.find((m) => m.at > i);
    const earlier = mentions.filter((m) => m.end < i).at(-1);
    const close = after && after.at - i <= POSTFIX_REACH ? after : undefined;
    subject[i] = (before ?? close ?? earlier ?? after)?.id ?? rubric.main ?? null;
  }
  return { subject, naming };
}

type Status = "found" | "missing" | "contradicted" | "conflicting";

/** Does this occurrence say the phrase (true) or its opposite (false)? */
function affirms(t: Text, phrase: Phrase, used: readonly number[]): boolean {
  if (phrase.polarity === "either") return true;
  return negated(t, used) === (phrase.polarity === "negative");
}

function judge(t: Text, idea: Idea, allowed: Allowed): Status {
  let affirmed = false;
  let denied = false;
  for (const alternative of idea.any) {
    const parsed = alternative.map(parsePhrase);
    const phrases = parsed.map((p) => occurrences(t, p, allowed));
    if (phrases.some((occ) => occ.length === 0)) continue;
    const said = phrases.map((occ, k) => occ.some((u) => affirms(t, parsed[k] as Phrase, u)));
    if (said.every(Boolean)) affirmed = true;
    else denied = true;
  }
  let inverted = false;
  for (const alternative of idea.against ?? []) {
    const parsed = alternative.map(parsePhrase);
    const phrases = parsed.map((p) => occurrences(t, p, allowed));
    if (phrases.every((occ, k) => occ.some((u) => affirms(t, parsed[k] as Phrase, u)))) inverted = true;
  }
  if (affirmed) return inverted ? "conflicting" : "found";
  return denied || inverted ? "contradicted" : "missing";
}

/** Share of the words that are rubric keywords (any stem of any idea). */
function keywordDensity(words: readonly string[], rubric: Rubric): number {
  const terms = rubric.ideas
    .flatMap((i) => i.any.flat())
    .flatMap((phrase) => phrase.replace(/^[~^]/, "").split(/\s+/))
    .filter((w) => !w.startsWith("!"));
  const hits = words.filter((w) =>
    terms.some((t) => (t.startsWith("=") ? normalize(t) === w : termMatches(normalize(t).replace(/ /g, ""), w))),
  ).length;
  return words.length === 0 ? 0 : hits / words.length;
}

export function gradeText(text: string, rubric: Rubric): RubricResult {
  const t = analyse(text);
  const { words } = t;
  const { subject, naming } = bindSubjects(t, rubric);
  const total = rubric.ideas.reduce((s, i) => s + (i.weight ?? 1), 0);
  const found: string[] = [];
  const missing: Idea[] = [];
  const contradicted: Idea[] = [];
  const conflicting: Idea[] = [];
  let weight = 0;
  for (const idea of rubric.ideas) {
    const allowed: Allowed = (i) => !naming[i] && (idea.about === undefined || subject[i] === idea.about);
    const status = judge(t, idea, allowed);
    if (status === "found") {
      found.push(idea.id);
      weight += idea.weight ?? 1;
    } else {
      missing.push(idea);
      if (status === "contradicted") contradicted.push(idea);
      if (status === "conflicting") conflicting.push(idea);
    }
  }
  let fraction = total === 0 ? 0 : weight / total;
  const passNeeded = rubric.pass ?? total;
  const reasons: string[] = [];

  const functionWords = words.filter((w) => STOPWORDS.has(w)).length;
  const keywordList =
    found.length > 0 &&
    words.length >= KEYWORD_LIST_MIN_WORDS &&
    functionWords / words.length <= KEYWORD_LIST_MAX_FUNCTION_RATIO &&
    keywordDensity(words, rubric) >= 0.4;
  if (keywordList) {
    fraction = Math.min(fraction, KEYWORD_LIST_CAP);
    reasons.push("la réponse ressemble à une liste de mots-clés plutôt qu’à une explication");
  }
  const passed = !keywordList && weight >= passNeeded;
  if (conflicting.length > 0) {
    reasons.push(
      `la réponse affirme puis contredit : ${conflicting.map((i) => i.label).join(" ; ")} — à trancher par le formateur`,
    );
  } else if (fraction > 0 && !passed && !keywordList && contradicted.length === 0) {
    reasons.push("réponse partielle : le formateur peut la revoir");
  }
  if (found.length === 0 && contradicted.length === 0 && words.length >= LONG_ANSWER_WORDS) {
    reasons.push("réponse développée sans aucune des idées attendues : formulation à vérifier par le formateur");
  }
  return {
    found,
    missing,
    contradicted,
    conflicting,
    fraction,
    passed,
    needsReview: reasons.length > 0,
    reviewReason: reasons.join(" ; "),
    words: words.length,
  };
}
