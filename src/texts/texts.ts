import general from '../../data/texts.json' with { type: 'json' };
import meetings from '../../data/texts-meetings.json' with { type: 'json' };
import schedules from '../../data/texts-schedules.json' with { type: 'json' };
import reflections from '../../data/texts-reflections.json' with { type: 'json' };
import safety from '../../data/texts-safety.json' with { type: 'json' };
import voice from '../../data/texts-voice.json' with { type: 'json' };

/**
 * Member- and moderator-facing words live in `data/texts.json` (`data/texts-meetings.json` for meetings,
 * `data/texts-schedules.json` for schedules,
 * `data/texts-reflections.json` for weekly reflections, `data/texts-safety.json` for crisis care, `data/texts-voice.json` for voice meetings), so they can be read and improved in
 * one place, by people who are not programmers. Keys are checked by the compiler.
 */
export type TextKey =
  | keyof typeof general
  | keyof typeof meetings
  | keyof typeof schedules
  | keyof typeof reflections
  | keyof typeof safety
  | keyof typeof voice;

const texts: Record<TextKey, string> = { ...general, ...meetings, ...schedules, ...reflections, ...safety, ...voice };

/** The text for `key`, with `{name}` placeholders filled from `values`. */
export function text(key: TextKey, values: Record<string, string | number> = {}): string {
  return texts[key].replace(/\{(\w+)\}/g, (placeholder, name: string) => (name in values ? String(values[name]) : placeholder));
}
