import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type Client,
  type ThreadChannel,
} from 'discord.js';
import type { MeetingAction, MeetingFormat } from '../domain/meetings/format.ts';
import type { MeetingRecord, MeetingSummary, PendingCheckIn } from '../domain/meetings/meeting-record.ts';
import { MIN_RATINGS_SHOWN, type ShownCount } from '../domain/small-numbers.ts';
import { text } from '../texts/texts.ts';
import { z } from 'zod';
import { counted, shown } from './counts.ts';
import { CRISIS_IDS } from './crisis-care.ts';
import { customIdCodec, idPart, wholeNumberPart } from './custom-id.ts';
import type { MeetingService } from '../services/meeting-service.ts';
import { postNonce } from './nonce.ts';
import { NO_MENTIONS, quoteLines } from './reply.ts';
import { discordTime } from './discord-time.ts';

/**
 * What every meeting component's id starts with: the meeting and the round it was posted for
 * (`mtg-checkin:<meetingId>:<roundIndex>`), so a click from a round that is over changes nothing.
 */
export const ROUND_PARTS = { meetingId: idPart, roundIndex: wholeNumberPart(0, 999) };
export type RoundArgs = { readonly meetingId: string; readonly roundIndex: number };

/** Score buttons of the last round: `mtg-rate:<meetingId>:<roundIndex>:<1-5>`. */
export const SCORE_PART = z.codec(z.enum(['1', '2', '3', '4', '5']), z.literal([1, 2, 3, 4, 5]), {
  decode: (score) => Number(score) as 1 | 2 | 3 | 4 | 5,
  encode: (score) => String(score) as '1' | '2' | '3' | '4' | '5',
});

/** Custom ids of round buttons (handled in commands/meeting.ts; the ids of the forms and menus they open are meeting-views.ts'). */
export const MEETING_IDS = {
  checkIn: customIdCodec('mtg-checkin', z.object(ROUND_PARTS)),
  need: customIdCodec('mtg-need', z.object({ ...ROUND_PARTS, who: z.enum(['named', 'anonymous']) })),
  offer: customIdCodec('mtg-offer', z.object(ROUND_PARTS)),
  commitTask: customIdCodec('mtg-task', z.object(ROUND_PARTS)),
  reportTask: customIdCodec('mtg-report', z.object(ROUND_PARTS)),
  rate: customIdCodec('mtg-rate', z.object({ ...ROUND_PARTS, score: SCORE_PART })),
  volunteer: customIdCodec('mtg-volunteer', z.object(ROUND_PARTS)),
};

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

const minutesText = (ms: number) => `${Math.max(1, Math.round(ms / 60_000))} min`;

/** Fills `{chair}` with a mention that pings nobody (messages are sent with no allowed mentions). */
function withChair(prompt: string, chairId: string | null): string {
  return prompt.replaceAll('{chair}', chairId ? `<@${chairId}>` : text('meeting.chair.someone'));
}

export function openingMessage(record: MeetingRecord, format: MeetingFormat): string {
  const opening = text('meeting.opening', { title: format.title, chair: record.state.chairId ? `<@${record.state.chairId}>` : text('meeting.chair.group') });
  const withRotation = record.suggestedChairId ? `${opening}\n${text('meeting.opening.rotation', { member: `<@${record.suggestedChairId}>` })}` : opening;
  const withVoice = record.voiceChannelId ? `${withRotation}\n${text('voice.opening', { channel: `<#${record.voiceChannelId}>` })}` : withRotation;
  // Said once, kindly, at the start of every meeting (safe-messaging guidance: say what the space is not).
  return `${withVoice}\n\n${text('meeting.opening.peerSupport')}`;
}

/** The opening's one button: the crisis resources, shown privately to whoever presses it. */
export function openingComponents(): Row[] {
  return [
    {
      type: ComponentType.ActionRow,
      components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: text('crisis.button.show'), custom_id: CRISIS_IDS.show.encode([]) }],
    },
  ];
}

export function threadName(record: MeetingRecord, format: MeetingFormat): string {
  const date = new Date(record.state.startedAt).toISOString().slice(0, 10);
  return text('meeting.thread', { title: format.title, date }).slice(0, 100);
}

/** A round's message: prompt, when it ends (a Discord timestamp, local to each member), its buttons. */
export function roundMessage(record: MeetingRecord, format: MeetingFormat, roundIndex: number): { content: string; components: Row[] } {
  const { state } = record;
  const plan = state.rounds[roundIndex]!;
  const round = format.rounds.find((candidate) => candidate.id === plan.id);
  const live = state.status !== 'ended' && state.roundIndex === roundIndex;
  const lines = [
    text('meeting.round.heading', { number: roundIndex + 1, total: state.rounds.length, title: round?.title ?? plan.id }),
    withChair(round?.prompt ?? '', state.chairId),
  ];
  if (!live) lines.push(text('meeting.round.over'));
  else if (state.status === 'paused') lines.push(text('meeting.round.paused', { minutes: minutesText(state.remainingMs ?? 0) }));
  else if (state.roundEndsAt)
    lines.push(text('meeting.round.endsAt', { time: discordTime(state.roundEndsAt, 't'), relative: discordTime(state.roundEndsAt, 'R') }));
  return { content: lines.join('\n\n'), components: roundButtons(state.id, roundIndex, plan.actions, !live) };
}

