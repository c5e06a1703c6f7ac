import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import type { CommandContext } from '../src/discord/command.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { reflectionNotPosted, reflectionPosted, reflectionPreview, reflectionReply } from '../src/discord/reflection-posts.ts';
import { reply, UserFacingError, type Outcome } from '../src/discord/reply.ts';

export const definition = new SlashCommandBuilder()
  .setName('reflection')
  .setDescription("The group's weekly reflection")
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageEvents)
  .addSubcommand((s) => s.setName('preview').setDescription("See this week's reflection (only you)"))
  .addSubcommand((s) => s.setName('post').setDescription("Post this week's reflection in the circle channel now"))
  .toJSON();

export const access = 'moderator';

const subcommand = z.enum(['preview', 'post']);

export async function execute(context: CommandContext): Promise<Outcome> {
  const { interaction, services, guildId } = context;
  const minActive = services.reflections.minActive;
  if (subcommand.parse(interaction.options.getSubcommand(true)) === 'preview') {
    const composed = await services.reflections.compose(guildId);
    if (!composed.ok) throw new UserFacingError(problemText.reflection({ kind: composed.error }));
    const message = await reflectionReply(composed.value.reflection, { timezone: composed.value.settings.timezone, minActive, late: false });
    return reply(reflectionPreview(message));
  }
  const settings = await services.circle.settings(guildId);
  if (!settings) throw new UserFacingError(problemText.reflection({ kind: 'not-set-up' }));
  const posted = await services.reflections.postNow(guildId);
  if (!posted.ok) {
    // Nothing of it was kept: the week's slot stays due, so the scheduled reflection still posts.
    context.logger.warn({ err: posted.error.cause, guildId }, 'could not post the reflection asked for now');
    return reply(reflectionNotPosted(settings.circleChannelId));
  }
  return reply(reflectionPosted(posted.value.asScheduled, settings.circleChannelId));
}
