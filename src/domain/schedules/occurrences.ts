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

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/*
 * Local calendar dates are handled as zone-less day numbers (days since 1970-01-01): stepping a week
 * is adding 7, with no time zone involved. Only turning a date and a wall-clock time into an instant,
 * and an instant into a local date, are zone maths, and those are luxon's.
 */

/** The day number of 'YYYY-MM-DD', or null if it is not a real calendar date. */
export function dayNumber(date: string): number | null {
  const match = ISO_DATE.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return ms / DAY_MS;
}

/** 'YYYY-MM-DD' of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 1 (Monday) ... 7 (Sunday) of a day number (1970-01-01 was a Thursday). */
function weekdayOfDay(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** 1 (Monday) ... 7 (Sunday) of the schedule's weekday. */
function isoWeekday(schedule: Pick<WeeklySchedule, 'weekday'>): number {
  const index = WEEKDAYS.indexOf(schedule.weekday);
  if (index < 0) throw new RangeError(`Unknown weekday "${String(schedule.weekday)}"`);
  return index + 1;
}

/** The day number of the schedule's weekday on or before `day` (0-6 days back). */
export function weekdayOnOrBefore(day: number, schedule: Pick<WeeklySchedule, 'weekday'>): number {
  return day - ((weekdayOfDay(day) - isoWeekday(schedule) + 7) % 7);
}

function wallClock(time: string): { hour: number; minute: number } {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 23 || minute > 59) throw new RangeError(`A schedule's time must be 'HH:MM', not "${time}"`);
  return { hour, minute };
}

/*
 * Resolving a wall-clock time costs a few Intl calls, and a scheduler tick asks about the same
 * (zone, date, time) for every schedule sharing them, every tick. The answer never changes for a
 * given runtime (the zone rules are fixed for the process), so it is remembered; the memory is
 * bounded by starting afresh when full.
 */
const resolved = new Map<string, number>();
const RESOLVED_MAX = 50_000;

/** Forgets remembered instants, so a test can see luxon's answer under a different machine clock. */
export function clearResolvedTimes(): void {
  resolved.clear();
}

/**
 * The instant of `time` on local day `day` in `timezone`, by the rules above. The schedule was
 * checked when it was made, so an unknown zone here is a programming error and throws.
 */
function resolve(day: number, schedule: ScheduleTiming): Date {
  const cacheKey = `${schedule.timezone}|${schedule.time}|${day}`;
  const cached = resolved.get(cacheKey);
  if (cached !== undefined) return new Date(cached);

  const { hour, minute } = wallClock(schedule.time);
  const date = new Date(day * DAY_MS);
  const local = DateTime.fromObject(
    { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute },
    { zone: schedule.timezone },
  );
  if (!local.isValid) {
    throw new RangeError(
      `Cannot place ${dateOfDay(day)} ${schedule.time} in time zone "${schedule.timezone}": ${local.invalidExplanation ?? local.invalidReason}`,
    );
  }
  // Spring forward: luxon has already moved a missing time forward by the gap. Fall back: of the
  // instants with this wall-clock time, the earliest.
  const earliest = Math.min(...local.getPossibleOffsets().map((candidate) => candidate.toMillis()));

  if (resolved.size >= RESOLVED_MAX) resolved.clear();
  resolved.set(cacheKey, earliest);
  return new Date(earliest);
}

function occurrenceOn(day: number, schedule: ScheduleWithSkips): Occurrence {
  const key = dateOfDay(day);
  return { key, at: resolve(day, schedule), skipped: schedule.skipDates.includes(key) };
}

/** The day number of `at`'s UTC date; its local date in any zone is within a day of it. */
function utcDayOf(at: Date): number {
  return Math.floor(at.getTime() / DAY_MS);
}

/** The local day number of `at` in the schedule's zone. */
function localDayOf(at: Date, schedule: Pick<WeeklySchedule, 'timezone'>): number {
  const local = DateTime.fromJSDate(at, { zone: schedule.timezone });
  if (!local.isValid)
    throw new RangeError(`Cannot place ${at.toISOString()} in time zone "${schedule.timezone}": ${local.invalidExplanation ?? local.invalidReason}`);
  return Date.UTC(local.year, local.month - 1, local.day) / DAY_MS;
}

