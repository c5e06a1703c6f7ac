import { SlashCommandBuilder, type APIEmbed } from 'discord.js';
import type { CommandContext } from '../src/discord/command.ts';
import { helpProblemText } from '../src/discord/help-actions.ts';
import { reply, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import type { MemberTally } from '../src/domain/help/tally.ts';
import type { MemberStats } from '../src/services/help-service.ts';
import { text } from '../src/texts/texts.ts';

export const definition = new SlashCommandBuilder().setName('stats').setDescription('See your own giving and receiving of help (only you see it)').toJSON();

export const access = 'member';

export async function execute({ services, guildId, userId }: CommandContext): Promise<Outcome> {
  const stats = await services.help.stats(guildId, userId);
  if (!stats.ok) throw new UserFacingError(helpProblemText(stats.error));
  // The same question the group's weekly reflection asks this week, for the member's own thinking.
  const prompts = await services.reflections.promptsThisWeek(guildId);
  return reply({ embeds: [renderStats(stats.value, prompts?.helping ?? null)] });
}

const counts = (tally: MemberTally) => text('stats.counts', { given: tally.given, received: tally.received, requests: tally.requests });

/** The member's own picture: no ranks, no comparison with anyone named. */
function renderStats(stats: MemberStats, helpingPrompt: string | null): APIEmbed {
  const description = [text(`stats.type.${stats.type}`)];
  if (stats.recordingPaused) description.push(text('stats.paused'));
  return {
    title: text('stats.title'),
    description: description.join('\n\n'),
    fields: [
      { name: text('stats.week'), value: counts(stats.week), inline: true },
      { name: text('stats.window', { days: stats.windowDays }), value: counts(stats.window), inline: true },
      { name: text('stats.typeHeading'), value: text(`stats.typeLabel.${stats.type}`) },
      { name: text('stats.suggestionHeading'), value: text(stats.suggestion) },
      ...(helpingPrompt ? [{ name: text('stats.reflectHeading'), value: helpingPrompt }] : []),
    ],
    footer: { text: text('stats.footer') },
  };
}
