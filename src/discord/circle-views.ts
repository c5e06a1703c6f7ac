import type { APIEmbed, ApplicationCommandOptionChoiceData } from 'discord.js';
import type { CircleSettings } from '../domain/circle/circle-settings.ts';
import { WEEKDAYS, type Weekday } from '../domain/circle/time-of-day.ts';
import { text } from '../texts/texts.ts';
import type { Reply } from './reply.ts';

/** How the circle's set-up reads to the moderators: `/circle show` and the answer to `/circle setup`. */

export const circleNotSetUp = (): Reply => ({ content: text('circle.show.notSetUp') });

/** `/circle show`: the settings, with the safety checklist the bot checked (safety-checklist.ts). */
export const circleShown = (settings: CircleSettings, checklist: string): Reply => ({ embeds: [settingsEmbed(settings, checklist)] });

/** `/circle setup`: saved, and how the circle now reads. */
export const circleSaved = (settings: CircleSettings, checklist: string): Reply => ({
  content: text('circle.setup.saved'),
  embeds: [settingsEmbed(settings, checklist)],
});

/** The days of the week as an option's choices, by name (`/circle setup`, `/schedule add`). */
export const weekdayChoices = (): ApplicationCommandOptionChoiceData<Weekday>[] => WEEKDAYS.map((day) => ({ name: text(`day.${day}`), value: day }));

/** Time zones as choices (`/circle setup`, `/schedule add`). */
export const timezoneChoices = (zones: readonly string[]): ApplicationCommandOptionChoiceData<string>[] => zones.map((zone) => ({ name: zone, value: zone }));

export function settingsEmbed(settings: CircleSettings, checklist: string): APIEmbed {
  const orNotSet = (value: string | null) => value ?? text('circle.show.notSet');
  const changedAt = Math.floor(Date.parse(settings.updatedAt) / 1000);
  return {
    title: text('circle.show.title'),
    fields: [
      { name: text('circle.show.channel'), value: `<#${settings.circleChannelId}>`, inline: true },
      { name: text('circle.show.modChannel'), value: orNotSet(settings.modChannelId && `<#${settings.modChannelId}>`), inline: true },
      { name: text('circle.show.moderatorRole'), value: orNotSet(settings.moderatorRoleId && `<@&${settings.moderatorRoleId}>`), inline: true },
      { name: text('circle.show.memberRole'), value: orNotSet(settings.memberRoleId && `<@&${settings.memberRoleId}>`), inline: true },
      { name: text('circle.show.timezone'), value: settings.timezone, inline: true },
      ...(settings.voiceChannelId ? [{ name: text('voice.circleShow'), value: `<#${settings.voiceChannelId}>`, inline: true }] : []),
      {
        name: text('circle.show.reflection'),
        value: text('circle.show.reflectionValue', {
          day: text(`weekday.${settings.reflectionDay}`),
          time: settings.reflectionTime,
          timezone: settings.timezone,
        }),
        inline: true,
      },
      {
        name: text('circle.show.crisisResources'),
        value: settings.crisisResources ?? text('circle.show.crisisDefault', { defaultText: text('crisis.default') }),
      },
      { name: text('checklist.title'), value: checklist },
      { name: text('circle.show.lastChanged'), value: `<t:${changedAt}:R>` },
    ],
  };
}
