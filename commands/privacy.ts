import { SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import { onComponent, type CommandContext } from '../src/discord/command.ts';
import { clearDeletedPosts } from '../src/discord/privacy-posts.ts';
import {
  dataExport,
  deletionCancelled,
  deletionDone,
  deletionQuestion,
  PRIVACY_IDS,
  privacyShown,
  recordingPaused,
  recordingResumed,
} from '../src/discord/privacy-views.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { reply, updateMessage, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import type { DeletionProblem } from '../src/services/privacy-service.ts';

export const definition = new SlashCommandBuilder()
  .setName('privacy')
  .setDescription('See, pause, export or delete what Helper Circle keeps about you (only you see it)')
  .addSubcommand((s) => s.setName('show').setDescription('What Helper Circle keeps about you, in plain words'))
  .addSubcommand((s) => s.setName('pause').setDescription('Stop counting your help for now'))
  .addSubcommand((s) => s.setName('resume').setDescription('Start counting your help again (and turn invitations to help back on)'))
  .addSubcommand((s) => s.setName('export').setDescription('Get everything kept about you as a file'))
  .addSubcommand((s) => s.setName('delete').setDescription('Delete everything kept about you (asks you to confirm first)'))
  .toJSON();

export const access = 'member';

const subcommand = z.enum(['show', 'pause', 'resume', 'export', 'delete']);

export async function execute(context: CommandContext): Promise<Outcome> {
  const { interaction, services, guildId, userId } = context;
  switch (subcommand.parse(interaction.options.getSubcommand(true))) {
    case 'show':
      return reply(privacyShown(await services.privacy.describe(guildId, userId)));
    case 'pause':
      await services.privacy.pause(guildId, userId);
      return reply(recordingPaused());
    case 'resume':
      return reply(recordingResumed((await services.privacy.resume(guildId, userId)).invitationsResumed));
    case 'export':
      return reply(dataExport(await services.privacy.export(guildId, userId)));
    case 'delete':
      return reply(deletionQuestion(await services.privacy.describe(guildId, userId), userId, services.privacy.deletionToken()));
  }
}

const refusal = (problem: DeletionProblem) => new UserFacingError(problemText.deletion(problem));

/** "Delete my data": only the member who asked, only while fresh; replaces the question with what was removed. */
const confirmDelete = onComponent(PRIVACY_IDS.confirmDelete, {
  access: 'member',
  updatesMessage: true,
  async handle(context) {
    const { ownerId, token } = context.args;
    const deleted = await context.services.privacy.confirmDeletion(context.guildId, context.userId, ownerId, token);
    if (!deleted.ok) throw refusal(deleted.error);
    const posts = await clearDeletedPosts(context.client, deleted.value, context.logger);
    return updateMessage(deletionDone(deleted.value.removed, posts));
  },
});

const keepData = onComponent(PRIVACY_IDS.keep, {
  access: 'member',
  updatesMessage: true,
  async handle(context) {
    if (context.args.ownerId !== context.userId) throw refusal({ kind: 'not-yours' });
    return updateMessage(deletionCancelled());
  },
});

export const components = [confirmDelete, keepData];
