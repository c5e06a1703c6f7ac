import type { APIEmbed } from 'discord.js';
import type { MemberTally } from '../domain/help/tally.ts';
import type { MemberStats } from '../services/help-service.ts';
import { text } from '../texts/texts.ts';
import { promptLines } from './reflection-posts.ts';
import type { Reply } from './reply.ts';

/** `/stats`: the member's own giving and receiving, with this week's reflection questions when the circle has them. */
export const statsReply = (stats: MemberStats, prompts: { helping: string; needs: string } | null): Reply => ({ embeds: [statsEmbed(stats, prompts)] });

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
export function statsEmbed(stats: MemberStats, prompts: { helping: string; needs: string } | null): APIEmbed {
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
