import { ChannelType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import { CRISIS_RESOURCES_MAX_LENGTH } from '../src/domain/circle/circle-settings.ts';
import { WEEKDAYS } from '../src/domain/circle/time-of-day.ts';
import { suggestTimezones } from '../src/domain/circle/timezone.ts';
import { circleNotSetUp, circleSaved, circleShown, timezoneChoices, weekdayChoices } from '../src/discord/circle-views.ts';
import type { AutocompleteContext, CommandContext } from '../src/discord/command.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { VOICE_CHANNEL_TYPES, voiceChannelOption } from '../src/discord/voice-channel.ts';
import { safetyChecklist } from '../src/discord/safety-checklist.ts';
import { reply, UserFacingError, type Outcome } from '../src/discord/reply.ts';

const TEXT_CHANNELS = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

export const definition = new SlashCommandBuilder()
  .setName('circle')
  .setDescription("Set up this server's Helper Circle")
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((sub) =>
    sub
      .setName('setup')
      .setDescription('Choose the circle channel, moderators, time zone, crisis text and reflection time')
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('Where meetings and help requests happen')
          .setRequired(true)
          .addChannelTypes(...TEXT_CHANNELS),
      )
      .addRoleOption((o) => o.setName('moderator-role').setDescription('Members who moderate the circle'))
      .addRoleOption((o) => o.setName('member-role').setDescription('Members of the circle (reminders may mention it)'))
      .addChannelOption((o) =>
        o
          .setName('mod-channel')
          .setDescription("Private channel for moderators' alerts")
          .addChannelTypes(...TEXT_CHANNELS),
      )
      .addStringOption((o) => o.setName('timezone').setDescription("The group's time zone, e.g. Europe/London").setAutocomplete(true).setMaxLength(64))
      .addStringOption((o) =>
        o.setName('crisis-resources').setDescription('Helplines and emergency numbers shown to members in distress').setMaxLength(CRISIS_RESOURCES_MAX_LENGTH),
      )
      .addStringOption((o) =>
        o
          .setName('reflection-day')
          .setDescription('Day of the weekly reflection')
          .addChoices(...weekdayChoices()),
      )
      .addStringOption((o) => o.setName('reflection-time').setDescription("Time of the weekly reflection, HH:MM (24-hour, group's time zone)").setMaxLength(5))
      .addRoleOption((o) => o.setName('crisis-ping-role').setDescription('Role to notify on crisis alerts (and only on them)'))
      .addChannelOption((o) =>
        o
          .setName('voice-channel')
          .setDescription('Voice or Stage channel meetings talk in, by default')
          .addChannelTypes(...VOICE_CHANNEL_TYPES),
      ),
  )
  .addSubcommand((sub) => sub.setName('show').setDescription('See how the circle is set up'))
  .toJSON();

/** Changing the set-up needs Manage Server; seeing it is open to the circle's moderators too. */
export const access = (subcommand: string | null) => (subcommand === 'show' ? 'moderator' : 'manager');

const setupOptions = z.object({
  circleChannelId: z.string(),
  moderatorRoleId: z.string().optional(),
  memberRoleId: z.string().optional(),
  modChannelId: z.string().optional(),
  timezone: z.string().optional(),
  crisisResources: z.string().optional(),
  crisisPingRoleId: z.string().optional(),
  reflectionDay: z.enum(WEEKDAYS).optional(),
  reflectionTime: z.string().optional(),
  voiceChannelId: z.string().optional(),
});

export async function execute({ interaction, guildId, userId, services, client }: CommandContext): Promise<Outcome> {
  if (interaction.options.getSubcommand() === 'show') {
    const settings = await services.circle.settings(guildId);
    if (!settings) return reply(circleNotSetUp());
    return reply(circleShown(settings, await safetyChecklist(client, guildId, settings)));
  }
  const change = setupOptions.parse({
    // Discord itself only offers channels of the types the option allows (TEXT_CHANNELS).
    circleChannelId: interaction.options.getChannel('channel', true).id,
    moderatorRoleId: interaction.options.getRole('moderator-role')?.id,
    memberRoleId: interaction.options.getRole('member-role')?.id,
    modChannelId: interaction.options.getChannel('mod-channel')?.id,
    timezone: interaction.options.getString('timezone') ?? undefined,
    crisisResources: interaction.options.getString('crisis-resources') ?? undefined,
    crisisPingRoleId: interaction.options.getRole('crisis-ping-role')?.id,
    reflectionDay: interaction.options.getString('reflection-day') ?? undefined,
    reflectionTime: interaction.options.getString('reflection-time') ?? undefined,
    voiceChannelId: voiceChannelOption(interaction, 'voice-channel'),
  });
  const saved = await services.circle.setup(guildId, userId, change);
  if (!saved.ok) throw new UserFacingError(problemText.circle(saved.error));
  return reply(circleSaved(saved.value, await safetyChecklist(client, guildId, saved.value)));
}

export async function autocomplete({ interaction }: AutocompleteContext) {
  return timezoneChoices(suggestTimezones(interaction.options.getFocused()));
}
