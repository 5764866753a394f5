import { normalize, STOPWORDS, termMatches, tokens } from "./normalize";

/**
 * Free-text grading by a rubric of expected ideas. An idea is found when one of its
 * alternatives is: an alternative is a list of phrases that must all occur in the answer
 * (in any order); a phrase is one or more word stems that occur in that order, close together.
 *
 *   { id: "secondary", label: "le nœud 2 est Secondary",
 *     any: [["secondary"], ["secondair"], ["lecture seule"]] }
 *
 * Stems match by prefix with one typo tolerated from 5 letters (see `termMatches`); a stem
 * written `=c` must equal the word ("protocole C" but not "cluster").
 */
export interface Idea {
  id: string;
  /** French description of the idea, shown when it is missing. */
  label: string;
  any: readonly (readonly string[])[];
  /** Relative weight (default 1). */
  weight?: number;
}

export interface Rubric {
  ideas: readonly Idea[];
  /** Ideas (by weight) needed to pass; defaults to all of them. */
  pass?: number;
}

export interface RubricResult {
  found: string[];
  missing: Idea[];
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
/** Beyond this many words, an answer that matches nothing is probably worded unexpectedly. */
const LONG_ANSWER_WORDS = 25;
/** Natural French prose has ~40 % function words; a keyword list has almost none. */
const KEYWORD_LIST_MAX_FUNCTION_RATIO = 0.12;
const KEYWORD_LIST_MIN_WORDS = 6;
/** A flagged keyword list earns at most this share until an instructor looks at it. */
export const KEYWORD_LIST_CAP = 0.5;

function phraseMatch(words: readonly string[], phrase: string): number[] | null {
  const terms = normalize(phrase.replace(/=/g, " =")).split(" ");
  const exact = phrase.split(/\s+/).map((w) => w.startsWith("="));
  const matchAt = (k: number, i: number): boolean => {
    const term = terms[k] as string;
    const w = words[i] as string;
    return exact[k] ? w === term : termMatches(term, w);
  };
  for (let start = 0; start < words.length; start++) {
    if (!matchAt(0, start)) continue;
    const used = [start];
    let pos = start;
    let ok = true;
    for (let k = 1; k < terms.length && ok; k++) {
      ok = false;
      for (let i = pos + 1; i < words.length && i <= pos + PHRASE_GAP; i++) {
        if (matchAt(k, i)) {
          used.push(i);
          pos = i;
          ok = true;
          break;
        }
      }
    }
    if (ok) return used;
  }
  return null;
}

function ideaMatch(words: readonly string[], idea: Idea): number[] | null {
  for (const alternative of idea.any) {
    const used: number[] = [];
    let all = true;
    for (const phrase of alternative) {
      const m = phraseMatch(words, phrase);
      if (!m) {
        all = false;
        break;
      }
      used.push(...m);
    }
    if (all) return used;
  }
  return null;
}

/** Share of the words that are rubric keywords (any stem of any idea). */
function keywordDensity(words: readonly string[], rubric: Rubric): number {
  const terms = rubric.ideas.flatMap((i) => i.any.flat()).flatMap((phrase) => phrase.split(/\s+/));
  const hits = words.filter((w) =>
    terms.some((t) => (t.startsWith("=") ? normalize(t) === w : termMatches(normalize(t).replace(/ /g, ""), w))),
  ).length;
  return words.length === 0 ? 0 : hits / words.length;
}

export function gradeText(text: string, rubric: Rubric): RubricResult {
  const words = tokens(text);
  const total = rubric.ideas.reduce((s, i) => s + (i.weight ?? 1), 0);
  const found: string[] = [];
  const missing: Idea[] = [];
  let weight = 0;
  for (const idea of rubric.ideas) {
    const m = ideaMatch(words, idea);
    if (m) {
      found.push(idea.id);
      weight += idea.weight ?? 1;
    } else {
      missing.push(idea);
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
  if (fraction > 0 && !passed && !keywordList) {
    reasons.push("réponse partielle : le formateur peut la revoir");
  }
  if (found.length === 0 && words.length >= LONG_ANSWER_WORDS) {
    reasons.push("réponse développée sans aucune des idées attendues : formulation à vérifier par le formateur");
  }
  return {
    found,
    missing,
    fraction,
    passed,
    needsReview: reasons.length > 0,
    reviewReason: reasons.join(" ; "),
    words: words.length,
  };
}
