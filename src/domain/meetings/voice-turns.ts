import { err, ok, type Result } from '../result.ts';
import type { RaisedHand } from './fair-order.ts';
import type { MeetingRecord, TurnRound, VoicePresence } from './meeting-record.ts';
import { currentRound } from './meeting-state.ts';
import {
  addMe,
  done,
  join,
  later,
  leave,
  pass,
  settle,
  startSharingRound,
  startStageRound,
  type TurnActor,
  type TurnProblem,
  type TurnQueue,
} from './turns.ts';

/**
 * A meeting's voice side, as pure functions on its record: the speaking order of the sharing round that
 * is running (a `TurnQueue` with what the thread shows of it) and attendance from presence in voice.
 * The record is the only truth; the Discord layer renders it and reports presence and presses back.
 *
 * Presence is kept only as attendance: while a member is in voice the record holds a running total of
 * their time (and since when the current stretch runs); once it reaches the threshold they are an
 * attendee (a yes, like a round action) and the total is dropped. When the meeting ends the totals go.
 */

export type TurnButton = 'done' | 'pass' | 'later' | 'add-me';

/** What the voice channel holds at a moment: who is in it, and (Stage) the raised hands. */
export interface VoiceRoster {
  readonly present: readonly string[];
  readonly hands: readonly RaisedHand[];
}

/** How many format minutes in voice count as having taken part, unless `data/help-rules.json` says otherwise. */
export const DEFAULT_VOICE_ATTENDANCE_MINUTES = 5;

/** How long in voice counts as taking part in this meeting: `minutes` of the meeting's own minutes. */
export function attendanceThresholdMs(record: { readonly state: { readonly minuteMs: number } }, minutes: number = DEFAULT_VOICE_ATTENDANCE_MINUTES): number {
  return minutes * record.state.minuteMs;
}

export type TurnPressProblem = TurnProblem | { readonly kind: 'no-turns' };

const bump = (turns: TurnRound, queue: TurnQueue): TurnRound => (queue === turns.queue ? turns : { ...turns, queue, revision: turns.revision + 1 });

/** Whether the meeting's current round is a sharing round in voice. */
export function isSharingNow(record: MeetingRecord): boolean {
  return Boolean(record.voiceChannelId) && record.state.status !== 'ended' && currentRound(record.state).turns === true;
}

/**
 * The current sharing round's order starts from who is in voice (or, on a Stage, the raised hands),
 * in this meeting's fair order. Null when it already started (or the round is not a sharing round).
 */
export function withTurnsStarted(record: MeetingRecord, roster: VoiceRoster, stage: boolean, now: Date): MeetingRecord | null {
  if (!isSharingNow(record)) return null;
  const { state } = record;
  if (record.turns?.roundIndex === state.roundIndex) return null;
  const round = { minutes: currentRound(state).minutes, ...(currentRound(state).shareMinutes ? { shareMinutes: currentRound(state).shareMinutes } : {}) };
  const common = { round, now, minuteMs: state.minuteMs, graceMs: graceMs(state.minuteMs) };
  const queue = stage
    ? startStageRound({ ...common, hands: roster.hands })
    : startSharingRound({ ...common, present: roster.present, seed: { meetingNumber: record.meetingNumber ?? 0 } });
  const turns: TurnRound = {
    roundIndex: state.roundIndex,
    stage,
    queue,
    messageId: null,
    revision: 0,
    renderedRevision: -1,
    inviteSpeaker: record.turns?.inviteSpeaker ?? false,
    invited: record.turns?.invited ?? null,
    inviteRefused: record.turns?.inviteRefused ?? false,
  };
  return { ...record, turns };
}

/**
 * Two format minutes, and never less than 2 real seconds: long enough for a dropped connection to come
 * back, short enough that a member who left does not hold the order up for long.
 */
export function graceMs(minuteMs: number): number {
  return Math.max(2_000, 2 * minuteMs);
}

/** The running sharing round of this record, when presses and presence apply to it. */
function liveTurns(record: MeetingRecord): TurnRound | null {
  const turns = record.turns;
  if (!turns || !isSharingNow(record) || turns.roundIndex !== record.state.roundIndex) return null;
  return turns;
}

/**
 * A button on the speaking-order message. `roundIndex` is the round the message was posted for: a
 * press on an older round's message is `no-turns`.
 */
export function withTurnPress(
  record: MeetingRecord,
  roundIndex: number,
  button: TurnButton,
  actor: TurnActor,
  now: Date,
): Result<MeetingRecord, TurnPressProblem> {
  const turns = liveTurns(record);
  if (!turns || turns.roundIndex !== roundIndex) return err({ kind: 'no-turns' });
  const pressed =
    button === 'done'
      ? done(turns.queue, actor, now)
      : button === 'pass'
        ? pass(turns.queue, actor.memberId, now)
        : button === 'later'
          ? later(turns.queue, actor.memberId, now)
          : addMe(turns.queue, actor.memberId, now);
  if (!pressed.ok) return pressed;
  const next = { ...record, turns: bump(turns, pressed.value) };
  // Asking for a turn is taking part, as a round action is.
  return ok(button === 'add-me' ? withAttendee(next, actor.memberId) : next);
}

/**
 * A member came into the meeting's voice channel (`inVoice`) or left it (or moved elsewhere). Their
 * time counts towards attendance, and in a sharing round they join the order (at the end) or keep their
 * place for the grace period. On a Stage a listener is not a speaker: they join the order by raising a
 * hand (`handRaised`), not by being there, and lowering it while waiting (`handLowered`) passes. Returns
 * the same record when nothing changed.
 */
