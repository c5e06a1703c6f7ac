import { ButtonStyle, ComponentType, SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import { onComponent, type CommandContext } from '../src/discord/command.ts';
import { customIdCodec, snowflakePart } from '../src/discord/custom-id.ts';
import { clearDeletedPosts } from '../src/discord/privacy-posts.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { reply, updateMessage, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import { DELETE_CONFIRMATION_MS, type DataCounts, type DeletionProblem, type MeetingPart, type PrivacySummary } from '../src/services/privacy-service.ts';
import { text, type TextKey } from '../src/texts/texts.ts';

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

/** Custom ids of the delete confirmation's buttons: whose data, and (to delete) the service's token of when it was asked. */
export const PRIVACY_IDS = {
  confirmDelete: customIdCodec('privacy-delete', z.object({ ownerId: snowflakePart, token: z.string().min(1) })),
  keep: customIdCodec('privacy-keep', z.object({ ownerId: snowflakePart })),
};

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
    case 'resume': {
      await services.privacy.resume(guildId, userId);
      // The over-helping break is undone here too, so one command brings everything back.
      const invitations = await services.help.resumeHelpingPrompts(guildId, userId);
      return reply({ content: invitations ? `${text('privacy.resumed')}\n${text('offer.promptsResumed')}` : text('privacy.resumed') });
    }
    case 'export': {
      const data = await services.privacy.export(guildId, userId);
      return reply({
        content: text('privacy.export.done'),
        files: [{ attachment: Buffer.from(`${JSON.stringify(data, null, 2)}\n`, 'utf8'), name: EXPORT_FILE_NAME, description: text('privacy.export.description') }],
      });
    }
    case 'delete': {
      const summary = await services.privacy.describe(guildId, userId);
      const data = dataOf(summary);
      if (isEmpty(data)) return reply({ content: text('privacy.delete.nothing') });
      return reply({
        content: text('privacy.delete.confirm', {
          items: items(data),
          posts: postsToChange(data),
          kept: text('privacy.delete.kept', { days: summary.retentionDays }),
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
                custom_id: PRIVACY_IDS.confirmDelete.encode({ ownerId: userId, token: services.privacy.deletionToken() }),
              },
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: text('privacy.delete.button.cancel'), custom_id: PRIVACY_IDS.keep.encode({ ownerId: userId }) },
            ],
          },
        ],
      });
    }
  }
}

/** The kinds of data in a summary, as `/privacy delete` lists and removes them. */
const dataOf = (summary: PrivacySummary): DataCounts => ({
  requests: summary.requests.open + summary.requests.closed,
  offers: summary.offersMade,
  tasks: summary.tasks,
  ledgerEvents: summary.ledgerEvents,
  prefs: summary.hasPrefs,
  meeting: summary.meeting,
  checkInPosts: summary.checkInPosts,
  namedAsChair: summary.namedAsChair,
  chairRotation: summary.chairRotation,
  crisisAlerts: summary.crisisAlerts,
});

const isEmpty = (data: DataCounts) =>
  data.requests === 0 &&
  data.offers === 0 &&
  data.ledgerEvents === 0 &&
  !data.prefs &&
  data.tasks === 0 &&
  data.meeting === null &&
  data.checkInPosts === 0 &&
  !data.namedAsChair &&
  data.chairRotation === null &&
  data.crisisAlerts === 0;

/** Texts with a `.one` and an `.other` form, by their shared stem. */
type Counted = { [K in TextKey]: K extends `${infer Stem}.one` ? (`${Stem}.other` extends TextKey ? Stem : never) : never }[TextKey];

/** "1 help request", "2 help requests": the `.one` or `.other` form of a text. */
const counted = (stem: Counted, count: number) => text(`${stem}.${count === 1 ? 'one' : 'other'}` as TextKey, { count });

/** What the last meeting's record keeps about the member, as a list of plain phrases. */
function meetingParts(part: MeetingPart): string {
  const parts: string[] = [];
  if (part.tookPart) parts.push(text('privacy.part.tookPart'));
  if (part.rating) parts.push(text(part.rating.comment ? 'privacy.part.ratingComment' : 'privacy.part.rating'));
  if (part.chaired) parts.push(text('privacy.part.chaired'));
  else if (part.startedIt) parts.push(text('privacy.part.started'));
  if (part.invitedToChair) parts.push(text('privacy.part.invited'));
  return parts.join(', ');
}

