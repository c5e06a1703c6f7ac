import unhomoglyph from 'unhomoglyph';

/**
 * Finds crisis words or phrases (a configurable list from data/) in what a member wrote, so the bot
 * can show crisis resources and alert human moderators. It never decides anything else: a match is a
 * reason for a person to look, not a diagnosis. A false alarm costs a moderator a glance; a missed
 * crisis costs far more, so when in doubt this errs towards matching.
 *
 * Text and terms go through the same normalisation, then terms match on whole words:
 * - case and accents folded, apostrophes of every shape dropped ("Can’t" = "can't" = "cant"), short
 *   negations and "wanna"/"gonna" written out ("isn't" = "is not"), any other run of punctuation,
 *   spaces or invisible characters read as one space;
 * - letters that only look Latin read as the Latin letter they imitate (Cyrillic "ѕuісіdе", Greek
 *   "κill", fullwidth or mathematical letters), using Unicode's confusables data (UTS #39);
 * - digits and symbols inside a word read as the letters they stand for ("su1c1de", "$elf h4rm");
 *   "l", "1", "I" and "|" look alike, so the matcher does not tell "l" from "i" at all;
 * - each term also matches its inflections (-s, -ed, -ing, -er: "self-harming", "overdosed",
 *   "cutting myself") and, for a phrase, its words run together ("selfharm").
 * Whole words keep ordinary words from triggering: "skill" does not match "kill", "cutting the cake"
 * does not match "cutting myself". A few everyday idioms that contain a listed phrase
 * ({@link HARMLESS_CONTEXTS}) do not count either.
 */

// Removed before NFKD, which would turn "´" into a space and a combining accent.
const APOSTROPHES = /['’‘ʼʹ`´′＇]/gu;
const INVISIBLE = /\p{Cf}/gu;
const MARKS = /\p{M}/gu;
const NON_ASCII = /\P{ASCII}/gu;
// A word as typed, leetspeak included: letters, digits and the symbols that stand for letters.
const WORD_AS_TYPED = /[\p{L}\p{N}@$!|]+/gu;
const LEET_CHAR = /[0-9@$!|]/;
const LETTER = /\p{L}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const SEPARATORS = /[^\p{L}\p{N}]+/gu;
// Scripts written without spaces between words: a term in them can only be matched as a substring.
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/**
 * Digits and symbols read as letters inside a word. "1" could be "i" or "l"; the matcher does not tell
 * those apart anyway (see {@link matchingKey}).
 */
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'i',
};

/** Short forms written out, so a term written either way matches text written either way. */
const LONG_FORMS: ReadonlyMap<string, string> = new Map([
  ['wanna', 'want to'],
  ['gonna', 'going to'],
  ['cannot', 'can not'],
  ['cant', 'can not'],
  ['dont', 'do not'],
  ['doesnt', 'does not'],
  ['didnt', 'did not'],
  ['isnt', 'is not'],
  ['arent', 'are not'],
  ['wasnt', 'was not'],
  ['werent', 'were not'],
  ['wont', 'will not'],
  ['wouldnt', 'would not'],
  ['couldnt', 'could not'],
  ['shouldnt', 'should not'],
]);
const SHORT_FORM = new RegExp(`(?<= )(?:${[...LONG_FORMS.keys()].join('|')})(?= )`, 'g');

/**
 * Everyday idioms that contain a listed phrase but mean something else; a term found only inside one
 * of them is not reported ("#" stands for any number). Kept short on purpose (see the module comment).
 */
const HARMLESS_CONTEXTS: readonly string[] = [
  'the end it all', // "in the end, it all worked out"
  'he hits me up', // "hit me up": get in touch
  'she hits me up',
  'he hit me up',
  'she hit me up',
  'take my life back', // recovery talk, and its inflections ("taking my life back")
  "can't go on a", // "I can't go on a trip"
  "can't go on an",
  "can't go on holiday",
  "can't go on vacation",
  '# kms', // kilometres
];

/**
 * Words that take no suffixes (pronouns, articles, prepositions, auxiliaries): inflecting them would
 * only add forms nobody writes ("hes hits me").
 */
const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  (
    'i me my myself mine you your yourself he him his himself she her herself it its itself we us our ' +
    'ourselves they them their themselves the a an this that these those to at on in of off for with ' +
    'without by from up down out into over here there all any no not nothing never anymore and or so ' +
    'just do does did is am are was were be been being can could will would should'
  ).split(' '),
);

/** Past forms of the verbs crisis phrases start with that do not follow the -ed rule. */
const IRREGULAR_FORMS: Readonly<Record<string, readonly string[]>> = {
  take: ['took', 'taken'],
  give: ['gave', 'given'],
  hang: ['hung'],
  feel: ['felt'],
  go: ['went', 'gone'],
};

