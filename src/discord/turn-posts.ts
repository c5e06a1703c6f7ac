import {
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
} from 'discord.js';
import { z } from 'zod';
import type { MeetingRecord, TurnRound } from '../domain/meetings/meeting-record.ts';
import { turnStatus } from '../domain/meetings/turns.ts';
import { text } from '../texts/texts.ts';
import { customIdCodec } from './custom-id.ts';
import { discordTime } from './discord-time.ts';
import { ROUND_PARTS } from './meeting-posts.ts';

/**
 * The speaking-order message of a sharing round: one message in the meeting's thread, edited on every
 * change, showing names only (display names, never a mention, so nobody is pinged) and its buttons.
 */

export const TURN_BUTTONS = ['done', 'pass', 'later', 'add-me', 'invite-on', 'invite-off'] as const;
export type TurnButtonId = (typeof TURN_BUTTONS)[number];

/** `mtg-turn:<meetingId>:<roundIndex>:<button>`: a press from another round's message changes nothing. */
export const TURN_IDS = {
  press: customIdCodec('mtg-turn', z.object({ ...ROUND_PARTS, button: z.enum(TURN_BUTTONS) })),
};

/** What the message last showed, stored as `renderedRevision`: -1 never shown, -2 the closed message. */
export const CLOSED_RENDER = -2;

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** Whether the current share's gentle time box has run out. */
export function timeIsUp(turns: TurnRound, now: Date): boolean {
  const current = turns.queue.current;
  return current !== null && Date.parse(current.since) + current.timeBoxMs <= now.getTime();
}

/** What the message shows now, as a number: edited only when it differs from what it last showed. */
export function renderKey(record: MeetingRecord, turns: TurnRound, now: Date): number {
  if (!isLive(record, turns)) return CLOSED_RENDER;
  return turns.revision * 2 + (timeIsUp(turns, now) ? 1 : 0);
}

export function isLive(record: MeetingRecord, turns: TurnRound): boolean {
  return record.state.status !== 'ended' && record.state.roundIndex === turns.roundIndex;
}

/** A name as shown: plain text, Markdown escaped. */
const shown = (name: string) => escapeMarkdown(name);

export function speakingOrderMessage(
  record: MeetingRecord,
  turns: TurnRound,
  title: string,
  nameOf: (memberId: string) => string,
  now: Date,
): { content: string; components: Row[] } {
  const heading = text('voice.order.heading', { title });
  if (!isLive(record, turns)) return { content: `${heading}\n\n${text('voice.order.closed')}`, components: [] };
  const status = turnStatus(turns.queue, now);
  const lines = [heading];
  const current = turns.queue.current;
  if (current && status.speaker) {
    const name = shown(nameOf(status.speaker));
    const minutes = Math.max(1, Math.round(current.timeBoxMs / turns.queue.minuteMs));
    lines.push(
      timeIsUp(turns, now)
        ? text('voice.order.timeUp', { name })
        : text('voice.order.speaking', { name, minutes, time: discordTime(status.timeBoxEndsAt!, 't') }),
    );
  } else if (!status.finished) lines.push(text('voice.order.nobody'));
  const away = new Set(turns.queue.away.map((entry) => entry.memberId));
  const waiting = turns.queue.waiting.map((memberId) => `${shown(nameOf(memberId))}${away.has(memberId) ? ` ${text('voice.order.away')}` : ''}`);
  if (waiting.length > 0) lines.push(text('voice.order.next', { names: waiting.join(', ') }));
  else if (status.finished) lines.push(text('voice.order.finished'));
  else lines.push(text('voice.order.empty'));
  if (turns.stage && turns.inviteSpeaker) lines.push(text('voice.order.inviteOn'));
  lines.push(`-# ${text('voice.order.hint')}`);
  return { content: lines.join('\n\n'), components: turnButtons(record.state.id, turns) };
}

function turnButtons(meetingId: string, turns: TurnRound): Row[] {
  const round = { meetingId, roundIndex: turns.roundIndex };
  const button = (label: string, button: TurnButtonId, style: ButtonStyle = ButtonStyle.Secondary): APIButtonComponent => ({
    type: ComponentType.Button,
    style: style as ButtonStyle.Secondary,
    label,
    custom_id: TURN_IDS.press.encode({ ...round, button }),
  });
  const main = [
    button(text('voice.button.done'), 'done', ButtonStyle.Primary),
    button(text('voice.button.pass'), 'pass'),
    button(text('voice.button.later'), 'later'),
    button(text('voice.button.addMe'), 'add-me'),
  ];
  const rows: Row[] = [{ type: ComponentType.ActionRow, components: main }];
  if (turns.stage) {
    const invite = turns.inviteSpeaker ? button(text('voice.button.inviteOff'), 'invite-off') : button(text('voice.button.inviteOn'), 'invite-on');
    rows.push({ type: ComponentType.ActionRow, components: [invite] });
  }
  return rows;
}
