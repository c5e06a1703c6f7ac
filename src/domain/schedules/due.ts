import type { WeeklySchedule } from './schedule.ts';
import { nextOccurrenceDetail, occurrenceBefore, previousOccurrenceDetail, reminderAt } from './occurrences.ts';

/**
 * Exactly-once decisions for the scheduler, pure: the scheduler passes the key of the last
 * occurrence it handled (started OR recorded as missed) and the current time, acts on the answer, and
 * stores the answer's key BEFORE acting (or atomically with it). Keys are local dates, which sort as
 * strings, so "not yet handled" is simply `key > lastFiredKey`; the second pass through a fall-back
 * hour has the same key and can never make an occurrence due twice.
 */
export type DueOccurrence =
  | { readonly kind: 'none' }
  /** Start now. `late`: more than a minute after the scheduled start (say so in the channel). */
  | { readonly kind: 'start'; readonly at: Date; readonly key: string; readonly late: boolean }
  /** Its whole duration passed while nobody could start it: record it, tell the organizers once. */
  | { readonly kind: 'missed'; readonly at: Date; readonly key: string };

/** Starting within this long of the scheduled minute is on time. */
export const LATE_AFTER_MS = 60_000;

function createdAtMs(schedule: Pick<WeeklySchedule, 'createdAt'>): number {
  const ms = Date.parse(schedule.createdAt);
  if (Number.isNaN(ms)) throw new RangeError(`A schedule's createdAt must be an ISO instant, not "${schedule.createdAt}"`);
  return ms;
}

/**
 * The occurrence to act on now: the latest occurrence at or before `now` that is not skipped, not yet
 * handled (key > lastFiredKey) and not before the schedule was created. 'start' while
 * `now < at + duration`, else 'missed'. Older unhandled occurrences are superseded by it: after a long
 * outage only the latest is reported, once. 'none' when there is no such occurrence.
 */
export function dueOccurrence(schedule: WeeklySchedule, lastFiredKey: string | null, now: Date): DueOccurrence {
  const created = createdAtMs(schedule);
  let occurrence = previousOccurrenceDetail(schedule, now);
  for (;;) {
    if (occurrence.at.getTime() < created) return { kind: 'none' };
    if (lastFiredKey !== null && occurrence.key <= lastFiredKey) return { kind: 'none' };
    if (!occurrence.skipped) break;
    occurrence = occurrenceBefore(schedule, occurrence);
  }
  const { at, key } = occurrence;
  const sinceStart = now.getTime() - at.getTime();
  if (sinceStart < schedule.durationMinutes * 60_000) return { kind: 'start', at, key, late: sinceStart > LATE_AFTER_MS };
  return { kind: 'missed', at, key };
}

export type DueReminder = { readonly kind: 'none' } | { readonly kind: 'remind'; readonly at: Date; readonly key: string; readonly remindAt: Date };

/**
 * The reminder to send now, exactly once per occurrence: for the next occurrence after `now` (not
 * skipped), once its reminder time has come and it has not been reminded (key > lastRemindedKey).
 * A reminder late because the bot was down is still sent while the meeting has not started; once it
 * has started, the reminder is dropped (the meeting's own start message takes its place). No reminder
 * when `reminderMinutes` is 0.
 */
export function dueReminder(schedule: WeeklySchedule, lastRemindedKey: string | null, now: Date): DueReminder {
  const next = nextOccurrenceDetail(schedule, now);
  const remindAt = reminderAt(schedule, next.at);
  if (!remindAt || remindAt.getTime() > now.getTime()) return { kind: 'none' };
  if (lastRemindedKey !== null && next.key <= lastRemindedKey) return { kind: 'none' };
  return { kind: 'remind', at: next.at, key: next.key, remindAt };
}
