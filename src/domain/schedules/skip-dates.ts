import { err, ok, type Result } from '../result.ts';
import { dateOfDay, dayNumber, localDateKeyOf, occurrenceAt, weekdayOnOrBefore } from './occurrences.ts';
import type { WeeklySchedule } from './schedule.ts';

export type SkipDateProblem =
  /** Not a 'YYYY-MM-DD' calendar date (e.g. '2026-02-30', '24/11/2026'). */
  | { readonly kind: 'invalid-date' }
  /** The local date has passed, or its occurrence has already started. */
  | { readonly kind: 'in-the-past' }
  /**
   * The date is not on the schedule's weekday. `nearest`: the occurrence dates just before and just
   * after it (the one before may itself be in the past); `name`: the schedule's, to say which one.
   */
  | { readonly kind: 'not-an-occurrence'; readonly nearest: readonly [string, string]; readonly name: string };

/**
 * Checks a date a member wants to skip (`/schedule skip`): a real local date in the schedule's zone,
 * on the schedule's weekday, whose occurrence has not started yet at `now`. Returns the date as
 * 'YYYY-MM-DD'. A date already skipped is accepted again (skipping is idempotent).
 */
export function checkSkipDate(schedule: WeeklySchedule, date: string, now: Date): Result<string, SkipDateProblem> {
  const day = dayNumber(date.trim());
  if (day === null) return err({ kind: 'invalid-date' });
  const key = dateOfDay(day);
  if (key < localDateKeyOf(schedule, now)) return err({ kind: 'in-the-past' });
  const occurrence = occurrenceAt(schedule, key);
  if (!occurrence) {
    const before = weekdayOnOrBefore(day, schedule);
    return err({ kind: 'not-an-occurrence', nearest: [dateOfDay(before), dateOfDay(before + 7)], name: schedule.name });
  }
  if (occurrence.getTime() <= now.getTime()) return err({ kind: 'in-the-past' });
  return ok(key);
}

/** The schedule's skip dates with `date` added: sorted, each once. */
export function withSkipDate(schedule: WeeklySchedule, date: string): WeeklySchedule {
  return { ...schedule, skipDates: [...new Set([...schedule.skipDates, date])].sort() };
}