function roundButtons(meetingId: string, roundIndex: number, actions: readonly MeetingAction[], disabled: boolean): Row[] {
  const round = { meetingId, roundIndex };
  const button = (label: string, id: string, style: ButtonStyle = ButtonStyle.Secondary): APIButtonComponent => ({
    type: ComponentType.Button,
    style: style as ButtonStyle.Secondary,
    label,
    custom_id: id,
    disabled,
  });
  const main: APIButtonComponent[] = [];
  for (const action of actions) {
    switch (action) {
      case 'check-in':
        main.push(button(text('meeting.button.checkIn'), MEETING_IDS.checkIn.encode(round), ButtonStyle.Primary));
        break;
      case 'report-task':
        main.push(button(text('meeting.button.reportTask'), MEETING_IDS.reportTask.encode(round), ButtonStyle.Primary));
        break;
      case 'need-help':
        main.push(button(text('meeting.button.needHelp'), MEETING_IDS.need.encode({ ...round, who: 'named' }), ButtonStyle.Primary));
        main.push(button(text('meeting.button.needHelpAnonymous'), MEETING_IDS.need.encode({ ...round, who: 'anonymous' })));
        break;
      case 'offer-help':
        main.push(button(text('meeting.button.offerHelp'), MEETING_IDS.offer.encode(round), ButtonStyle.Primary));
        break;
      case 'commit-task':
        main.push(button(text('meeting.button.commitTask'), MEETING_IDS.commitTask.encode(round), ButtonStyle.Primary));
        break;
      case 'rate-meeting':
        break;
    }
  }
  const rows: Row[] = [];
  if (main.length > 0) rows.push({ type: ComponentType.ActionRow, components: main.slice(0, 5) });
  if (actions.includes('rate-meeting')) {
    rows.push({
      type: ComponentType.ActionRow,
      components: ([1, 2, 3, 4, 5] as const).map((score) => button(String(score), MEETING_IDS.rate.encode({ ...round, score }))),
    });
    rows.push({ type: ComponentType.ActionRow, components: [button(text('meeting.button.volunteer'), MEETING_IDS.volunteer.encode(round))] });
  }
  return rows;
}

const few = (value: ShownCount) => shown(value, 'meeting.summary.few');

/** The figures and the rating line, as the thread and the moderators read them: counts only, "a few" where a number would point at someone. */
function summaryLines(summary: MeetingSummary): string[] {
  const rating =
    summary.ratings === 0
      ? text('meeting.summary.noRating')
      : summary.averageRating === null
        ? text('meeting.summary.fewRatings', { min: MIN_RATINGS_SHOWN })
        : text('meeting.summary.rating', { average: summary.averageRating, ratings: counted('meeting.count.rating', summary.ratings) });
  return [
    text('meeting.summary.figures', {
      attendance: few(summary.attendance),
      raised: few(summary.requestsRaised),
      answered: few(summary.requestsAnswered),
      offers: few(summary.offersMade),
      committed: few(summary.tasksCommitted),
      reported: few(summary.tasksReported),
    }),
    rating,
  ];
}

/** The summary in the meeting's thread; `commentsPosted` adds that the comments went to the moderators, without names. */
export function summaryMessage(summary: MeetingSummary, format: MeetingFormat, commentsPosted = false): string {
  return [
    text('meeting.summary.heading'),
    ...summaryLines(summary),
    ...(commentsPosted ? [text('meeting.summary.commentsShared')] : []),
    format.closingNote,
  ].join('\n\n');
}

/**
 * Sends a member's pending shared check-in (stored by `MemberActions.checkIn`), quoted line by line, in
 * the meeting's thread, their mention pinging nobody, and returns the message's id; records nothing.
 * The post carries a nonce Discord enforces, so sending the same pending check-in again (after a crash,
 * or from the conductor while the handler sends it) returns the first message instead of a second one.
 */
export async function sendSharedCheckIn(client: Client, record: MeetingRecord, pending: PendingCheckIn): Promise<string> {
  if (!record.threadId) throw new Error(`Meeting ${record.state.id} has no thread yet`);
  const thread = (await client.channels.fetch(record.threadId)) as ThreadChannel;
  const quoted = quoteLines(pending.words);
  const posted = await thread.send({
    content: text('meeting.checkIn.shared', { member: `<@${pending.memberId}>`, text: quoted }),
    allowedMentions: NO_MENTIONS,
    nonce: postNonce('ci', record.state.id, pending.id),
    enforceNonce: true,
  });
  return posted.id;
}

/**
 * Posts a pending shared check-in ({@link sendSharedCheckIn}) and marks it posted: its words are
 * forgotten, the post is kept for `/privacy delete`. Returns the post's id.
 */
export async function postSharedCheckIn(client: Client, meetings: MeetingService, record: MeetingRecord, pending: PendingCheckIn): Promise<string> {
  const messageId = await sendSharedCheckIn(client, record, pending);
  await meetings.checkInPosted(record.guildId, record.state.id, pending.id, pending.memberId, messageId);
  return messageId;
}

/** Discord's limit on a message's content. */
const MESSAGE_MAX_LENGTH = 2000;

/**
 * The post for the moderators' channel: the meeting's summary and its rating comments, each quoted,
 * without names or ids and in the order given (alphabetical, never the order people rated in). Split
 * into as many messages as Discord's 2,000 characters need, never inside a comment.
 */
export function moderatorCommentsMessages(summary: MeetingSummary, format: MeetingFormat, startedAt: string, comments: readonly string[]): string[] {
  const head = [
    text('meeting.comments.heading', { title: format.title, date: startedAt.slice(0, 10) }),
    ...summaryLines(summary),
    text('meeting.comments.intro'),
  ].join('\n\n');
  const quoted = comments.map((comment) => quoteLines(comment).slice(0, MESSAGE_MAX_LENGTH));
  const messages: string[] = [];
  let current = head;
  for (const block of quoted) {
    const joined = `${current}\n\n${block}`;
    if (joined.length <= MESSAGE_MAX_LENGTH) current = joined;
    else {
      messages.push(current);
      current = block;
    }
  }
  messages.push(current);
  return messages;
}
