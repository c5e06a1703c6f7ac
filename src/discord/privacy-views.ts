import { ButtonStyle, ComponentType } from 'discord.js';
import { z } from 'zod';
import { DELETE_CONFIRMATION_MS, type DataCounts, type MeetingPart, type PrivacySummary } from '../services/privacy-service.ts';
import { text, type TextKey } from '../texts/texts.ts';
import { customIdCodec, snowflakePart } from './custom-id.ts';
import type { ClearedPosts } from './privacy-posts.ts';
import type { Reply } from './reply.ts';
import { discordTime } from './discord-time.ts';

/** What `/privacy` tells a member about what is kept about them, and the answers on the way to deleting it. */

/** Custom ids of the delete confirmation's buttons: whose data, and (to delete) the service's token of when it was asked. */
export const PRIVACY_IDS = {
  confirmDelete: customIdCodec('privacy-delete', z.object({ ownerId: snowflakePart, token: z.string().min(1) })),
  keep: customIdCodec('privacy-keep', z.object({ ownerId: snowflakePart })),
};

export const EXPORT_FILE_NAME = 'helper-circle-my-data.json';

/** Texts with a `.one` and an `.other` form, by their shared stem. */
type Counted = { [K in TextKey]: K extends `${infer Stem}.one` ? (`${Stem}.other` extends TextKey ? Stem : never) : never }[TextKey];

/** "1 help request", "2 help requests": the `.one` or `.other` form of a text. */
const counted = (stem: Counted, count: number) => text(`${stem}.${count === 1 ? 'one' : 'other'}` as TextKey, { count });

/** A date Discord shows in each member's own time zone. */

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
  alertsTaken: summary.alertsTaken,
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
  data.crisisAlerts === 0 &&
  data.alertsTaken === 0;

/** What the last meeting's record keeps about the member, as a list of plain phrases. */
function meetingParts(part: MeetingPart): string {
  const parts: string[] = [];
  if (part.tookPart) parts.push(text('privacy.part.tookPart'));
  if (part.rating) parts.push(text(part.rating.comment ? 'privacy.part.ratingComment' : 'privacy.part.rating'));
  if (part.chaired) parts.push(text('privacy.part.chaired'));
  else if (part.startedIt) parts.push(text('privacy.part.started'));
  if (part.invitedToChair) parts.push(text('privacy.part.invited'));
  if (part.timeInVoice) parts.push(text('privacy.part.timeInVoice'));
  if (part.speakingTurn) parts.push(text('privacy.part.speakingTurn'));
  if (part.checkInsNotYetPosted) parts.push(text('privacy.part.checkInsNotYetPosted'));
  return parts.join(', ');
}

/** One line per kind of data, with its count: what will go, or what went. */
export function dataItems(data: DataCounts): string {
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
  if (data.alertsTaken > 0) lines.push(counted('privacy.item.alertsTaken', data.alertsTaken));
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

/** `/privacy show`: what is kept, in plain words, the member's choices, and how long anything stays. */
export function privacyShown(summary: PrivacySummary): Reply {
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
    if (summary.meeting) lines.push(text('privacy.show.meeting', { date: discordTime(summary.meeting.startedAt, 'D'), parts: meetingParts(summary.meeting) }));
    if (summary.checkInPosts > 0) lines.push(counted('privacy.show.checkIns', summary.checkInPosts));
    if (summary.namedAsChair) lines.push(text('privacy.show.namedAsChair'));
    if (summary.chairRotation) {
      const { optedIn, lastChairedAt } = summary.chairRotation;
      const last = lastChairedAt ? text('privacy.show.chairLast', { date: discordTime(lastChairedAt, 'D') }) : '';
      lines.push(text(optedIn ? 'privacy.show.chairOn' : 'privacy.show.chairOff', { last }));
    }
    if (summary.crisisAlerts > 0) lines.push(counted('privacy.item.crisisAlerts', summary.crisisAlerts));
    if (summary.alertsTaken > 0) lines.push(counted('privacy.item.alertsTaken', summary.alertsTaken));
    if (summary.hasPrefs) lines.push(text('privacy.show.settings'));
    parts.push(lines.join('\n'));
  }
  const choices = [text(summary.recordingPaused ? 'privacy.show.recordingPaused' : 'privacy.show.recordingOn')];
  if (summary.helpingPromptsOffUntil) {
    choices.push(text('privacy.show.promptsOff', { until: discordTime(summary.helpingPromptsOffUntil, 'D') }));
  }
  parts.push(choices.join('\n'));
  parts.push(text('privacy.show.retention', { days: summary.retentionDays }));
  return { content: parts.join('\n\n') };
}

export const recordingPaused = (): Reply => ({ content: text('privacy.paused') });

/** `/privacy resume`; `invitationsBack` when the over-helping break was undone too. */
export const recordingResumed = (invitationsBack: boolean): Reply => ({
  content: invitationsBack ? `${text('privacy.resumed')}\n${text('offer.promptsResumed')}` : text('privacy.resumed'),
});

/** `/privacy export`: everything kept about the member, as a JSON file. */
export function dataExport(data: unknown): Reply {
  return {
    content: text('privacy.export.done'),
    files: [{ attachment: Buffer.from(`${JSON.stringify(data, null, 2)}\n`, 'utf8'), name: EXPORT_FILE_NAME, description: text('privacy.export.description') }],
  };
}

/**
 * `/privacy delete`: what would go and what happens to the posts, with "Delete" (carrying the owner
 * and the service's `token` of when it was asked) and "Keep"; or that there is nothing to delete.
 */
export function deletionQuestion(summary: PrivacySummary, ownerId: string, token: string): Reply {
  const data = dataOf(summary);
  if (isEmpty(data)) return { content: text('privacy.delete.nothing') };
  return {
    content: text('privacy.delete.confirm', {
      items: dataItems(data),
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
            custom_id: PRIVACY_IDS.confirmDelete.encode({ ownerId, token }),
          },
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            label: text('privacy.delete.button.cancel'),
            custom_id: PRIVACY_IDS.keep.encode({ ownerId }),
          },
        ],
      },
    ],
  };
}

/** Replaces the question: what was removed, how many posts were cleaned, and any that could not be. */
export function deletionDone(removed: DataCounts, posts: ClearedPosts): Reply {
  const lines = [
    text('privacy.delete.done', { items: dataItems(removed), posts: posts.cleaned > 0 ? `\n\n${counted('privacy.delete.done.posts', posts.cleaned)}` : '' }),
  ];
  if (posts.failed > 0) lines.push(counted('privacy.delete.postsFailed', posts.failed));
  return { content: lines.join('\n\n'), components: [] };
}

export const deletionCancelled = (): Reply => ({ content: text('privacy.delete.cancelled'), components: [] });
