import { DateTime } from 'luxon';

/**
 * Weeks, days and windows in the guild's IANA time zone. All calendar arithmetic is luxon's, so a
 * local day of 23 or 25 hours (a daylight-saving change) and zones with half-hour offsets come out
 * right. Weeks start on Monday 00:00 local time (ISO weeks), as a weekly meeting's week does.
 *
 * The zone has already been checked when the circle was set up (`resolveTimezone`), so an unknown
 * zone here is a programming error and throws rather than silently using UTC.
 */
function local(at: Date | number, timezone: string): DateTime {
  const dateTime = typeof at === 'number' ? DateTime.fromMillis(at, { zone: timezone }) : DateTime.fromJSDate(at, { zone: timezone });
  if (!dateTime.isValid)
    throw new RangeError(`Cannot place ${String(at)} in time zone "${timezone}": ${dateTime.invalidExplanation ?? dateTime.invalidReason}`);
  return dateTime;
}

/** The instant the local week containing `at` began (Monday 00:00 in `timezone`). */
export function weekStart(at: Date, timezone: string): Date {
  return local(at, timezone).startOf('week').toJSDate();
}

/** This local week as a half-open window [Monday 00:00, next Monday 00:00). */
export function weekWindow(at: Date, timezone: string): { from: Date; to: Date } {
  const start = local(at, timezone).startOf('week');
  return { from: start.toJSDate(), to: start.plus({ weeks: 1 }).toJSDate() };
}

/**
 * "The last N days" including today: from local midnight N-1 days before today up to `now`.
 * The last 28 days are today and the 27 local days before it.
 */
export function rollingWindow(now: Date, days: number, timezone: string): { from: Date; to: Date } {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`A rolling window needs a whole number of days >= 1, not ${days}`);
  const from = local(now, timezone)
    .startOf('day')
    .minus({ days: days - 1 });
  return { from: from.toJSDate(), to: now };
}

/** 'YYYY-MM-DD' of `at` in `timezone`: the key of storage's daily aggregates. */
export function localDay(at: Date, timezone: string): string {
  return local(at, timezone).toISODate()!;
}

/** The local day keys of every day that overlaps the half-open window [from, to), in order. */
export function daysBetween(from: Date, to: Date, timezone: string): string[] {
  const end = to.getTime();
  const keys: string[] = [];
  if (from.getTime() >= end) return keys;
  for (let day = local(from, timezone).startOf('day'); day.toMillis() < end; day = day.plus({ days: 1 })) {
    keys.push(day.toISODate()!);
  }
  return keys;
}

/** The half-open window [00:00, next day's 00:00) of a local day key, or null if the key is not a date. */
export function dayWindow(dayKey: string, timezone: string): { from: Date; to: Date } | null {
  const start = DateTime.fromISO(dayKey, { zone: timezone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dayKey) || !start.isValid) return null;
  return { from: start.toJSDate(), to: start.plus({ days: 1 }).toJSDate() };
}

/**
 * A fast `localDay` for many instants (storage folding 200k events into daily aggregates): each local
 * day found with luxon is remembered as its UTC interval, so later instants in it need no luxon call.
 */
export function localDayKeyer(timezone: string): (at: Date | number) => string {
  // Intervals indexed by every UTC day number they touch; a local day touches at most two or three.
  const byUtcDay = new Map<number, Array<{ from: number; to: number; key: string }>>();
  const MS_PER_DAY = 86_400_000;
  return (at) => {
    const ms = typeof at === 'number' ? at : at.getTime();
    const utcDay = Math.floor(ms / MS_PER_DAY);
    const candidates = byUtcDay.get(utcDay);
    if (candidates !== undefined) {
      for (const interval of candidates) if (ms >= interval.from && ms < interval.to) return interval.key;
    }
    const start = local(ms, timezone).startOf('day');
    const interval = { from: start.toMillis(), to: start.plus({ days: 1 }).toMillis(), key: start.toISODate()! };
    for (let day = Math.floor(interval.from / MS_PER_DAY); day <= Math.floor((interval.to - 1) / MS_PER_DAY); day += 1) {
      const list = byUtcDay.get(day);
      if (list === undefined) byUtcDay.set(day, [interval]);
      else list.push(interval);
    }
    return interval.key;
  };
}
