import type { ShownCount } from '../domain/small-numbers.ts';
import { text, type TextKey } from '../texts/texts.ts';

/**
 * Counts in words, with the right plural ("1 rating", "3 ratings") and the grouped "a few" where a
 * number could point at one person (src/domain/small-numbers.ts). A counted noun is three text keys in
 * data/: `<noun>.one` and `<noun>.other` (with `{count}`) and `<noun>.few`.
 */
export type CountedNoun = {
  [K in TextKey]: K extends `${infer Noun}.one` ? (`${Noun}.other` extends TextKey ? (`${Noun}.few` extends TextKey ? Noun : never) : never) : never;
}[TextKey];

const plural = new Intl.PluralRules('en');

/** The count with its noun: "1 member", "5 members", "a few members". */
export function counted(noun: CountedNoun, value: ShownCount): string {
  if (value === 'few') return text(`${noun}.few` as TextKey);
  return text(`${noun}.${plural.select(value) === 'one' ? 'one' : 'other'}` as TextKey, { count: value });
}

/** A bare count: the number, or `few` (a text key such as "a few") for a grouped one. */
export function shown(value: ShownCount, few: TextKey): string {
  return value === 'few' ? text(few) : String(value);
}
