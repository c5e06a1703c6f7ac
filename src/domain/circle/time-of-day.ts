import { err, ok, type Result } from '../result.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A wall-clock time, always written back as zero-padded `HH:MM`. */
export interface TimeOfDay {
  readonly hour: number;
  readonly minute: number;
}

export function parseTimeOfDay(input: string): Result<TimeOfDay, 'invalid-time'> {
  const match = /^(\d{1,2}):(\d{2})$/.exec(input.trim());
  if (!match) return err('invalid-time');
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  if (hour > 23 || minute > 59) return err('invalid-time');
  return ok({ hour, minute });
}

export function formatTimeOfDay(time: TimeOfDay): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}