// Each character is looked up once; the bound keeps text full of rare characters from growing memory.
const lookAlikes = new Map<string, string>();
const LOOK_ALIKE_CACHE_LIMIT = 10_000;

/**
 * The Latin letters a non-ASCII character imitates ("а" Cyrillic → "a"), or the character itself when
 * it imitates none, so real Cyrillic, Greek or Japanese text keeps its own letters where they differ.
 */
function latinLookAlike(char: string): string {
  const known = lookAlikes.get(char);
  if (known !== undefined) return known;
  let latin = char;
  // Unicode's confusables data draws many lower-case Cyrillic and Greek letters as Latin small
  // capitals ("к" → "ĸ", "т" → "ᴛ"); the capital's look-alike ("К" → "K") is the letter a reader sees.
  for (const form of [char, char.toUpperCase()]) {
    const prototype = unhomoglyph(form).normalize('NFKD').replace(MARKS, '');
    if (/^[a-z]+$/i.test(prototype)) {
      latin = prototype;
      break;
    }
  }
  if (lookAlikes.size < LOOK_ALIKE_CACHE_LIMIT) lookAlikes.set(char, latin);
  return latin;
}

/**
 * A typed word with its digits and symbols read as letters. A word with no letter ("2024", "$5") is a
 * number and stays one. A symbol counts as a letter only inside a word, or "$" at its start ("$uicide"),
 * so "die!" still ends with an exclamation mark and "||spoiler||" bars are punctuation.
 */
function readLeet(word: string): string {
  if (!LETTER.test(word)) return word;
  const chars = [...word];
  return chars
    .map((char, index) => {
      const letter = LEET[char];
      if (letter === undefined) return char;
      if (char >= '0' && char <= '9') return letter;
      const before = index > 0 && LETTER_OR_DIGIT.test(chars[index - 1]!);
      const after = index + 1 < chars.length && LETTER_OR_DIGIT.test(chars[index + 1]!);
      return after && (before || char === '$') ? letter : ' ';
    })
    .join('');
}

/** Readable normal form: lower-case Latin look-alikes, leetspeak read, words separated by single spaces. */
function fold(text: string): string {
  let folded = text.replace(APOSTROPHES, '').normalize('NFKD').replace(INVISIBLE, '').replace(MARKS, '').replace(NON_ASCII, latinLookAlike).toLowerCase();
  if (LEET_CHAR.test(folded)) folded = folded.replace(WORD_AS_TYPED, readLeet); // most text has none
  folded = folded.replace(SEPARATORS, ' ').trim();
  return ` ${folded} `.replace(SHORT_FORM, (short) => LONG_FORMS.get(short) ?? short).trim();
}

/** "l", "I", "1" and "|" look alike, so the matcher reads every "l" as "i" in text and terms alike. */
function matchingKey(folded: string): string {
  return folded.replaceAll('l', 'i');
}

/**
 * Text as the matcher sees it: lower case, Latin look-alikes and leetspeak read, no accents or
 * apostrophes, short forms written out, words separated by single spaces, and "l" read as "i". Meant
 * for comparing, not for showing to anyone.
 */
export function normaliseForMatching(text: string): string {
  return matchingKey(fold(text));
}

/**
 * A word with its common suffixes: -s, -ed, -ing, -er, -ers, with English spelling rules (take → taking,
 * die → dying, cry → cried). A final consonant is taken both doubled and not (cutting; travelled and
 * traveled): the spare form is a misspelling nobody is hurt by matching.
 */
function inflections(word: string): string[] {
  if (FUNCTION_WORDS.has(word) || !/^[a-z]+$/.test(word) || !/[aeiouy]/.test(word)) return [word];
  const forms = new Set([word, ...(IRREGULAR_FORMS[word] ?? [])]);
  if (/(?:s|x|z|ch|sh|o)$/.test(word)) forms.add(`${word}es`);
  forms.add(/[^aeiou]y$/.test(word) ? `${word.slice(0, -1)}ies` : `${word}s`);
  const stems = [word];
  if (/(?:^|[^aeiou])[aeiou][bcdfgklmnprstvz]$/.test(word)) stems.push(word + word.at(-1)!);
  if (/[aeiou]c$/.test(word)) stems.push(`${word}k`); // panic → panicking
  for (const stem of stems) {
    if (stem.endsWith('ie')) forms.add(`${stem.slice(0, -2)}ying`);
    else if (/[^eoy]e$/.test(stem)) forms.add(`${stem.slice(0, -1)}ing`);
    else forms.add(`${stem}ing`);
    const ending = stem.endsWith('e') ? '' : 'e';
    const base = /[^aeiou]y$/.test(stem) ? `${stem.slice(0, -1)}i` : stem;
    forms.add(`${base}${ending}d`);
    forms.add(`${base}${ending}r`);
    forms.add(`${base}${ending}rs`);
  }
  return [...forms];
}

