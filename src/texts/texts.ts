import general from '../../data/texts.json' with { type: 'json' };
import meetings from '../../data/texts-meetings.json' with { type: 'json' };

/**
 * Member- and moderator-facing words live in `data/texts.json` (and `data/texts-meetings.json` for
 * meetings), so they can be read and improved in
 * one place, by people who are not programmers. Keys are checked by the compiler.
 */
export type TextKey = keyof typeof general | keyof typeof meetings;

const texts: Record<TextKey, string> = { ...general, ...meetings };

/** The text for `key`, with `{name}` placeholders filled from `values`. */
export function text(key: TextKey, values: Record<string, string | number> = {}): string {
  return texts[key].replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in values ? String(values[name]) : placeholder,
  );
}
