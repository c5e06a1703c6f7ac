import { DateTime } from 'luxon';
import { WEEKDAYS } from '../circle/time-of-day.ts';
import type { WeeklySchedule } from './schedule.ts';

/**
 * When a weekly schedule's meetings happen. Pure: every function takes the instants it needs (never
 * the machine's clock), and all zone maths is luxon's.
 *
 * An occurrence belongs to a LOCAL calendar date ('YYYY-MM-DD' in the schedule's zone) falling on the
 * schedule's weekday, and happens at the schedule's wall-clock time on that date. Occurrences are
 * found by stepping through local calendar dates 7 days at a time (never by adding 7 * 24 hours), so
 * a meeting at 18:00 stays at 18:00 local time across daylight-saving changes. The local date is the
 * occurrence's key: what "fired", "reminded" and "skipped" records store.
 *
 * Daylight-saving rules (the zone's own rules, from the runtime's ICU data via luxon):
 * - Spring forward (a wall-clock time that does not exist that day, e.g. 02:30 in America/New_York on
 *   the second Sunday of March, or 01:30 in Europe/London on the last Sunday of March): the meeting
 *   happens once, at the wall-clock time moved forward by the length of the gap. This is luxon's rule:
 *   the missing local time is read with the offset in force before the change. So 02:30 becomes 03:30
 *   in New York (1-hour gap 02:00-03:00), 01:30 becomes 02:30 in London, and 02:10 becomes 02:40 on
 *   Australia/Lord_Howe's 30-minute gap. The occurrence keeps its local date as its key.
 * - Fall back (a wall-clock time that happens twice, e.g. 01:30 in New York on the first Sunday of
 *   November): the meeting happens once, at the FIRST (earlier, still daylight-time) instant. luxon
 *   alone picks one of the two depending on the machine's current offset, so the earlier of the
 *   instants luxon reports as possible (`getPossibleOffsets`) is chosen explicitly. The second pass
 *   through that wall-clock time is the same local date, hence the same key, so it can never make the
 *   occurrence due again.
 */

/** A resolved occurrence: its key (local date) and the instant it starts. */
export interface Occurrence {
  /** The local date 'YYYY-MM-DD' in the schedule's zone: the occurrence's stable key. */
  readonly key: string;
  readonly at: Date;
  /** Whether the key is one of the schedule's skip dates. */
  readonly skipped: boolean;
}

type ScheduleTiming = Pick<WeeklySchedule, 'weekday' | 'time' | 'timezone'>;
type ScheduleWithSkips = ScheduleTiming & Pick<WeeklySchedule, 'skipDates'>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A plain calendar date (no zone): luxon in UTC, where every day has 24 hours. */
export function parseLocalDate(date: string): DateTime | null {
  if (!ISO_DATE.test(date)) return null;
  const parsed = DateTime.fromISO(date, { zone: 'utc' });
  return parsed.isValid ? parsed : null;
}

function dateKey(date: DateTime): string {
  return date.toISODate()!;
}

/** 1 (Monday) ... 7 (Sunday), as luxon numbers weekdays. */
function isoWeekday(schedule: Pick<WeeklySchedule, 'weekday'>): number {
  const index = WEEKDAYS.indexOf(schedule.weekday);
  if (index < 0) throw new RangeError(`Unknown weekday "${String(schedule.weekday)}"`);
  return index + 1;
}

function wallClock(schedule: Pick<WeeklySchedule, 'time'>): { hour: number; minute: number } {
  const match = /^(\d{2}):(\d{2})$/.exec(schedule.time);
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 23 || minute > 59) throw new RangeError(`A schedule's time must be 'HH:MM', not "${schedule.time}"`);
  return { hour, minute };
}

/**
 * The instant of `time` on the calendar date `date` in `timezone`, by the rules above. The schedule
 * was checked when it was made, so an unknown zone here is a programming error and throws.
 */
function resolve(date: DateTime, schedule: ScheduleTiming): Date {
  const { hour, minute } = wallClock(schedule);
  const local = DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour, minute }, { zone: schedule.timezone });
  if (!local.isValid) {
    throw new RangeError(`Cannot place ${dateKey(date)} ${schedule.time} in time zone "${schedule.timezone}": ${local.invalidExplanation ?? local.invalidReason}`);
  }
  // Spring forward: luxon has already moved a missing time forward by the gap. Fall back: of the
  // instants with this wall-clock time, the earliest.
  const earliest = Math.min(...local.getPossibleOffsets().map((candidate) => candidate.toMillis()));
  return new Date(earliest);
}

function occurrenceOn(date: DateTime, schedule: ScheduleWithSkips): Occurrence {
  const key = dateKey(date);
  return { key, at: resolve(date, schedule), skipped: schedule.skipDates.includes(key) };
}

/** The local calendar date of `at` in the schedule's zone (as a zone-less date). */
function localDateOf(at: Date, schedule: ScheduleTiming): DateTime {
  const local = DateTime.fromJSDate(at, { zone: schedule.timezone });
  if (!local.isValid) throw new RangeError(`Cannot place ${at.toISOString()} in time zone "${schedule.timezone}": ${local.invalidExplanation ?? local.invalidReason}`);
  return DateTime.utc(local.year, local.month, local.day);
}

