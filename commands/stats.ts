import { SlashCommandBuilder, type APIEmbed } from 'discord.js';
import type { CommandContext } from '../src/discord/command.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { promptLines } from '../src/discord/reflection-posts.ts';
import { reply, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import type { MemberTally } from '../src/domain/help/tally.ts';
import type { MemberStats } from '../src/services/help-service.ts';
import { text } from '../src/texts/texts.ts';

export const definition = new SlashCommandBuilder().setName('stats').setDescription('See your own giving and receiving of help (only you see it)').toJSON();

export const access = 'member';

export async function execute({ services, guildId, userId }: CommandContext): Promise<Outcome> {
  const stats = await services.help.stats(guildId, userId);
  if (!stats.ok) throw new UserFacingError(problemText.help(stats.error));
  // The same two questions the group's weekly reflection asks this week, for the member's own thinking.
  const prompts = await services.reflections.promptsThisWeek(guildId);
  return reply({ embeds: [renderStats(stats.value, prompts)] });
}

const counts = (tally: MemberTally) => text('stats.counts', { given: tally.given, received: tally.received, requests: tally.requests });

/**
 * How the member takes part, in plain words. Someone who asked and got no offers yet is not "quiet":
 * they hear that their request is still open and the circle has been invited to help.
 */
function takingPart(stats: MemberStats): { description: string[]; label: string } {
  if (stats.type === 'low' && stats.asking !== 'none') {
    const kind = stats.asking === 'open' ? 'waiting' : 'asked';
    return { description: [text(`stats.type.${kind}`)], label: text(`stats.typeLabel.${kind}`) };
  }
  const description = [text(`stats.type.${stats.type}`)];
  if (stats.asking === 'open') description.push(text('stats.stillOpen'));
  return { description, label: text(`stats.typeLabel.${stats.type}`) };
}

/** The member's own picture: no ranks, no comparison with anyone named. */
function renderStats(stats: MemberStats, prompts: { helping: string; needs: string } | null): APIEmbed {
  const { description, label } = takingPart(stats);
  if (stats.recordingPaused) description.push(text('stats.paused'));
  return {
    title: text('stats.title'),
    description: description.join('\n\n'),
    fields: [
      { name: text('stats.week'), value: counts(stats.week), inline: true },
      { name: text('stats.window', { days: stats.windowDays }), value: counts(stats.window), inline: true },
      { name: text('stats.typeHeading'), value: label },
      { name: text('stats.suggestionHeading'), value: text(stats.suggestion) },
      ...(prompts ? [{ name: text('stats.reflectHeading'), value: promptLines(prompts).join('\n') }] : []),
    ],
    footer: { text: text('stats.footer') },
  };
}
