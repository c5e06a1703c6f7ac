/**
 * Finds crisis words or phrases (a configurable list from data/) in what a member wrote, so the bot
 * can show crisis resources and alert human moderators. It never decides anything else: a match is a
 * reason for a person to look, not a diagnosis.
 *
 * Matching is on whole words and phrases after the same normalisation of text and terms: case and
 * accents folded, apostrophes of every shape dropped ("can’t" = "can't" = "cant"), any other run of
 * punctuation, spaces or invisible characters read as one space. So "skill" does not match "kill",
 * and "Can’t  go on..." matches "can't go on".
 */

const APOSTROPHES = /['’‘ʼʹ`´′]/gu;
const INVISIBLE = /[\p{Cf}]/gu;
const MARKS = /\p{M}/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/gu;
// Scripts written without spaces between words: a term in them can only be matched as a substring.
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** Text as the matcher sees it: lower case, no accents or apostrophes, words separated by single spaces. */
export function normaliseForMatching(text: string): string {
  return text
    .normalize('NFKD')
    .replace(MARKS, '')
    .toLowerCase()
    .replace(INVISIBLE, '')
    .replace(APOSTROPHES, '')
    .replace(SEPARATORS, ' ')
    .trim();
}

export interface CrisisMatcher {
  /** The configured terms found in `text`, once each, in list order. */
  find(text: string): string[];
}

/** Prepares a term list once (normalising 100 terms per request would be wasted work). */
export function crisisMatcher(terms: readonly string[]): CrisisMatcher {
  const seen = new Set<string>();
  const compiled: Array<{ term: string; needle: string }> = [];
  for (const term of terms) {
    const normalised = normaliseForMatching(term);
    if (normalised === '' || seen.has(normalised)) continue; // a blank entry would match everything
    seen.add(normalised);
    compiled.push({ term, needle: UNSPACED_SCRIPT.test(normalised) ? normalised : ` ${normalised} ` });
  }
  return {
    find(text) {
      const haystack = ` ${normaliseForMatching(text)} `;
      return compiled.filter(({ needle }) => haystack.includes(needle)).map(({ term }) => term);
    },
  };
}

/**
 * The terms of `terms` found in `text` (deduplicated, in list order). Compiles the list on every call
 * (about 0.3 ms for 100 terms and a 300-character topic); keep a {@link crisisMatcher} to reuse it.
 */
export function findCrisisTerms(text: string, terms: readonly string[]): string[] {
  return crisisMatcher(terms).find(text);
}