/**
 * Every wording a folded term matches, as word lists: its first and last words inflected (a phrase
 * usually starts with its verb and a compound like "self harm" ends with it; a function word at either
 * end stays as it is), and with `runTogether`, each wording also written as one word ("selfharm").
 */
function wordings(folded: string, runTogether: boolean): string[][] {
  const words = folded.split(' ');
  const firsts = inflections(words[0]!);
  const result: string[][] = [];
  if (words.length === 1) {
    for (const first of firsts) result.push([first]);
    return result;
  }
  const middle = words.slice(1, -1);
  const lasts = inflections(words.at(-1)!);
  for (const first of firsts) {
    for (const last of lasts) {
      const wording = [first, ...middle, last];
      result.push(wording);
      if (runTogether) result.push([wording.join('')]);
    }
  }
  return result;
}

const ANY_NUMBER = '#';
const NUMBER = /^\d+$/;

interface Wording {
  readonly words: readonly string[];
  readonly term: number;
}

/** Wordings by their first word, so a text is scanned once however many wordings there are. */
class WordingIndex {
  private readonly byFirstWord = new Map<string, Wording[]>();

  add(words: readonly string[], term: number): void {
    const first = words[0]!;
    const list = this.byFirstWord.get(first);
    if (list === undefined) this.byFirstWord.set(first, [{ words, term }]);
    else list.push({ words, term });
  }

  /** The wordings that may start with `word` (check the rest with {@link occursAt}). */
  startingWith(word: string): readonly Wording[] {
    const exact = this.byFirstWord.get(word) ?? [];
    const anyNumber = NUMBER.test(word) ? this.byFirstWord.get(ANY_NUMBER) : undefined;
    return anyNumber === undefined ? exact : [...exact, ...anyNumber];
  }
}

/** Whether `wording` is written in `text` from word `start` on. */
function occursAt({ words }: Wording, text: readonly string[], start: number): boolean {
  if (start + words.length > text.length) return false;
  for (let offset = 1; offset < words.length; offset += 1) {
    const expected = words[offset]!;
    const actual = text[start + offset]!;
    if (expected !== actual && !(expected === ANY_NUMBER && NUMBER.test(actual))) return false;
  }
  return true;
}

const harmlessContexts = new WordingIndex();
for (const idiom of HARMLESS_CONTEXTS) {
  // Each word on its own, so "#" survives the normalisation that would read it as punctuation.
  const folded = idiom
    .split(' ')
    .map((word) => (word === ANY_NUMBER ? word : fold(word)))
    .join(' ');
  for (const words of wordings(folded, false)) harmlessContexts.add(words.map(matchingKey), -1);
}

export interface CrisisMatcher {
  /** The configured terms found in `text`, once each, in list order. */
  find(text: string): string[];
}

/** Prepares a term list once (normalising and inflecting every term per request would be wasted work). */
export function crisisMatcher(terms: readonly string[]): CrisisMatcher {
  const seen = new Set<string>();
  const kept: string[] = [];
  const index = new WordingIndex();
  const unspaced: Array<{ needle: string; term: number }> = [];
  for (const term of terms) {
    const folded = fold(term);
    const key = matchingKey(folded);
    if (key === '' || seen.has(key)) continue; // a blank entry would match everything
    seen.add(key);
    const position = kept.push(term) - 1;
    if (UNSPACED_SCRIPT.test(key)) {
      unspaced.push({ needle: key, term: position });
      continue;
    }
    for (const words of wordings(folded, true)) index.add(words.map(matchingKey), position);
  }
  return {
    find(text) {
      const normalised = normaliseForMatching(text);
      const found = new Array<boolean>(kept.length).fill(false);
      for (const { needle, term } of unspaced) found[term] = normalised.includes(needle);
      const words = normalised === '' ? [] : normalised.split(' ');
      const harmless: Array<readonly [number, number]> = [];
      for (let start = 0; start < words.length; start += 1) {
        for (const idiom of harmlessContexts.startingWith(words[start]!)) {
          if (occursAt(idiom, words, start)) harmless.push([start, start + idiom.words.length]);
        }
      }
      for (let start = 0; start < words.length; start += 1) {
        for (const wording of index.startingWith(words[start]!)) {
          if (found[wording.term] || !occursAt(wording, words, start)) continue;
          const end = start + wording.words.length;
          found[wording.term] = !harmless.some(([from, to]) => from <= start && end <= to);
        }
      }
      return kept.filter((_, position) => found[position]);
    },
  };
}

/**
 * The terms of `terms` found in `text` (deduplicated, in list order). Compiles the list on every call;
 * keep a {@link crisisMatcher} to reuse it.
 */
export function findCrisisTerms(text: string, terms: readonly string[]): string[] {
  return crisisMatcher(terms).find(text);
}
