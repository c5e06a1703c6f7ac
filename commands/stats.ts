import { SlashCommandBuilder } from 'discord.js';
import type { CommandContext } from '../src/discord/command.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { reply, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import { statsReply } from '../src/discord/stats-views.ts';

export const definition = new SlashCommandBuilder().setName('stats').setDescription('See your own giving and receiving of help (only you see it)').toJSON();

export const access = 'member';

export async function execute({ services, guildId, userId }: CommandContext): Promise<Outcome> {
  const stats = await services.help.stats(guildId, userId);
  if (!stats.ok) throw new UserFacingError(problemText.help(stats.error));
  // The same two questions the group's weekly reflection asks this week, for the member's own thinking.
  const prompts = await services.reflections.promptsThisWeek(guildId);
  return reply(statsReply(stats.value, prompts));
}
