import { ButtonStyle, ComponentType, type APIButtonComponent, type APIModalInteractionResponseCallbackData } from 'discord.js';
import { z } from 'zod';
import type { MeetingRecord } from '../domain/meetings/meeting-record.ts';
import { TOPIC_MAX_LENGTH, type HelpRequest } from '../domain/requests/help-request.ts';
import { TASK_NOTE_MAX_LENGTH, TASK_OUTCOMES, TASK_TEXT_MAX_LENGTH, type PracticalTask, type TaskOutcome } from '../domain/tasks/practical-task.ts';
import type { Steering } from '../services/meeting-service.ts';
import { MIN_RATINGS_SHOWN } from '../domain/small-numbers.ts';
import { text } from '../texts/texts.ts';
import { counted } from './counts.ts';
import { customIdCodec, idPart } from './custom-id.ts';
import { offerForm, topicChoiceLabel } from './help-views.ts';
import { ROUND_PARTS, SCORE_PART, type RoundArgs } from './meeting-posts.ts';
import type { Reply } from './reply.ts';
import { textModal, TEXT_FIELD } from './text-modal.ts';
import { discordTime } from './discord-time.ts';

/**
 * What `/meeting` answers the moderator who steers, and what a round's buttons open for the member who
 * presses them: forms, the offer menu, the report question, and the private answers. The round posts
 * in the thread are meeting-posts.ts'.
 */

/** The forms and menus the round buttons open; each carries the round it came from, and what was chosen (handled in commands/meeting.ts). */
export const FORM_IDS = {
  checkInModal: customIdCodec('mtg-checkin-modal', z.object(ROUND_PARTS)),
  needModal: customIdCodec('mtg-need-modal', z.object({ ...ROUND_PARTS, who: z.enum(['named', 'anonymous']) })),
  offerSelect: customIdCodec('mtg-offer-select', z.object(ROUND_PARTS)),
  offerModal: customIdCodec('mtg-offer-modal', z.object({ ...ROUND_PARTS, requestId: idPart })),
  commitTaskModal: customIdCodec('mtg-task-modal', z.object(ROUND_PARTS)),
  reportOutcome: customIdCodec('mtg-report-outcome', z.object({ ...ROUND_PARTS, outcome: z.enum(TASK_OUTCOMES) })),
  reportModal: customIdCodec('mtg-report-modal', z.object({ ...ROUND_PARTS, outcome: z.enum(TASK_OUTCOMES) })),
  rateModal: customIdCodec('mtg-rate-modal', z.object({ ...ROUND_PARTS, score: SCORE_PART })),
};

/** Every meeting form has one text field, {@link TEXT_FIELD}. */
export const MEETING_FORM_FIELD = TEXT_FIELD;

const relative = (at: string | Date) => discordTime(at, 'R');

// ----- `/meeting`, for the moderator.

/** Where the meeting started: its thread, or the channel when it has none (yet). */
export const meetingStarted = (threadId: string | null | undefined, channelId: string): Reply => ({
  content: text('meeting.started', { thread: threadId ? `<#${threadId}>` : `<#${channelId}>` }),
});

export const noMeeting = (): Reply => ({ content: text('meeting.noMeeting') });

/** `/meeting status`: the round (`title`, the current round's), attendance, and when it ends or how long is left. */
export function meetingStatus(record: MeetingRecord, title: string, timeLeftMs: number | null): Reply {
  const { state } = record;
  const common = { number: state.roundIndex + 1, total: state.rounds.length, title, attendance: counted('meeting.status.tookPart', record.attendees.length) };
  if (state.status === 'ended') return { content: text('meeting.status.ended', { relative: relative(state.endedAt!) }) };
  if (state.status === 'paused')
    return { content: text('meeting.status.paused', { ...common, minutes: `${Math.max(1, Math.round((timeLeftMs ?? 0) / 60_000))} min` }) };
  return { content: text('meeting.status.running', { ...common, relative: relative(state.roundEndsAt!) }) };
}

/** The answer to `/meeting next|extend|pause|resume|end`, from the meeting as it is after; `title` is its current round's. */
export function meetingSteered(steering: Steering, after: MeetingRecord, title: string): Reply {
  return { content: steeredText(steering, after, title) };
}

function steeredText(steering: Steering, after: MeetingRecord, title: string): string {
  const { state } = after;
  switch (steering.kind) {
    case 'next':
      return state.status === 'ended'
        ? text('meeting.steered.lastRound')
        : text('meeting.steered.next', { number: state.roundIndex + 1, total: state.rounds.length, title });
    case 'pause':
      return text('meeting.steered.pause');
    case 'resume':
      return text('meeting.steered.resume', { relative: relative(state.roundEndsAt!) });
    case 'extend':
      return state.roundEndsAt ? text('meeting.steered.extend', { relative: relative(state.roundEndsAt) }) : text('meeting.steered.pause');
    case 'end':
      return text('meeting.steered.end');
  }
}

