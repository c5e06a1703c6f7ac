import { err, ok, type Result } from '../result.ts';

/**
 * IANA time zones as the runtime's ICU data knows them. The runtime is the one well-kept source we
 * can trust to agree with the date maths done later, so no list is shipped by hand.
 */
export function knownTimezones(): readonly string[] {
  cachedZones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
  return cachedZones;
}
let cachedZones: string[] | undefined;

/**
 * The zone's name as the runtime lists it (so `europe/london` becomes `Europe/London`), or an error.
 * Names the runtime accepts but does not list (newer spellings such as `Asia/Kolkata`, which older ICU
 * data lists as `Asia/Calcutta`) are kept as typed, so the group sees the name it chose.
 */
export function resolveTimezone(input: string): Result<string, 'unknown-timezone'> {
  const name = input.trim();
  // Offsets like "+02:00" are valid to Intl but are not IANA zones and ignore daylight saving.
  if (name === '' || !/^[A-Za-z]/.test(name)) return err('unknown-timezone');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return err('unknown-timezone');
  }
  const lower = name.toLowerCase();
  return ok(knownTimezones().find((zone) => zone.toLowerCase() === lower) ?? name);
}

/** Up to `limit` zones matching what a member typed: prefix matches on any path segment first. */
export function suggestTimezones(query: string, limit = 25): string[] {
  const needle = query.trim().toLowerCase().replaceAll(' ', '_');
  const zones = knownTimezones();
  if (needle === '') return zones.slice(0, limit);
  const segmentStart: string[] = [];
  const contains: string[] = [];
  for (const zone of zones) {
    const lower = zone.toLowerCase();
    if (lower.startsWith(needle) || lower.split('/').some((segment) => segment.startsWith(needle))) {
      segmentStart.push(zone);
    } else if (lower.includes(needle)) {
      contains.push(zone);
    }
    if (segmentStart.length >= limit) break;
  }
  return [...segmentStart, ...contains].slice(0, limit);
}
