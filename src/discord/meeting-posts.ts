import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIComponentInMessageActionRow } from 'discord.js';
import type { MeetingAction, MeetingFormat } from '../domain/meetings/format.ts';
import type { MeetingRecord, MeetingSummary } from '../domain/meetings/meeting-record.ts';
import { text } from '../texts/texts.ts';
import { customId } from './command.ts';

/** Custom-id prefixes of meeting round buttons, selects and modals. Each carries meeting id and round. */
export const MEETING_IDS = {
  checkIn: 'mtg-checkin',
  checkInModal: 'mtg-checkin-modal',
  need: 'mtg-need',
  needModal: 'mtg-need-modal',
  offer: 'mtg-offer',
  offerSelect: 'mtg-offer-select',
  offerModal: 'mtg-offer-modal',
  commitTask: 'mtg-task',
  commitTaskModal: 'mtg-task-modal',
  reportTask: 'mtg-report',
  reportOutcome: 'mtg-report-outcome',
  reportModal: 'mtg-report-modal',
  rate: 'mtg-rate',
  rateModal: 'mtg-rate-modal',
  volunteer: 'mtg-volunteer',
} as const;

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const minutesText = (ms: number) => `${Math.max(1, Math.round(ms / 60_000))} min`;

/** Fills `{chair}` with a mention that pings nobody (messages are sent with no allowed mentions). */
function withChair(prompt: string, chairId: string | null): string {
  return prompt.replaceAll('{chair}', chairId ? `<@${chairId}>` : text('meeting.chair.someone'));
}

export function openingMessage(record: MeetingRecord, format: MeetingFormat): string {
  const opening = text('meeting.opening', { title: format.title, chair: record.state.chairId ? `<@${record.state.chairId}>` : text('meeting.chair.group') });
  return record.suggestedChairId ? `${opening}\n${text('meeting.opening.rotation', { member: `<@${record.suggestedChairId}>` })}` : opening;
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
  else if (state.roundEndsAt) lines.push(text('meeting.round.endsAt', { time: `<t:${seconds(state.roundEndsAt)}:t>`, relative: `<t:${seconds(state.roundEndsAt)}:R>` }));
  return { content: lines.join('\n\n'), components: roundButtons(state.id, roundIndex, plan.actions, !live) };
}

function roundButtons(meetingId: string, roundIndex: number, actions: readonly MeetingAction[], disabled: boolean): Row[] {
  const round = String(roundIndex);
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
        main.push(button(text('meeting.button.checkIn'), customId(MEETING_IDS.checkIn, meetingId, round), ButtonStyle.Primary));
        break;
      case 'report-task':
        main.push(button(text('meeting.button.reportTask'), customId(MEETING_IDS.reportTask, meetingId, round), ButtonStyle.Primary));
        break;
      case 'need-help':
        main.push(button(text('meeting.button.needHelp'), customId(MEETING_IDS.need, meetingId, round, 'named'), ButtonStyle.Primary));
        main.push(button(text('meeting.button.needHelpAnonymous'), customId(MEETING_IDS.need, meetingId, round, 'anonymous')));
        break;
      case 'offer-help':
        main.push(button(text('meeting.button.offerHelp'), customId(MEETING_IDS.offer, meetingId, round), ButtonStyle.Primary));
        break;
      case 'commit-task':
        main.push(button(text('meeting.button.commitTask'), customId(MEETING_IDS.commitTask, meetingId, round), ButtonStyle.Primary));
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
      components: [1, 2, 3, 4, 5].map((score) => button(String(score), customId(MEETING_IDS.rate, meetingId, round, String(score)))),
    });
    rows.push({ type: ComponentType.ActionRow, components: [button(text('meeting.button.volunteer'), customId(MEETING_IDS.volunteer, meetingId, round))] });
  }
  return rows;
}

export function summaryMessage(summary: MeetingSummary, format: MeetingFormat): string {
  return [
    text('meeting.summary.heading'),
    text('meeting.summary.figures', {
      attendance: summary.attendance,
      raised: summary.requestsRaised,
      answered: summary.requestsAnswered,
      offers: summary.offersMade,
      committed: summary.tasksCommitted,
      reported: summary.tasksReported,
    }),
    summary.averageRating === null ? text('meeting.summary.noRating') : text('meeting.summary.rating', { average: summary.averageRating, count: summary.ratings }),
    format.closingNote,
  ].join('\n\n');
}

