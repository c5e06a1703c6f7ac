import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import { suggestTimezones } from '../src/domain/circle/timezone.ts';
import { SCHEDULE_LIMITS } from '../src/domain/schedules/schedule.ts';
import { DEFAULT_MEETING_FORMAT } from '../src/config/meeting-formats.ts';
import { timezoneChoices, weekdayChoices } from '../src/discord/circle-views.ts';
import type { AutocompleteContext, CommandContext } from '../src/discord/command.ts';
import { meetingFormatChoices } from '../src/discord/format-choices.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { VOICE_CHANNEL_TYPES, voiceChannelOption } from '../src/discord/voice-channel.ts';
import { reply, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import { scheduleAdded, scheduleChoices, scheduleList, scheduleRemoved, scheduleSkipped } from '../src/discord/schedule-views.ts';

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
        o
          .setName('weekday')
          .setDescription('Day of the week')
          .setRequired(true)
          .addChoices(...weekdayChoices()),
      )
      .addStringOption((o) => o.setName('time').setDescription('Start time, HH:MM (24-hour)').setRequired(true).setMaxLength(5))
      .addStringOption((o) => o.setName('timezone').setDescription("Time zone (default: the group's)").setAutocomplete(true).setMaxLength(64))
      .addIntegerOption((o) =>
        o
          .setName('duration')
          .setDescription('Length in minutes (default 60)')
          .setMinValue(SCHEDULE_LIMITS.durationMinMinutes)
          .setMaxValue(SCHEDULE_LIMITS.durationMaxMinutes),
      )
      .addIntegerOption((o) =>
        o
          .setName('reminder')
          .setDescription('Reminder, minutes before (default 60; 0 for none)')
          .setMinValue(SCHEDULE_LIMITS.reminderMinMinutes)
          .setMaxValue(SCHEDULE_LIMITS.reminderMaxMinutes),
      )
      .addStringOption((o) =>
        o
          .setName('format')
          .setDescription(`Meeting format (default: ${DEFAULT_MEETING_FORMAT})`)
          .addChoices(...meetingFormatChoices({ withLength: false })),
      )
      .addChannelOption((o) =>
        o
          .setName('voice-channel')
          .setDescription("Voice or Stage channel its meetings talk in (default: the circle's)")
          .addChannelTypes(...VOICE_CHANNEL_TYPES),
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
        ...optional('voiceChannelId', voiceChannelOption(interaction, 'voice-channel') ?? null),
      });
      if (!added.ok) throw new UserFacingError(problemText.schedule(added.error));
      return reply(scheduleAdded(added.value, added.value.circleChannelId));
    }
    case 'list':
      return reply(scheduleList(await services.schedules.list(guildId)));
    case 'remove': {
      const removed = await services.schedules.remove(guildId, interaction.options.getString('schedule', true));
      if (!removed.ok) throw new UserFacingError(problemText.schedule(removed.error));
      return reply(scheduleRemoved(removed.value.schedule));
    }
    case 'skip': {
      const input = interaction.options.getString('date', true).trim();
      const scheduleId = interaction.options.getString('schedule', true);
      const skipped = await services.schedules.skip(guildId, scheduleId, input);
      if (!skipped.ok) throw new UserFacingError(problemText.scheduleSkip(skipped.error, { input }));
      return reply(scheduleSkipped(skipped.value));
    }
  }
}

export async function autocomplete({ interaction, services, guildId }: AutocompleteContext) {
  const focused = interaction.options.getFocused(true);
  if (focused.name === 'timezone') return timezoneChoices(suggestTimezones(focused.value));
  return scheduleChoices(await services.schedules.entries(guildId), focused.value);
}

function optional<K extends string, V>(key: K, value: V | null): Partial<Record<K, V>> {
  return value === null ? {} : ({ [key]: value } as Record<K, V>);
}
