import type { WeeklySchedule } from '../../../src/domain/schedules/schedule.ts';

export function schedule(overrides: Partial<WeeklySchedule> = {}): WeeklySchedule {
  return {
    id: 's1',
    name: 'Tuesday circle',
    weekday: 'tue',
    time: '18:00',
    timezone: 'America/New_York',
    durationMinutes: 60,
    reminderMinutes: 60,
    format: 'grow',
    skipDates: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export const at = (iso: string): Date => new Date(iso);