export function withPresence(
  record: MeetingRecord,
  memberId: string,
  presence: { readonly inVoice: boolean; readonly handRaised: boolean; readonly handLowered?: boolean },
  now: Date,
  attendMs: number,
): MeetingRecord {
  if (record.state.status === 'ended' || !record.voiceChannelId) return record;
  let next = withPresenceTime(record, memberId, presence.inVoice, now, attendMs);
  const turns = liveTurns(next);
  if (turns) {
    let queue = turns.queue;
    if (!presence.inVoice) queue = leave(queue, memberId, now);
    else if (!turns.stage) queue = join(queue, memberId, now);
    else if (presence.handRaised) {
      const asked = addMe(queue, memberId, now);
      queue = asked.ok ? asked.value : join(queue, memberId, now);
    } else if (presence.handLowered && queue.waiting.includes(memberId)) {
      // A listener who lowers their hand before their turn has chosen not to speak: a pass, no questions.
      const passed = pass(queue, memberId, now);
      if (passed.ok) queue = passed.value;
    } else if (queue.away.some((away) => away.memberId === memberId)) queue = join(queue, memberId, now);
    // On a Stage being there is listening: only someone already in the order comes back to their place.
    next = { ...next, turns: bump(turns, queue) };
  }
  return next;
}

/**
 * Moves the order past grace periods that ended (a timer calls this), and counts the time of everyone
 * still in voice: those who reached the threshold become attendees.
 */
export function withVoiceSettled(record: MeetingRecord, now: Date, attendMs: number): MeetingRecord {
  let next = record;
  for (const presence of record.voicePresence ?? []) {
    if (presence.since !== null) next = credit(next, presence.memberId, now, attendMs, true);
  }
  const turns = liveTurns(next);
  if (turns) next = { ...next, turns: bump(turns, settle(turns.queue, now)) };
  return next;
}

/**
 * The meeting ended: time in voice up to its end counts, and then every running total is dropped
 * (only the yes stays), and so is any leave time in the speaking order (its grace period is over with
 * the round). Nothing is kept of who was in voice when.
 */
export function withVoiceClosed(record: MeetingRecord, attendMs: number): MeetingRecord {
  const end = new Date(record.state.endedAt ?? record.state.startedAt);
  let next = record;
  for (const presence of record.voicePresence ?? []) next = credit(next, presence.memberId, end, attendMs, true);
  if (next.voicePresence && next.voicePresence.length > 0) next = { ...next, voicePresence: [] };
  const turns = next.turns;
  if (turns && turns.queue.away.length > 0) next = { ...next, turns: { ...turns, queue: { ...turns.queue, away: [] } } };
  return next;
}

/**
 * Who is in voice now (a restart re-reads the gateway's voice states): members the record thinks are in
 * voice but are not have left, members in voice it does not know have joined.
 */
export function withRoster(record: MeetingRecord, roster: VoiceRoster, now: Date, attendMs: number): MeetingRecord {
  const present = new Set(roster.present);
  const handUp = new Set(roster.hands.map((hand) => hand.memberId));
  let next = record;
  for (const presence of record.voicePresence ?? []) {
    if (presence.since !== null && !present.has(presence.memberId))
      next = withPresence(next, presence.memberId, { inVoice: false, handRaised: false }, now, attendMs);
  }
  const turns = liveTurns(next);
  for (const away of turns?.queue.away ?? []) {
    if (present.has(away.memberId)) next = withPresence(next, away.memberId, { inVoice: true, handRaised: false }, now, attendMs);
  }
  for (const memberId of roster.present) {
    const known = (next.voicePresence ?? []).find((presence) => presence.memberId === memberId);
    if (!known || known.since === null) next = withPresence(next, memberId, { inVoice: true, handRaised: handUp.has(memberId) }, now, attendMs);
  }
  return next;
}

function withPresenceTime(record: MeetingRecord, memberId: string, inVoice: boolean, now: Date, attendMs: number): MeetingRecord {
  if (record.attendees.includes(memberId)) return record;
  const list = record.voicePresence ?? [];
  const known = list.find((presence) => presence.memberId === memberId);
  if (inVoice) {
    if (known?.since) return record;
    const started: VoicePresence = { memberId, since: now.toISOString(), ms: known?.ms ?? 0 };
    return { ...record, voicePresence: [...list.filter((presence) => presence.memberId !== memberId), started] };
  }
  if (!known?.since) return record;
  return credit(record, memberId, now, attendMs, false);
}

/** Adds the running stretch to the member's total; at the threshold they are an attendee and the total goes. */
function credit(record: MeetingRecord, memberId: string, now: Date, attendMs: number, stillIn: boolean): MeetingRecord {
  const list = record.voicePresence ?? [];
  const known = list.find((presence) => presence.memberId === memberId);
  if (!known) return record;
  const total = known.ms + (known.since === null ? 0 : Math.max(0, now.getTime() - Date.parse(known.since)));
  const others = list.filter((presence) => presence.memberId !== memberId);
  if (total >= attendMs) return { ...withAttendee(record, memberId), voicePresence: others };
  const kept: VoicePresence = { memberId, since: stillIn && known.since !== null ? now.toISOString() : null, ms: total };
  return { ...record, voicePresence: [...others, kept] };
}

function withAttendee(record: MeetingRecord, memberId: string): MeetingRecord {
  return record.attendees.includes(memberId) ? record : { ...record, attendees: [...record.attendees, memberId] };
}

/** A moderator turns "invite the speaker" on or off (Stage). */
export function withInviteSpeaker(record: MeetingRecord, on: boolean): Result<MeetingRecord, TurnPressProblem> {
  const turns = liveTurns(record);
  if (!turns) return err({ kind: 'no-turns' });
  return ok({ ...record, turns: { ...turns, inviteSpeaker: on, revision: turns.revision + 1 } });
}