/** The schedule's weekday on or before `date` (0-6 days back). */
function weekdayOnOrBefore(date: DateTime, schedule: ScheduleTiming): DateTime {
  return date.minus({ days: (date.weekday - isoWeekday(schedule) + 7) % 7 });
}

/**
 * The occurrence on the local date `localDate` ('YYYY-MM-DD'), whether or not it is skipped; null if
 * that date is not a real date or not the schedule's weekday.
 */
export function occurrenceAt(schedule: ScheduleTiming, localDate: string): Date | null {
  const date = parseLocalDate(localDate);
  if (!date || date.weekday !== isoWeekday(schedule)) return null;
  return resolve(date, schedule);
}

/**
 * The first occurrence strictly after `after`. Skipped dates are passed over unless `includeSkipped`.
 */
export function nextOccurrence(schedule: ScheduleWithSkips, after: Date, options: { includeSkipped?: boolean } = {}): Date {
  return nextOccurrenceDetail(schedule, after, options).at;
}

/** {@link nextOccurrence} with its key and whether it is skipped. */
export function nextOccurrenceDetail(schedule: ScheduleWithSkips, after: Date, options: { includeSkipped?: boolean } = {}): Occurrence {
  // Start a week before the local date of `after`: an occurrence moved forward by a gap can land
  // after midnight of its own date, so starting at `after`'s own date could miss it.
  let date = weekdayOnOrBefore(localDateOf(after, schedule), schedule).minus({ weeks: 1 });
  for (;;) {
    const occurrence = occurrenceOn(date, schedule);
    if (occurrence.at.getTime() > after.getTime() && (options.includeSkipped || !occurrence.skipped)) return occurrence;
    date = date.plus({ weeks: 1 });
  }
}

/**
 * The latest occurrence at or before `atOrBefore`, skipped or not (callers filter). Never null: a
 * weekly schedule always had an occurrence in the past week.
 */
export function previousOccurrenceDetail(schedule: ScheduleWithSkips, atOrBefore: Date): Occurrence {
  let date = weekdayOnOrBefore(localDateOf(atOrBefore, schedule), schedule).plus({ weeks: 1 });
  for (;;) {
    const occurrence = occurrenceOn(date, schedule);
    if (occurrence.at.getTime() <= atOrBefore.getTime()) return occurrence;
    date = date.minus({ weeks: 1 });
  }
}

/** The occurrence a week before `occurrence` (skipped or not). */
export function occurrenceBefore(schedule: ScheduleWithSkips, occurrence: Occurrence): Occurrence {
  return occurrenceOn(parseLocalDate(occurrence.key)!.minus({ weeks: 1 }), schedule);
}

/**
 * Occurrences in the half-open window [from, to), in order. Skipped occurrences are left out unless
 * `includeSkipped` (the scheduler wants them to mark Discord events as cancelled; `/schedule list`
 * does not).
 */
export function occurrencesBetween(schedule: ScheduleWithSkips, from: Date, to: Date, options: { includeSkipped?: boolean } = {}): Date[] {
  return occurrenceDetailsBetween(schedule, from, to, options).map((occurrence) => occurrence.at);
}

/** {@link occurrencesBetween} with keys and skipped flags. */
export function occurrenceDetailsBetween(schedule: ScheduleWithSkips, from: Date, to: Date, options: { includeSkipped?: boolean } = {}): Occurrence[] {
  const found: Occurrence[] = [];
  if (from.getTime() >= to.getTime()) return found;
  // Everything strictly after (from - 1 ms) is at or after `from`.
  let occurrence = nextOccurrenceDetail(schedule, new Date(from.getTime() - 1), { includeSkipped: true });
  while (occurrence.at.getTime() < to.getTime()) {
    if (options.includeSkipped || !occurrence.skipped) found.push(occurrence);
    occurrence = occurrenceOn(parseLocalDate(occurrence.key)!.plus({ weeks: 1 }), schedule);
  }
  return found;
}

/**
 * The stable key of the occurrence starting at `at`: its local date 'YYYY-MM-DD' in the schedule's
 * zone. For the rare wall-clock time moved past midnight by a gap, the key is still the date the
 * occurrence belongs to, not the date it lands on.
 */
export function occurrenceKey(schedule: ScheduleTiming, at: Date): string {
  const landed = localDateOf(at, schedule);
  const dayBefore = landed.minus({ days: 1 });
  if (dayBefore.weekday === isoWeekday(schedule) && resolve(dayBefore, schedule).getTime() === at.getTime()) return dateKey(dayBefore);
  return dateKey(landed);
}

/** When the reminder for the occurrence at `occurrence` is sent: `reminderMinutes` of elapsed time before it; null when 0. */
export function reminderAt(schedule: Pick<WeeklySchedule, 'reminderMinutes'>, occurrence: Date): Date | null {
  if (schedule.reminderMinutes <= 0) return null;
  return new Date(occurrence.getTime() - schedule.reminderMinutes * 60_000);
}
