import { formatTimeOfDay, parseTimeOfDay, WEEKDAYS, type Weekday } from '../circle/time-of-day.ts';
import { resolveTimezone } from '../circle/timezone.ts';
import { FORMAT_LIMITS } from '../meetings/format.ts';
import { err, ok, type Result } from '../result.ts';

/** A weekly meeting at a wall-clock time in a time zone (`/schedule add`). */
export interface WeeklySchedule {
  readonly id: string;
  /** 1-100 characters. */
  readonly name: string;
  readonly weekday: Weekday;
  /** 'HH:MM', local wall-clock time in {@link timezone}. */
  readonly time: string;
  /** IANA zone name, as `resolveTimezone` spells it. */
  readonly timezone: string;
  /** 15-240 whole minutes. */
  readonly durationMinutes: number;
  /** 0-1440 whole minutes before the start; 0 means no reminder. */
  readonly reminderMinutes: number;
  /** The meeting format's name (a slug such as `grow`). */
  readonly format: string;
  /** The voice or Stage channel its meetings talk in; absent: the circle's default (and in schedules saved before voice meetings). */
  readonly voiceChannelId?: string;
  /** Local dates 'YYYY-MM-DD' of occurrences that will not happen. */
  readonly skipDates: readonly string[];
  /** ISO 8601 instant. Occurrences before it never become due. */
  readonly createdAt: string;
}

export const SCHEDULE_LIMITS = {
  nameMinLength: 1,
  nameMaxLength: 100,
  durationMinMinutes: 15,
  durationMaxMinutes: 240,
  reminderMinMinutes: 0,
  reminderMaxMinutes: 1440,
} as const;

export const SCHEDULE_DEFAULTS = {
  durationMinutes: 60,
  reminderMinutes: 60,
  format: 'grow',
} as const;

/** What a command received, before anything is checked. Absent optional fields take the defaults. */
export interface ScheduleInput {
  readonly name: string;
  /** 'mon'...'sun' or the full English name, any case. */
  readonly weekday: string;
  /** 'HH:MM' (or 'H:MM'), 24-hour. */
  readonly time: string;
  /** IANA zone; the command passes the circle's zone when the member gave none. */
  readonly timezone: string;
  readonly durationMinutes?: number;
  readonly reminderMinutes?: number;
  readonly format?: string;
  readonly voiceChannelId?: string;
}

/** The checked, normalised fields; storage adds `id`, `skipDates: []` and `createdAt`. */
export type ScheduleFields = Omit<WeeklySchedule, 'id' | 'skipDates' | 'createdAt'>;

export type ScheduleProblem =
  | { readonly kind: 'name-length'; readonly field: 'name'; readonly length: number; readonly min: number; readonly max: number }
  | { readonly kind: 'invalid-weekday'; readonly field: 'weekday'; readonly input: string; readonly allowed: readonly Weekday[] }
  | { readonly kind: 'invalid-time'; readonly field: 'time'; readonly input: string; readonly expected: 'HH:MM, 00:00-23:59' }
  | { readonly kind: 'unknown-timezone'; readonly field: 'timezone'; readonly input: string }
  | {
      readonly kind: 'out-of-range';
      readonly field: 'durationMinutes' | 'reminderMinutes';
      readonly input: number;
      /** Whole minutes, inclusive. */
      readonly min: number;
      readonly max: number;
    }
  | { readonly kind: 'invalid-format-name'; readonly field: 'format'; readonly input: string; readonly maxLength: number };

const FULL_WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function parseWeekday(input: string): Weekday | null {
  const lower = input.trim().toLowerCase();
  const index = Math.max(WEEKDAYS.indexOf(lower as Weekday), (FULL_WEEKDAYS as readonly string[]).indexOf(lower));
  return index < 0 ? null : WEEKDAYS[index]!;
}

function inRange(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Checks and normalises a new schedule. Every problem is reported, each naming its field and the
 * allowed range, so nothing is stored unless everything is right. Whether the format exists is the
 * caller's check (formats are loaded from files); here only its name's shape is checked.
 */
export function checkScheduleInput(input: ScheduleInput): Result<ScheduleFields, ScheduleProblem[]> {
  const problems: ScheduleProblem[] = [];
  const { nameMinLength, nameMaxLength, durationMinMinutes, durationMaxMinutes, reminderMinMinutes, reminderMaxMinutes } = SCHEDULE_LIMITS;

  const name = input.name.trim();
  if (name.length < nameMinLength || name.length > nameMaxLength) {
    problems.push({ kind: 'name-length', field: 'name', length: name.length, min: nameMinLength, max: nameMaxLength });
  }

  const weekday = parseWeekday(input.weekday);
  if (!weekday) problems.push({ kind: 'invalid-weekday', field: 'weekday', input: input.weekday, allowed: WEEKDAYS });

  const time = parseTimeOfDay(input.time);
  if (!time.ok) problems.push({ kind: 'invalid-time', field: 'time', input: input.time, expected: 'HH:MM, 00:00-23:59' });

  const timezone = resolveTimezone(input.timezone);
  if (!timezone.ok) problems.push({ kind: 'unknown-timezone', field: 'timezone', input: input.timezone });

  const durationMinutes = input.durationMinutes ?? SCHEDULE_DEFAULTS.durationMinutes;
  if (!inRange(durationMinutes, durationMinMinutes, durationMaxMinutes)) {
    problems.push({ kind: 'out-of-range', field: 'durationMinutes', input: durationMinutes, min: durationMinMinutes, max: durationMaxMinutes });
  }

  const reminderMinutes = input.reminderMinutes ?? SCHEDULE_DEFAULTS.reminderMinutes;
  if (!inRange(reminderMinutes, reminderMinMinutes, reminderMaxMinutes)) {
    problems.push({ kind: 'out-of-range', field: 'reminderMinutes', input: reminderMinutes, min: reminderMinMinutes, max: reminderMaxMinutes });
  }

  const format = (input.format ?? SCHEDULE_DEFAULTS.format).trim();
  if (!SLUG.test(format) || format.length > FORMAT_LIMITS.slugMaxLength) {
    problems.push({ kind: 'invalid-format-name', field: 'format', input: input.format ?? '', maxLength: FORMAT_LIMITS.slugMaxLength });
  }

  if (problems.length > 0 || !weekday || !time.ok || !timezone.ok) return err(problems);
  const voice = input.voiceChannelId ? { voiceChannelId: input.voiceChannelId } : {};
  return ok({ name, weekday, time: formatTimeOfDay(time.value), timezone: timezone.value, durationMinutes, reminderMinutes, format, ...voice });
}
