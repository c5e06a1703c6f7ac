import type { ApplicationCommandOptionChoiceData } from 'discord.js';
import type { WeeklySchedule } from '../domain/schedules/schedule.ts';
import { text } from '../texts/texts.ts';
import type { Reply } from './reply.ts';
import { discordTime } from './discord-time.ts';

/** How weekly schedules read to the moderators in `/schedule` answers (reminders and missed meetings are schedule-conductor.ts'). */

/** A schedule with its next meeting, as the schedule service gives them. */
interface Planned {
  readonly entry: { readonly schedule: WeeklySchedule };
  readonly next: Date;
}

function describe(key: 'schedule.added' | 'schedule.list.item', schedule: WeeklySchedule, next: Date): string {
  return text(key, {
    name: schedule.name,
    weekday: text(`weekday.${schedule.weekday}`),
    time: schedule.time,
    timezone: schedule.timezone,
    duration: schedule.durationMinutes,
    format: schedule.format,
    next: discordTime(next, 'F'),
    relative: discordTime(next, 'R'),
  });
}

/** `/schedule add`: the new schedule, its next meeting, and where (and whether) its reminder goes. */
export function scheduleAdded({ entry: { schedule }, next }: Planned, circleChannelId: string | undefined): Reply {
  const reminder =
    schedule.reminderMinutes > 0
      ? text('schedule.reminderNote', { channel: `<#${circleChannelId}>`, minutes: schedule.reminderMinutes })
      : text('schedule.noReminderNote');
  const voice = schedule.voiceChannelId ? ` ${text('voice.scheduleNote', { channel: `<#${schedule.voiceChannelId}>` })}` : '';
  return { content: `${describe('schedule.added', schedule, next)}${voice} ${reminder}` };
}

/** `/schedule list`: one line per schedule, with its next meeting and any dates skipped. */
export function scheduleList(schedules: readonly Planned[]): Reply {
  if (schedules.length === 0) return { content: text('schedule.list.empty') };
  const lines = schedules.map(({ entry, next }) => {
    const line = describe('schedule.list.item', entry.schedule, next);
    return entry.schedule.skipDates.length > 0 ? `${line} ${text('schedule.list.skips', { dates: entry.schedule.skipDates.join(', ') })}` : line;
  });
  return { content: lines.join('\n') };
}

export const scheduleRemoved = (schedule: WeeklySchedule): Reply => ({ content: text('schedule.removed', { name: schedule.name }) });

/** `/schedule skip`: the date skipped, and the meeting after it. */
export function scheduleSkipped({ entry, date, next }: Planned & { readonly date: string }): Reply {
  return { content: text('schedule.skipped', { name: entry.schedule.name, date, next: discordTime(next, 'F') }) };
}

/** Schedules as choices, by name with their day and time, matching what the moderator typed. */
export function scheduleChoices(entries: readonly { readonly schedule: WeeklySchedule }[], typed: string): ApplicationCommandOptionChoiceData<string>[] {
  const query = typed.trim().toLowerCase();
  return entries
    .filter((entry) => query === '' || entry.schedule.name.toLowerCase().includes(query))
    .map((entry) => ({
      name: `${entry.schedule.name} (${text(`day.${entry.schedule.weekday}`)} ${entry.schedule.time})`.slice(0, 100),
      value: entry.schedule.id,
    }));
}
