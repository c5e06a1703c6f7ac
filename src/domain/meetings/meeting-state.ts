import { err, ok, type Result } from '../result.ts';
import type { MeetingAction, MeetingFormat, ShareMinutes } from './format.ts';

/**
 * The round state machine of one meeting, as pure functions: state and `now` in, new state out.
 *
 * Built for a bot that can crash and restart at any moment:
 * - The state is plain JSON (ISO strings, numbers, no Dates) and is the only truth: store it before
 *   answering anyone, and re-arm a single timer from `nextDeadline(state)` after every change and at
 *   start-up.
 * - The rounds are copied into the state when the meeting starts, so editing a format file (or a
 *   restart with a newer one) never changes a meeting that is already running.
 * - Timers never call `advance`; they call `catchUp(state, now)`, which only moves past deadlines that
 *   have really passed. A late, duplicate or stale timer (for a round that was extended or already
 *   moved on) therefore changes nothing, and after downtime each round's deadline is counted from the
 *   previous deadline, not from the moment the bot came back.
 * - Commands (`advance`, `extend`, `pause`, `resume`, `end`) assume the caller has already applied
 *   `catchUp` with the same `now`, so they act on the round that is really current.
 * - `revision` goes up by one with every change, for compare-and-set storage.
 */

export interface MeetingRoundPlan {
  readonly id: string;
  readonly minutes: number;
  readonly actions: readonly MeetingAction[];
  /**
   * A sharing round: members in the meeting's voice channel take turns (src/domain/meetings/turns.ts).
   * Copied from the format at start like the rest of the plan; absent (not a sharing round) in meetings
   * stored before sharing rounds existed.
   */
  readonly turns?: boolean;
  /** A sharing round's bounds on one share, when its format sets them (else the defaults). */
  readonly shareMinutes?: ShareMinutes;
}

export type MeetingStatus = 'running' | 'paused' | 'ended';

export interface MeetingState {
  readonly id: string;
  /** The format's name, to look up titles and prompts for posting. */
  readonly format: string;
  /** A copy of the format's rounds at start (possibly scaled). */
  readonly rounds: readonly MeetingRoundPlan[];
  /** How long one format "minute" lasts: 60 000 ms, or a few seconds for the demo and tests. */
  readonly minuteMs: number;
  readonly status: MeetingStatus;
  /** The current round; after the meeting ends, the round it ended in. */
  readonly roundIndex: number;
  readonly roundStartedAt: string;
  /** Deadline of the current round while running; null while paused or ended. */
  readonly roundEndsAt: string | null;
  /** While paused: when the pause began. */
  readonly pausedAt: string | null;
  /** While paused: what was left of the round, in ms (never negative). */
  readonly remainingMs: number | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** 'completed': the last round ran out or was moved past; 'ended-early': a moderator ended it. */
  readonly endReason: 'completed' | 'ended-early' | null;
  readonly chairId: string | null;
  readonly revision: number;
}

export const EXTEND_MINUTES = { min: 1, max: 60 } as const;

export type MeetingProblem =
  | { readonly kind: 'already-ended' }
  | { readonly kind: 'already-paused' }
  | { readonly kind: 'not-paused' }
  | { readonly kind: 'extend-out-of-range'; readonly min: 1; readonly max: 60 };

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (isoString: string) => Date.parse(isoString);
const roundMs = (state: Pick<MeetingState, 'minuteMs'>, round: MeetingRoundPlan) => round.minutes * state.minuteMs;

export interface StartMeetingInput {
  readonly id: string;
  readonly format: MeetingFormat;
  readonly now: Date;
  readonly chairId: string | null;
  /** Length of a format minute in ms; default 60 000. */
  readonly minuteMs?: number;
}

/**
 * A meeting running its first round from `now`. Throws only for a programming error (a format with no
 * rounds or a non-positive `minuteMs`), which a checked format never causes.
 */
export function startMeeting(input: StartMeetingInput): MeetingState {
  const minuteMs = input.minuteMs ?? 60_000;
  if (!Number.isInteger(minuteMs) || minuteMs <= 0) throw new RangeError(`minuteMs must be a positive whole number, got ${minuteMs}`);
  const first = input.format.rounds[0];
  if (first === undefined) throw new RangeError(`format "${input.format.name}" has no rounds`);
  const start = input.now.getTime();
  return {
    id: input.id,
    format: input.format.name,
    rounds: input.format.rounds.map((round) => ({
      id: round.id,
      minutes: round.minutes,
      actions: [...round.actions],
      ...(round.turns ? { turns: true, ...(round.shareMinutes ? { shareMinutes: { ...round.shareMinutes } } : {}) } : {}),
    })),
    minuteMs,
    status: 'running',
    roundIndex: 0,
    roundStartedAt: iso(start),
    roundEndsAt: iso(start + first.minutes * minuteMs),
    pausedAt: null,
    remainingMs: null,
    startedAt: iso(start),
    endedAt: null,
    endReason: null,
    chairId: input.chairId,
    revision: 0,
  };
}

/** Round `index` running from `startMs`; the meeting ended at `startMs` when there is no such round. */
function enterRound(state: MeetingState, index: number, startMs: number): MeetingState {
  const round = state.rounds[index];
  if (round === undefined) return finish(state, startMs, 'completed');
  return {
    ...state,
    status: 'running',
    roundIndex: index,
    roundStartedAt: iso(startMs),
    roundEndsAt: iso(startMs + roundMs(state, round)),
    pausedAt: null,
    remainingMs: null,
  };
}

