import { ButtonStyle, ComponentType, SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import { customId, type CommandContext, type ComponentHandler } from '../src/discord/command.ts';
import { clearDeletedPosts } from '../src/discord/privacy-posts.ts';
import { reply, updateMessage, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import { DELETE_CONFIRMATION_MS, type DeletionProblem, type PrivacySummary } from '../src/services/privacy-service.ts';
import { text } from '../src/texts/texts.ts';

export const definition = new SlashCommandBuilder()
  .setName('privacy')
  .setDescription('See, pause, export or delete what Helper Circle keeps about you (only you see it)')
  .addSubcommand((s) => s.setName('show').setDescription('What Helper Circle keeps about you, in plain words'))
  .addSubcommand((s) => s.setName('pause').setDescription('Stop adding your help to the ledger for now'))
  .addSubcommand((s) => s.setName('resume').setDescription('Start adding your help to the ledger again'))
  .addSubcommand((s) => s.setName('export').setDescription('Get everything kept about you as a file'))
  .addSubcommand((s) => s.setName('delete').setDescription('Delete everything kept about you (asks you to confirm first)'))
  .toJSON();

export const access = 'member';

/** Custom-id prefixes of the delete confirmation's buttons. */
export const PRIVACY_IDS = { confirmDelete: 'privacy-delete', keep: 'privacy-keep' } as const;

export const EXPORT_FILE_NAME = 'helper-circle-my-data.json';

const subcommand = z.enum(['show', 'pause', 'resume', 'export', 'delete']);

export async function execute(context: CommandContext): Promise<Outcome> {
  const { interaction, services, guildId, userId } = context;
  switch (subcommand.parse(interaction.options.getSubcommand(true))) {
    case 'show':
      return reply({ content: describe(await services.privacy.describe(guildId, userId)) });
    case 'pause':
      await services.privacy.pause(guildId, userId);
      return reply({ content: text('privacy.paused') });
    case 'resume':
      await services.privacy.resume(guildId, userId);
      return reply({ content: text('privacy.resumed') });
    case 'export': {
      const data = await services.privacy.export(guildId, userId);
      return reply({
        content: text('privacy.export.done'),
        files: [{ attachment: Buffer.from(`${JSON.stringify(data, null, 2)}\n`, 'utf8'), name: EXPORT_FILE_NAME, description: text('privacy.export.description') }],
      });
    }
    case 'delete': {
      const summary = await services.privacy.describe(guildId, userId);
      if (isEmpty(summary)) return reply({ content: text('privacy.delete.nothing') });
      return reply({
        content: text('privacy.delete.confirm', {
          counts: counts(summary.requests.open + summary.requests.closed, summary.offersMade, summary.ledgerEvents, summary.hasPrefs, summary.tasks),
          minutes: Math.round(DELETE_CONFIRMATION_MS / 60_000),
        }),
        components: [
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.Button,
                style: ButtonStyle.Danger,
                label: text('privacy.delete.button.confirm'),
                custom_id: customId(PRIVACY_IDS.confirmDelete, userId, services.privacy.deletionToken()),
              },
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: text('privacy.delete.button.cancel'), custom_id: customId(PRIVACY_IDS.keep, userId) },
            ],
          },
        ],
      });
    }
  }
}

const isEmpty = (summary: PrivacySummary) =>
  summary.requests.open + summary.requests.closed === 0 && summary.offersMade === 0 && summary.ledgerEvents === 0 && !summary.hasPrefs && summary.tasks === 0;

const counts = (requests: number, offers: number, events: number, settings: boolean, tasks: number) =>
  text('privacy.counts', { requests, offers, events, tasks, settings: text(settings ? 'privacy.counts.settingsYes' : 'privacy.counts.settingsNone') });

/** What is kept, in plain words. */
function describe(summary: PrivacySummary): string {
  const parts: string[] = [];
  const requests = summary.requests.open + summary.requests.closed;
  if (isEmpty(summary)) {
    parts.push(text('privacy.show.nothing'));
  } else {
    const lines = [text('privacy.show.intro')];
    if (requests > 0) {
      lines.push(
        text('privacy.show.requests', {
          total: requests,
          open: summary.requests.open,
          closed: summary.requests.closed,
          anonymous: summary.requests.anonymous > 0 ? text('privacy.show.requestsAnonymous', { count: summary.requests.anonymous }) : '',
        }),
      );
    }
    if (summary.offersMade > 0) lines.push(text('privacy.show.offers', { count: summary.offersMade }));
    if (summary.tasks > 0) lines.push(text('privacy.show.tasks', { count: summary.tasks }));
    if (summary.ledgerEvents > 0) lines.push(text('privacy.show.ledger', { count: summary.ledgerEvents }));
    if (summary.hasPrefs) lines.push(text('privacy.show.settings'));
    parts.push(lines.join('\n'));
  }
  const choices = [text(summary.recordingPaused ? 'privacy.show.recordingPaused' : 'privacy.show.recordingOn')];
  if (summary.helpingPromptsOffUntil) {
    choices.push(text('privacy.show.promptsOff', { until: `<t:${Math.floor(Date.parse(summary.helpingPromptsOffUntil) / 1000)}:D>` }));
  }
  parts.push(choices.join('\n'));
  parts.push(text('privacy.show.retention', { days: summary.retentionDays }));
  return parts.join('\n\n');
}

const refusal = (problem: DeletionProblem) => new UserFacingError(text(problem.kind === 'not-yours' ? 'privacy.delete.notYours' : 'privacy.delete.expired'));

/** "Delete my data": only the member who asked, only while fresh; replaces the question with what was removed. */
const confirmDelete: ComponentHandler = {
  access: 'member',
  updatesMessage: true,
  async handle(context) {
    const [ownerId = '', token = ''] = context.args;
    const deleted = await context.services.privacy.confirmDeletion(context.guildId, context.userId, ownerId, token);
    if (!deleted.ok) throw refusal(deleted.error);
    const { removed } = deleted.value;
    const failures = await clearDeletedPosts(context.client, deleted.value, context.logger);
    const lines = [text('privacy.delete.done', { counts: counts(removed.requests, removed.offers, removed.ledgerEvents, removed.prefs, removed.tasks) })];
    if (failures > 0) lines.push(text('privacy.delete.postsFailed', { count: failures }));
    return updateMessage({ content: lines.join('\n\n'), components: [] });
  },
};

const keepData: ComponentHandler = {
  access: 'member',
  updatesMessage: true,
  async handle(context) {
    if (context.args[0] !== context.userId) throw refusal({ kind: 'not-yours' });
    return updateMessage({ content: text('privacy.delete.cancelled'), components: [] });
  },
};

export const components = {
  [PRIVACY_IDS.confirmDelete]: confirmDelete,
  [PRIVACY_IDS.keep]: keepData,
};
