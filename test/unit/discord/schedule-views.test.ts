import { describe, expect, it } from 'vitest';
import { scheduleAdded, scheduleChoices, scheduleList } from '../../../src/discord/schedule-views.ts';
import type { WeeklySchedule } from '../../../src/domain/schedules/schedule.ts';

const schedule = {
  id: 's1',
  name: 'Tuesday circle',
  weekday: 'tue',
  time: '19:00',
  timezone: 'Europe/London',
  durationMinutes: 60,
  reminderMinutes: 30,
  format: 'grow',
  skipDates: [],
} as unknown as WeeklySchedule;
const next = new Date('2026-06-02T18:00:00.000Z');
const at = (style: string) => `<t:${next.getTime() / 1000}:${style}>`;

describe('/schedule answers', () => {
  it('GIVEN a schedule with a reminder THEN the answer says when it meets next and where the reminder goes', () => {
    expect(scheduleAdded({ entry: { schedule }, next }, '900').content).toBe(
      `Scheduled: **Tuesday circle**, Tuesdays at 19:00 (Europe/London), 60 minutes, grow format. The next one is ${at('F')} (${at('R')}); everyone sees that in their own time. A reminder goes to <#900> 30 minutes before.`,
    );
    expect(scheduleAdded({ entry: { schedule: { ...schedule, reminderMinutes: 0 } }, next }, '900').content).toMatch(/ No reminder will be sent\.$/);
  });

  it('GIVEN schedules, one with skipped dates THEN the list has a line each, the skips after its line', () => {
    const lines = scheduleList([
      { entry: { schedule }, next },
      { entry: { schedule: { ...schedule, name: 'Other', skipDates: ['2026-06-09', '2026-06-16'] } }, next },
    ]).content!.split('\n');
    expect(lines).toEqual([
      `**Tuesday circle**: Tuesdays at 19:00 (Europe/London), 60 min, grow. Next: ${at('F')} (${at('R')}).`,
      `**Other**: Tuesdays at 19:00 (Europe/London), 60 min, grow. Next: ${at('F')} (${at('R')}). Skipped: 2026-06-09, 2026-06-16.`,
    ]);
    expect(scheduleList([]).content).toBe('There are no schedules yet. /schedule add creates one.');
  });

  it('GIVEN what the moderator typed THEN matching schedules are offered by name, day and time', () => {
    const entries = [{ schedule }, { schedule: { ...schedule, id: 's2', name: 'Sunday walk', weekday: 'sun' as const } }];
    expect(scheduleChoices(entries, ' SUN')).toEqual([{ name: 'Sunday walk (Sunday 19:00)', value: 's2' }]);
    expect(scheduleChoices(entries, '').map((choice) => choice.value)).toEqual(['s1', 's2']);
  });
});