// ----- A round's forms and menus, for the member.

export function checkInForm(round: RoundArgs): APIModalInteractionResponseCallbackData {
  return textModal({
    customId: FORM_IDS.checkInModal.encode(round),
    title: text('meeting.checkIn.modalTitle'),
    label: text('meeting.checkIn.label'),
    required: false,
    maxLength: 500,
    placeholder: text('meeting.checkIn.placeholder'),
    long: true,
  });
}

export function needForm(round: RoundArgs, who: 'named' | 'anonymous'): APIModalInteractionResponseCallbackData {
  return textModal({
    customId: FORM_IDS.needModal.encode({ ...round, who }),
    title: text('meeting.need.modalTitle'),
    label: text('meeting.need.label'),
    required: true,
    maxLength: TOPIC_MAX_LENGTH,
    long: true,
  });
}

/** The needs raised in this meeting the member can help with, as a menu (the last 25; Discord shows no more); or that there are none. */
export function offerPick(round: RoundArgs, requests: readonly HelpRequest[]): Reply {
  const options = requests.map((request) => ({ label: topicChoiceLabel(request.topic), value: request.id }));
  if (options.length === 0) return { content: text('meeting.offer.none') };
  return {
    content: text('meeting.offer.pick'),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.StringSelect, custom_id: FORM_IDS.offerSelect.encode(round), options: options.slice(-25), min_values: 1, max_values: 1 },
        ],
      },
    ],
  };
}

/** The offer form for the need picked from the menu: the same form as a request's "I can help". */
export const roundOfferForm = (round: RoundArgs, requestId: string) => offerForm(FORM_IDS.offerModal.encode({ ...round, requestId }), MEETING_FORM_FIELD);

export function taskForm(round: RoundArgs): APIModalInteractionResponseCallbackData {
  return textModal({
    customId: FORM_IDS.commitTaskModal.encode(round),
    title: text('meeting.task.modalTitle'),
    label: text('meeting.task.label'),
    required: true,
    maxLength: TASK_TEXT_MAX_LENGTH,
    placeholder: text('meeting.task.placeholder'),
  });
}

/** "How did your task go?", with one button per outcome; or that the member has no task to report on. */
export function reportQuestion(round: RoundArgs, task: PracticalTask | null): Reply {
  if (!task) return { content: text('meeting.report.noTask') };
  const outcomeButton = (label: string, outcome: TaskOutcome, style: ButtonStyle): APIButtonComponent => ({
    type: ComponentType.Button,
    style: style as ButtonStyle.Secondary,
    label,
    custom_id: FORM_IDS.reportOutcome.encode({ ...round, outcome }),
  });
  return {
    content: text('meeting.report.question', { task: task.text }),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          outcomeButton(text('meeting.report.done'), 'done', ButtonStyle.Success),
          outcomeButton(text('meeting.report.partly'), 'partly', ButtonStyle.Primary),
          outcomeButton(text('meeting.report.notDone'), 'not-done', ButtonStyle.Secondary),
        ],
      },
    ],
  };
}

export function reportForm(round: RoundArgs, outcome: TaskOutcome): APIModalInteractionResponseCallbackData {
  return textModal({
    customId: FORM_IDS.reportModal.encode({ ...round, outcome }),
    title: text('meeting.report.modalTitle'),
    label: text('meeting.report.label'),
    required: false,
    maxLength: TASK_NOTE_MAX_LENGTH,
    long: true,
  });
}

/** The rating's comment form, saying truthfully where a comment goes: to the moderators without a name, or nowhere. */
export function rateForm(round: RoundArgs, score: 1 | 2 | 3 | 4 | 5, commentsReachModerators: boolean): APIModalInteractionResponseCallbackData {
  const reach = commentsReachModerators ? '' : 'NoModerators';
  return textModal({
    customId: FORM_IDS.rateModal.encode({ ...round, score }),
    title: text('meeting.rate.modalTitle', { score }),
    label: text(`meeting.rate.label${reach}`),
    required: false,
    maxLength: 500,
    long: true,
    placeholder: text(`meeting.rate.placeholder${reach}`, { min: MIN_RATINGS_SHOWN }),
  });
}

// ----- The member's private answers.

export const checkedIn = (): Reply => ({ content: text('meeting.checkIn.done') });

export const roundTaskCommitted = (task: PracticalTask): Reply => ({ content: text('meeting.task.committed', { task: task.text }) });

export const roundTaskReported = (outcome: TaskOutcome): Reply => ({
  content: text(outcome === 'not-done' ? 'meeting.report.thanksNotDone' : 'meeting.report.thanks'),
});

export const ratingSaved = (): Reply => ({ content: text('meeting.rate.done') });

/** `on`: the member now volunteers to chair; off: no longer. */
export const volunteered = (on: boolean): Reply => ({ content: text(on ? 'meeting.volunteer.on' : 'meeting.volunteer.off') });