function finish(state: MeetingState, atMs: number, endReason: 'completed' | 'ended-early'): MeetingState {
  return { ...state, status: 'ended', roundEndsAt: null, pausedAt: null, remainingMs: null, endedAt: iso(atMs), endReason };
}

const changed = (state: MeetingState): MeetingState => ({ ...state, revision: state.revision + 1 });

/**
 * The next round starts now (a moderator's "next"; a paused meeting runs again); after the last round
 * the meeting ends as completed.
 */
export function advance(state: MeetingState, now: Date): Result<MeetingState, MeetingProblem> {
  if (state.status === 'ended') return err({ kind: 'already-ended' });
  return ok(changed(enterRound(state, state.roundIndex + 1, now.getTime())));
}

/**
 * More time for the current round: 1 to 60 whole minutes. Running: the deadline moves later (from now
 * if it had already passed and no timer has fired yet). Paused: the time left grows.
 */
export function extend(state: MeetingState, minutes: number, now: Date): Result<MeetingState, MeetingProblem> {
  if (state.status === 'ended') return err({ kind: 'already-ended' });
  if (!Number.isInteger(minutes) || minutes < EXTEND_MINUTES.min || minutes > EXTEND_MINUTES.max) {
    return err({ kind: 'extend-out-of-range', ...EXTEND_MINUTES });
  }
  const extra = minutes * state.minuteMs;
  if (state.status === 'paused') return ok(changed({ ...state, remainingMs: (state.remainingMs ?? 0) + extra }));
  const deadline = Math.max(ms(state.roundEndsAt!), now.getTime());
  return ok(changed({ ...state, roundEndsAt: iso(deadline + extra) }));
}

/** Stops the clock, keeping what is left of the round. Members can still act in a paused round. */
export function pause(state: MeetingState, now: Date): Result<MeetingState, MeetingProblem> {
  if (state.status === 'ended') return err({ kind: 'already-ended' });
  if (state.status === 'paused') return err({ kind: 'already-paused' });
  const remainingMs = Math.max(0, ms(state.roundEndsAt!) - now.getTime());
  return ok(changed({ ...state, status: 'paused', roundEndsAt: null, pausedAt: now.toISOString(), remainingMs }));
}

/** Starts the clock again: the round ends after the time that was left when it was paused. */
export function resume(state: MeetingState, now: Date): Result<MeetingState, MeetingProblem> {
  if (state.status === 'ended') return err({ kind: 'already-ended' });
  if (state.status === 'running') return err({ kind: 'not-paused' });
  return ok(changed({ ...state, status: 'running', roundEndsAt: iso(now.getTime() + (state.remainingMs ?? 0)), pausedAt: null, remainingMs: null }));
}

/** A moderator ends the meeting now, whatever round it is in. */
export function end(state: MeetingState, now: Date): Result<MeetingState, MeetingProblem> {
  if (state.status === 'ended') return err({ kind: 'already-ended' });
  return ok(changed(finish(state, now.getTime(), 'ended-early')));
}

/**
 * Moves past every round whose deadline is at or before `now`, each next round starting at the previous
 * deadline; past the last round the meeting ends (as completed, at the last deadline). Used by the
 * timer and at start-up after downtime. A paused or ended meeting does not move. `advancedRounds` is how
 * many rounds ended (0: nothing changed, nothing to store or announce).
 */
export function catchUp(state: MeetingState, now: Date): { state: MeetingState; advancedRounds: number } {
  let current = state;
  let advancedRounds = 0;
  const nowMs = now.getTime();
  while (current.status === 'running' && ms(current.roundEndsAt!) <= nowMs) {
    current = enterRound(current, current.roundIndex + 1, ms(current.roundEndsAt!));
    advancedRounds += 1;
  }
  return { state: advancedRounds === 0 ? state : changed(current), advancedRounds };
}

/** When the timer must fire next: the current round's deadline while running, otherwise null. */
export function nextDeadline(state: MeetingState): Date | null {
  return state.status === 'running' && state.roundEndsAt !== null ? new Date(state.roundEndsAt) : null;
}

/** The current round's plan (the last round once ended). */
export function currentRound(state: MeetingState): MeetingRoundPlan {
  return state.rounds[state.roundIndex]!;
}

/** Time left in the current round, for `/meeting status`: 0 once passed, null once ended. */
export function remainingInRound(state: MeetingState, now: Date): number | null {
  if (state.status === 'ended') return null;
  if (state.status === 'paused') return state.remainingMs ?? 0;
  return Math.max(0, ms(state.roundEndsAt!) - now.getTime());
}

export type ActionProblem =
  | { readonly kind: 'meeting-ended' }
  /** The button belongs to a round that is over (a stale button): answer "this round has ended". */
  | { readonly kind: 'round-ended' }
  | { readonly kind: 'not-in-round' };

/**
 * Whether a member's action from a button posted for round `roundIndex` counts now. Rounds past their
 * deadline count as ended even before the timer has fired; a paused round still accepts actions (the
 * pause stops the clock, not the conversation).
 */
export function acceptsAction(state: MeetingState, roundIndex: number, action: MeetingAction, now: Date): Result<MeetingRoundPlan, ActionProblem> {
  if (state.status === 'ended') return err({ kind: 'meeting-ended' });
  const pastDeadline = state.status === 'running' && ms(state.roundEndsAt!) <= now.getTime();
  if (roundIndex !== state.roundIndex || pastDeadline) return err({ kind: 'round-ended' });
  const round = currentRound(state);
  if (!round.actions.includes(action)) return err({ kind: 'not-in-round' });
  return ok(round);
}