/** 'YYYY-MM-DD' of `at` in the schedule's zone. */
export function localDateKeyOf(schedule: Pick<WeeklySchedule, 'timezone'>, at: Date): string {
  return dateOfDay(localDayOf(at, schedule));
}

/**
 * The occurrence on the local date `localDate` ('YYYY-MM-DD'), whether or not it is skipped; null if
 * that date is not a real date or not the schedule's weekday.
 */
export function occurrenceAt(schedule: ScheduleTiming, localDate: string): Date | null {
  const day = dayNumber(localDate);
  if (day === null || weekdayOfDay(day) !== isoWeekday(schedule)) return null;
  return resolve(day, schedule);
}

/**
 * The first occurrence strictly after `after`. Skipped dates are passed over unless `includeSkipped`.
 */
export function nextOccurrence(schedule: ScheduleWithSkips, after: Date, options: { includeSkipped?: boolean } = {}): Date {
  return nextOccurrenceDetail(schedule, after, options).at;
}

/** {@link nextOccurrence} with its key and whether it is skipped. */
export function nextOccurrenceDetail(schedule: ScheduleWithSkips, after: Date, options: { includeSkipped?: boolean } = {}): Occurrence {
  // Occurrences on later local dates start later, so any start no later than the answer's date
  // works. `after`'s local date is at least its UTC date minus one (no zone is more than a day behind
  // UTC), and starting there needs no zone lookup: the scheduler asks every tick.
  let day = weekdayOnOrBefore(utcDayOf(after) - 1, schedule);
  for (;;) {
    const occurrence = occurrenceOn(day, schedule);
    if (occurrence.at.getTime() > after.getTime() && (options.includeSkipped || !occurrence.skipped)) return occurrence;
    day += 7;
  }
}

/**
 * The latest occurrence at or before `atOrBefore`, skipped or not (callers filter). Any start no
 * earlier than the answer's date works: `atOrBefore`'s local date is at most its UTC date plus one.
 */
export function previousOccurrenceDetail(schedule: ScheduleWithSkips, atOrBefore: Date): Occurrence {
  let day = weekdayOnOrBefore(utcDayOf(atOrBefore) + 1, schedule);
  for (;;) {
    const occurrence = occurrenceOn(day, schedule);
    if (occurrence.at.getTime() <= atOrBefore.getTime()) return occurrence;
    day -= 7;
  }
}

/** The occurrence a week before `occurrence` (skipped or not). */
export function occurrenceBefore(schedule: ScheduleWithSkips, occurrence: Occurrence): Occurrence {
  return occurrenceOn(dayNumber(occurrence.key)! - 7, schedule);
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
    occurrence = occurrenceOn(dayNumber(occurrence.key)! + 7, schedule);
  }
  return found;
}

/**
 * The stable key of the occurrence starting at `at`: its local date 'YYYY-MM-DD' in the schedule's
 * zone. For the rare wall-clock time moved past midnight by a gap, the key is still the date the
 * occurrence belongs to, not the date it lands on.
 */
export function occurrenceKey(schedule: ScheduleTiming, at: Date): string {
  const landed = localDayOf(at, schedule);
  const dayBefore = landed - 1;
  if (weekdayOfDay(dayBefore) === isoWeekday(schedule) && resolve(dayBefore, schedule).getTime() === at.getTime()) return dateOfDay(dayBefore);
  return dateOfDay(landed);
}

/** When the reminder for the occurrence at `occurrence` is sent: `reminderMinutes` of elapsed time before it; null when 0. */
export function reminderAt(schedule: Pick<WeeklySchedule, 'reminderMinutes'>, occurrence: Date): Date | null {
  if (schedule.reminderMinutes <= 0) return null;
  return new Date(occurrence.getTime() - schedule.reminderMinutes * 60_000);
}
