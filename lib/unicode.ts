// a high surrogate not followed by a low one, or a low one not preceded by a high one
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = (s: string) => !LONE.test(s);

/** True when some string inside `value` (keys included) holds a lone UTF-16 surrogate. */
export function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === "string") return !wellFormed(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).some(([k, v]) => !wellFormed(k) || hasLoneSurrogate(v));
  }
  return false;
}

/** The answer to a request carrying one: such text cannot be stored or run. */
export const FR_LONE_SURROGATE = "Requête invalide : texte mal encodé (caractère Unicode incomplet).";