/** One line per kind of data, with its count: what will go, or what went. */
function items(data: DataCounts): string {
  const lines: string[] = [];
  if (data.requests > 0) lines.push(counted('privacy.item.requests', data.requests));
  if (data.offers > 0) lines.push(counted('privacy.item.offers', data.offers));
  if (data.tasks > 0) lines.push(counted('privacy.item.tasks', data.tasks));
  if (data.ledgerEvents > 0) lines.push(counted('privacy.item.ledger', data.ledgerEvents));
  if (data.meeting) lines.push(text('privacy.item.meeting', { parts: meetingParts(data.meeting) }));
  if (data.checkInPosts > 0) lines.push(counted('privacy.item.checkIns', data.checkInPosts));
  if (data.namedAsChair) lines.push(text('privacy.item.namedAsChair'));
  if (data.chairRotation) lines.push(text('privacy.item.chairRotation'));
  if (data.crisisAlerts > 0) lines.push(counted('privacy.item.crisisAlerts', data.crisisAlerts));
  if (data.prefs) lines.push(text('privacy.item.settings'));
  return lines.join('\n');
}

/** What will happen to the posts in Discord that show the data. */
function postsToChange(data: DataCounts): string {
  const lines: string[] = [];
  if (data.requests > 0) lines.push(text('privacy.delete.posts.requests'));
  if (data.offers > 0) lines.push(text('privacy.delete.posts.offers'));
  if (data.checkInPosts > 0) lines.push(text('privacy.delete.posts.checkIns'));
  if (data.namedAsChair) lines.push(text('privacy.delete.posts.chair'));
  return lines.length === 0 ? '' : `\n\n${lines.join(' ')}`;
}

/** What is kept, in plain words. */
function describe(summary: PrivacySummary): string {
  const parts: string[] = [];
  const requests = summary.requests.open + summary.requests.closed;
  if (isEmpty(dataOf(summary))) {
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
    if (summary.meeting) lines.push(text('privacy.show.meeting', { date: discordDate(summary.meeting.startedAt), parts: meetingParts(summary.meeting) }));
    if (summary.checkInPosts > 0) lines.push(counted('privacy.show.checkIns', summary.checkInPosts));
    if (summary.namedAsChair) lines.push(text('privacy.show.namedAsChair'));
    if (summary.chairRotation) {
      const { optedIn, lastChairedAt } = summary.chairRotation;
      const last = lastChairedAt ? text('privacy.show.chairLast', { date: discordDate(lastChairedAt) }) : '';
      lines.push(text(optedIn ? 'privacy.show.chairOn' : 'privacy.show.chairOff', { last }));
    }
    if (summary.hasPrefs) lines.push(text('privacy.show.settings'));
    parts.push(lines.join('\n'));
  }
  const choices = [text(summary.recordingPaused ? 'privacy.show.recordingPaused' : 'privacy.show.recordingOn')];
  if (summary.helpingPromptsOffUntil) {
    choices.push(text('privacy.show.promptsOff', { until: discordDate(summary.helpingPromptsOffUntil) }));
  }
  parts.push(choices.join('\n'));
  parts.push(text('privacy.show.retention', { days: summary.retentionDays }));
  return parts.join('\n\n');
}

/** A date Discord shows in each member's own time zone. */
const discordDate = (iso: string) => `<t:${Math.floor(Date.parse(iso) / 1000)}:D>`;

const refusal = (problem: DeletionProblem) => new UserFacingError(problemText.deletion(problem));

/** "Delete my data": only the member who asked, only while fresh; replaces the question with what was removed. */
const confirmDelete = onComponent(PRIVACY_IDS.confirmDelete, {
  access: 'member',
  updatesMessage: true,
  async handle(context) {
    const { ownerId, token } = context.args;
    const deleted = await context.services.privacy.confirmDeletion(context.guildId, context.userId, ownerId, token);
    if (!deleted.ok) throw refusal(deleted.error);
    const { removed } = deleted.value;
    const posts = await clearDeletedPosts(context.client, deleted.value, context.logger);
    const lines = [text('privacy.delete.done', { items: items(removed), posts: posts.cleaned > 0 ? `\n\n${counted('privacy.delete.done.posts', posts.cleaned)}` : '' })];
    if (posts.failed > 0) lines.push(counted('privacy.delete.postsFailed', posts.failed));
    return updateMessage({ content: lines.join('\n\n'), components: [] });
  },
});

const keepData = onComponent(PRIVACY_IDS.keep, {
  access: 'member',
  updatesMessage: true,
  async handle(context) {
    if (context.args.ownerId !== context.userId) throw refusal({ kind: 'not-yours' });
    return updateMessage({ content: text('privacy.delete.cancelled'), components: [] });
  },
});

export const components = [confirmDelete, keepData];
