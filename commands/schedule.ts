import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import { WEEKDAYS } from '../src/domain/circle/time-of-day.ts';
import { suggestTimezones } from '../src/domain/circle/timezone.ts';
import { SCHEDULE_LIMITS, type WeeklySchedule } from '../src/domain/schedules/schedule.ts';
import { DEFAULT_MEETING_FORMAT } from '../src/config/meeting-formats.ts';
import type { AutocompleteContext, CommandContext } from '../src/discord/command.ts';
import { meetingFormatChoices } from '../src/discord/format-choices.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { reply, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import { text } from '../src/texts/texts.ts';


export const definition = new SlashCommandBuilder()
  .setName('schedule')
  .setDescription('Weekly meetings that start by themselves')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageEvents)
  .addSubcommand((s) =>
    s
      .setName('add')
      .setDescription('Meet every week at a set time')
      .addStringOption((o) => o.setName('name').setDescription('What to call the meeting').setRequired(true).setMaxLength(SCHEDULE_LIMITS.nameMaxLength))
      .addStringOption((o) =>
        o.setName('weekday').setDescription('Day of the week').setRequired(true).addChoices(...WEEKDAYS.map((day) => ({ name: text(`day.${day}`), value: day }))),
      )
      .addStringOption((o) => o.setName('time').setDescription('Start time, HH:MM (24-hour)').setRequired(true).setMaxLength(5))
      .addStringOption((o) => o.setName('timezone').setDescription("Time zone (default: the group's)").setAutocomplete(true).setMaxLength(64))
      .addIntegerOption((o) =>
        o.setName('duration').setDescription('Length in minutes (default 60)').setMinValue(SCHEDULE_LIMITS.durationMinMinutes).setMaxValue(SCHEDULE_LIMITS.durationMaxMinutes),
      )
      .addIntegerOption((o) =>
        o.setName('reminder').setDescription('Reminder, minutes before (default 60; 0 for none)').setMinValue(SCHEDULE_LIMITS.reminderMinMinutes).setMaxValue(SCHEDULE_LIMITS.reminderMaxMinutes),
      )
      .addStringOption((o) =>
        o
          .setName('format')
          .setDescription(`Meeting format (default: ${DEFAULT_MEETING_FORMAT})`)
          .addChoices(...meetingFormatChoices({ withLength: false })),
      ),
  )
  .addSubcommand((s) => s.setName('list').setDescription('The schedules, with their next meetings'))
  .addSubcommand((s) =>
    s
      .setName('remove')
      .setDescription('Stop a weekly meeting')
      .addStringOption((o) => o.setName('schedule').setDescription('Which schedule').setRequired(true).setAutocomplete(true).setMaxLength(100)),
  )
  .addSubcommand((s) =>
    s
      .setName('skip')
      .setDescription('Skip one date (a holiday)')
      .addStringOption((o) => o.setName('schedule').setDescription('Which schedule').setRequired(true).setAutocomplete(true).setMaxLength(100))
      .addStringOption((o) => o.setName('date').setDescription('The date to skip, YYYY-MM-DD').setRequired(true).setMaxLength(10)),
  )
  .toJSON();

export const access = 'moderator';

const stamp = (at: Date, style: 'F' | 'R' | 'D') => `<t:${Math.floor(at.getTime() / 1000)}:${style}>`;
const subcommand = z.enum(['add', 'list', 'remove', 'skip']);

export async function execute(context: CommandContext): Promise<Outcome> {
  const { interaction, services, guildId } = context;
  switch (subcommand.parse(interaction.options.getSubcommand(true))) {
    case 'add': {
      const added = await services.schedules.add(guildId, {
        name: interaction.options.getString('name', true),
        weekday: interaction.options.getString('weekday', true),
        time: interaction.options.getString('time', true),
        ...optional('timezone', interaction.options.getString('timezone')),
        ...optional('durationMinutes', interaction.options.getInteger('duration')),
        ...optional('reminderMinutes', interaction.options.getInteger('reminder')),
        ...optional('format', interaction.options.getString('format')),
      });
      if (!added.ok) throw new UserFacingError(problemText.schedule(added.error));
      const settings = await services.circle.settings(guildId);
      const { schedule } = added.value.entry;
      const reminder = schedule.reminderMinutes > 0 ? text('schedule.reminderNote', { channel: `<#${settings?.circleChannelId}>`, minutes: schedule.reminderMinutes }) : text('schedule.noReminderNote');
      return reply({ content: `${describe('schedule.added', schedule, added.value.next)} ${reminder}` });
    }
    case 'list': {
      const schedules = await services.schedules.list(guildId);
      if (schedules.length === 0) return reply({ content: text('schedule.list.empty') });
      const lines = schedules.map(({ entry, next }) => {
        const line = describe('schedule.list.item', entry.schedule, next);
        return entry.schedule.skipDates.length > 0 ? `${line} ${text('schedule.list.skips', { dates: entry.schedule.skipDates.join(', ') })}` : line;
      });
      return reply({ content: lines.join('\n') });
    }
    case 'remove': {
      const removed = await services.schedules.remove(guildId, interaction.options.getString('schedule', true));
      if (!removed.ok) throw new UserFacingError(problemText.schedule(removed.error));
      return reply({ content: text('schedule.removed', { name: removed.value.schedule.name }) });
    }
    case 'skip': {
      const input = interaction.options.getString('date', true).trim();
      const scheduleId = interaction.options.getString('schedule', true);
      const skipped = await services.schedules.skip(guildId, scheduleId, input);
      if (!skipped.ok) {
        const name = (await services.schedules.find(guildId, scheduleId))?.schedule.name ?? '';
        throw new UserFacingError(problemText.scheduleSkip(skipped.error, { input, name }));
      }
      return reply({ content: text('schedule.skipped', { name: skipped.value.entry.schedule.name, date: skipped.value.date, next: stamp(skipped.value.next, 'F') }) });
    }
  }
}

export async function autocomplete({ interaction, services, guildId }: AutocompleteContext) {
  const focused = interaction.options.getFocused(true);
  if (focused.name === 'timezone') return suggestTimezones(focused.value).map((zone) => ({ name: zone, value: zone }));
  const typed = focused.value.trim().toLowerCase();
  return (await services.schedules.entries(guildId))
    .filter((entry) => typed === '' || entry.schedule.name.toLowerCase().includes(typed))
    .map((entry) => ({ name: `${entry.schedule.name} (${text(`day.${entry.schedule.weekday}`)} ${entry.schedule.time})`.slice(0, 100), value: entry.schedule.id }));
}

function optional<K extends string, V>(key: K, value: V | null): Partial<Record<K, V>> {
  return value === null ? {} : ({ [key]: value } as Record<K, V>);
}

function describe(key: 'schedule.added' | 'schedule.list.item', schedule: WeeklySchedule, next: Date): string {
  return text(key, {
    name: schedule.name,
    weekday: text(`weekday.${schedule.weekday}`),
    time: schedule.time,
    timezone: schedule.timezone,
    duration: schedule.durationMinutes,
    format: schedule.format,
    next: stamp(next, 'F'),
    relative: stamp(next, 'R'),
  });
}
