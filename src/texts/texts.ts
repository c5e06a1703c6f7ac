import shipped from '../../data/texts.json' with { type: 'json' };

/**
 * Member- and moderator-facing words live in `data/texts.json`, so they can be read and improved in
 * one place, by people who are not programmers. Keys are checked by the compiler.
 */
export type TextKey = keyof typeof shipped;

const texts: Record<TextKey, string> = shipped;

/** The text for `key`, with `{name}` placeholders filled from `values`. */
export function text(key: TextKey, values: Record<string, string | number> = {}): string {
  return texts[key].replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in values ? String(values[name]) : placeholder,
  );
}
