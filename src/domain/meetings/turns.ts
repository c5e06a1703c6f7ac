import { err, ok, type Result } from '../result.ts';
import { compareIds, fairOrder, type RaisedHand, type RotationSeed, raisedHandOrder } from './fair-order.ts';
import { DEFAULT_SHARE_MINUTES, type ShareMinutes } from './format.ts';

/**
 * The speaking order of a sharing round (a round with `turns: true`), as pure functions: queue and
 * `now` in, new queue out. Plain JSON (ISO strings, numbers), so it can be stored like `MeetingState`.
 *
 * - The round starts with the members present in voice in a fair order (`fair-order.ts`), or in a
 *   Stage channel with the raised hands, first raised first. In a Stage channel listeners are not
 *   speakers: a hand raised during the round is `addMe`, not `join`.
 * - Members who join late go to the end. Members who leave keep their place for a grace period, so a
 *   dropped connection loses nothing: a waiting member who is away is passed over until they are back
 *   (then they are next), and only when the grace period ends are they taken out of the order.
 * - Done (the speaker or a moderator) ends the share; Pass (the member's own choice, never explained)
 *   gives the turn up; Later (once per member) moves them to the end; Add me puts someone who is
 *   listening in text at the end. Nobody else can pass or move a member, so a turn is never lost unless
 *   its member chose so (or left for longer than the grace period).
 * - Each share has a gentle time box: the round's minutes divided by its speakers, within the round's
 *   `shareMinutes` bounds. It is shown, never enforced: only Done, Pass and Later move the order on.
 * - Presence is kept only as attendance: `attended` is who was in the round; a leave time is kept only
 *   while its grace period runs and is dropped with it.
 *
 * Voice events (`join`, `leave`) always succeed and are idempotent, as gateway events can repeat;
 * button presses return a `TurnProblem` the member can be told about. Every function first settles
 * grace periods that ended by `now` (`settle`); a timer can call `settle` at `nextTurnDeadline(queue)`.
 */

export interface CurrentShare {
  readonly memberId: string;
  /** ISO instant the share began. */
  readonly since: string;
  /** The share's time box, fixed when it began. */
  readonly timeBoxMs: number;
}

export interface AwayMember {
  readonly memberId: string;
  /** ISO instant they left voice; they keep their place until `leftAt + graceMs`. */
  readonly leftAt: string;
}

/** How a turn ended: `shared` (Done, or the speaker left for good after starting) or `passed` (their choice). */
export type TurnOutcome = 'shared' | 'passed';

export interface TurnQueue {
  readonly roundMinutes: number;
  /** How long one format "minute" lasts: 60 000 ms, or less for the demo and tests. */
  readonly minuteMs: number;
  readonly shareMinutes: ShareMinutes;
  readonly graceMs: number;
  /** Null when nobody is speaking: everyone has had their turn, or everyone left is away. */
  readonly current: CurrentShare | null;
  /** Who speaks after the current speaker, in order (away members keep their place here). */
  readonly waiting: readonly string[];
  /** Turns taken, in the order they ended. */
  readonly had: ReadonlyArray<{ readonly memberId: string; readonly outcome: TurnOutcome }>;
  /** Members who already used their one Later. */
  readonly laterUsed: readonly string[];
  /** Members out of voice within their grace period, by when they left. */
  readonly away: readonly AwayMember[];
  /** Everyone who was in the round, sorted: attendance only (a yes), never when. */
  readonly attended: readonly string[];
}

export type TurnProblem =
  /** Done pressed by someone who is neither the speaker nor a moderator. */
  | { readonly kind: 'not-your-turn'; readonly current: string | null }
  /** Done pressed when nobody is speaking. */
  | { readonly kind: 'no-one-speaking' }
  /** Add me by someone who is already speaking or waiting. */
  | { readonly kind: 'already-in-queue' }
  /** Pass, Later or Add me by someone who has already shared in this round. */
  | { readonly kind: 'already-had-turn' }
  /** Pass or Later by someone who is not in the order (Add me puts them in). */
  | { readonly kind: 'not-in-queue' }
  | { readonly kind: 'later-already-used' }
  /** Later by someone nobody would come after: it would change nothing, so their one Later is kept. */
  | { readonly kind: 'already-last' };

/** How long a member out of voice keeps their place. */
export const DEFAULT_LEAVE_GRACE_MS = 2 * 60_000;

export interface SharingRoundPlan {
  readonly minutes: number;
  readonly shareMinutes?: ShareMinutes;
}

interface StartCommon {
  readonly round: SharingRoundPlan;
  readonly now: Date;
  /** Length of a format minute in ms; default 60 000. */
  readonly minuteMs?: number;
  readonly graceMs?: number;
}

export interface StartSharingInput extends StartCommon {
  /** Members in the voice channel when the round starts. */
  readonly present: readonly string[];
  readonly seed: RotationSeed;
}

export interface StartStageInput extends StartCommon {
  /** Raised hands in the Stage channel when the round starts. */
  readonly hands: readonly RaisedHand[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (isoString: string) => Date.parse(isoString);
const without = (list: readonly string[], memberId: string) => list.filter((id) => id !== memberId);
const withAttended = (attended: readonly string[], memberId: string) => (attended.includes(memberId) ? attended : [...attended, memberId].sort(compareIds));

/** A sharing round in this meeting's fair order, the first speaker starting at `now`. */
export function startSharingRound(input: StartSharingInput): TurnQueue {
  return begin(input, fairOrder(input.present, input.seed));
}

/** A sharing round in a Stage channel: raised hands in the order they went up. */
export function startStageRound(input: StartStageInput): TurnQueue {
  return begin(input, raisedHandOrder(input.hands));
}

function begin(input: StartCommon, order: readonly string[]): TurnQueue {
  const minuteMs = input.minuteMs ?? 60_000;
  if (!Number.isInteger(minuteMs) || minuteMs <= 0) throw new RangeError(`minuteMs must be a positive whole number, got ${minuteMs}`);
  const graceMs = input.graceMs ?? DEFAULT_LEAVE_GRACE_MS;
  if (!Number.isFinite(graceMs) || graceMs < 0) throw new RangeError(`graceMs must not be negative, got ${graceMs}`);
  const queue: TurnQueue = {
    roundMinutes: input.round.minutes,
    minuteMs,
    shareMinutes: input.round.shareMinutes ?? DEFAULT_SHARE_MINUTES,
    graceMs,
    current: null,
    waiting: [...order],
    had: [],
    laterUsed: [],
    away: [],
    attended: [...order].sort(compareIds),
  };
  return fill(queue, input.now.getTime());
}

/**
 * The time box of a share beginning now: the round's time divided by everyone who shares in it (who
 * shared, is speaking or is waiting; not who passed), within the `shareMinutes` bounds.
 */
export function shareTimeBoxMs(queue: TurnQueue): number {
  const speakers = queue.had.filter((turn) => turn.outcome === 'shared').length + (queue.current === null ? 0 : 1) + queue.waiting.length;
  const min = queue.shareMinutes.min * queue.minuteMs;
  const max = queue.shareMinutes.max * queue.minuteMs;
  if (speakers === 0) return max;
  return Math.min(max, Math.max(min, Math.floor((queue.roundMinutes * queue.minuteMs) / speakers)));
}

const isAway = (queue: TurnQueue, memberId: string) => queue.away.some((away) => away.memberId === memberId);

/** When nobody speaks, the first waiting member who is not away begins at `atMs`. */
function fill(queue: TurnQueue, atMs: number): TurnQueue {
  if (queue.current !== null) return queue;
  const next = queue.waiting.find((memberId) => !isAway(queue, memberId));
  if (next === undefined) return queue;
  // The speaker count is the same before and after `next` moves from waiting to speaking.
  return { ...queue, waiting: without(queue.waiting, next), current: { memberId: next, since: iso(atMs), timeBoxMs: shareTimeBoxMs(queue) } };
}

/** The current share ends with `outcome` at `atMs`, and the next member begins. */
function endShare(queue: TurnQueue, outcome: TurnOutcome, atMs: number): TurnQueue {
  if (queue.current === null) return queue;
  const ended = { ...queue, current: null, had: [...queue.had, { memberId: queue.current.memberId, outcome }] };
  return fill(ended, atMs);
}

/**
 * Takes out every member whose grace period ended by `now`, in the order their periods ended. A speaker
 * who does not come back has had their turn (`shared`), and the next share begins when their grace
 * period ended. When nothing ended, the same queue comes back.
 */
export function settle(queue: TurnQueue, now: Date): TurnQueue {
  const nowMs = now.getTime();
  const expired = queue.away.filter((away) => ms(away.leftAt) + queue.graceMs <= nowMs);
  if (expired.length === 0) return queue;
  let next = queue;
  for (const away of expired) {
    const atMs = ms(away.leftAt) + queue.graceMs;
    next = { ...next, away: next.away.filter((other) => other.memberId !== away.memberId) };
    if (next.current?.memberId === away.memberId) next = endShare(next, 'shared', atMs);
    else next = { ...next, waiting: without(next.waiting, away.memberId) };
  }
  return next;
}

/** When the next grace period ends (for a timer that calls `settle`), or null when nobody is away. */
export function nextTurnDeadline(queue: TurnQueue): string | null {
  if (queue.away.length === 0) return null;
  return iso(Math.min(...queue.away.map((away) => ms(away.leftAt))) + queue.graceMs);
}

/**
 * A member is in voice. Back within the grace period: their place is kept (and if nobody is speaking,
 * they begin). New to the round: they go to the end. Already in the order, or already had their turn
 * (shared or passed): nothing changes; Add me is how someone who passed asks for a turn after all.
 */
export function join(queue: TurnQueue, memberId: string, now: Date): TurnQueue {
  const settled = settle(queue, now);
  const nowMs = now.getTime();
  if (isAway(settled, memberId)) return fill({ ...settled, away: settled.away.filter((away) => away.memberId !== memberId) }, nowMs);
  if (settled.current?.memberId === memberId || settled.waiting.includes(memberId)) return settled;
  if (settled.had.some((turn) => turn.memberId === memberId)) return settled;
  return fill({ ...settled, waiting: [...settled.waiting, memberId], attended: withAttended(settled.attended, memberId) }, nowMs);
}

/**
 * A member left voice. If they are speaking or waiting, they keep their place for the grace period
 * (a speaker's time goes on; Done still moves on). Otherwise nothing changes.
 */
export function leave(queue: TurnQueue, memberId: string, now: Date): TurnQueue {
  const settled = settle(queue, now);
  if (isAway(settled, memberId)) return settled;
  if (settled.current?.memberId !== memberId && !settled.waiting.includes(memberId)) return settled;
  return { ...settled, away: [...settled.away, { memberId, leftAt: now.toISOString() }] };
}

export interface TurnActor {
  readonly memberId: string;
  readonly isModerator: boolean;
}

/** Done: the speaker (or a moderator) ends the share, and the next member begins. */
export function done(queue: TurnQueue, actor: TurnActor, now: Date): Result<TurnQueue, TurnProblem> {
  const settled = settle(queue, now);
  if (settled.current === null) return err({ kind: 'no-one-speaking' });
  if (settled.current.memberId !== actor.memberId && !actor.isModerator) return err({ kind: 'not-your-turn', current: settled.current.memberId });
  return ok(endShare(settled, 'shared', now.getTime()));
}

/**
 * Pass: the member gives up their turn, now (if speaking) or ahead of time (if waiting). Only the member
 * themselves can pass, and nobody asks why.
 */
export function pass(queue: TurnQueue, memberId: string, now: Date): Result<TurnQueue, TurnProblem> {
  const settled = settle(queue, now);
  if (settled.current?.memberId === memberId) return ok(endShare(settled, 'passed', now.getTime()));
  if (settled.waiting.includes(memberId)) {
    return ok({
      ...settled,
      waiting: without(settled.waiting, memberId),
      away: settled.away.filter((away) => away.memberId !== memberId),
      had: [...settled.had, { memberId, outcome: 'passed' }],
    });
  }
  return err(notQueued(settled, memberId));
}

/**
 * Later: the member moves to the end of the order, once per round. A speaker who asks for later stops
 * and the next member begins. Refused (keeping their Later) when nobody would come after them.
 */
export function later(queue: TurnQueue, memberId: string, now: Date): Result<TurnQueue, TurnProblem> {
  const settled = settle(queue, now);
  const speaking = settled.current?.memberId === memberId;
  if (!speaking && !settled.waiting.includes(memberId)) return err(notQueued(settled, memberId));
  if (settled.laterUsed.includes(memberId)) return err({ kind: 'later-already-used' });
  const others = without(settled.waiting, memberId);
  const nobodyAfter = speaking ? others.every((id) => isAway(settled, id)) : settled.waiting.at(-1) === memberId;
  if (nobodyAfter) return err({ kind: 'already-last' });
  const moved = { ...settled, waiting: [...others, memberId], laterUsed: [...settled.laterUsed, memberId] };
  return ok(speaking ? fill({ ...moved, current: null }, now.getTime()) : moved);
}

/**
 * Add me: someone listening (in text, or who passed and changed their mind) asks for a turn and goes to
 * the end; if nobody is speaking, they begin now.
 */
export function addMe(queue: TurnQueue, memberId: string, now: Date): Result<TurnQueue, TurnProblem> {
  const settled = settle(queue, now);
  if (settled.current?.memberId === memberId || settled.waiting.includes(memberId)) return err({ kind: 'already-in-queue' });
  if (settled.had.some((turn) => turn.memberId === memberId && turn.outcome === 'shared')) return err({ kind: 'already-had-turn' });
  const had = settled.had.filter((turn) => turn.memberId !== memberId);
  return ok(fill({ ...settled, had, waiting: [...settled.waiting, memberId], attended: withAttended(settled.attended, memberId) }, now.getTime()));
}

function notQueued(queue: TurnQueue, memberId: string): TurnProblem {
  return queue.had.some((turn) => turn.memberId === memberId) ? { kind: 'already-had-turn' } : { kind: 'not-in-queue' };
}

export interface TurnStatus {
  /** Who is speaking, or null. */
  readonly speaker: string | null;
  readonly since: string | null;
  /** When the speaker's gentle time box ends (shown, not enforced). */
  readonly timeBoxEndsAt: string | null;
  /** Who comes next (away members are passed over until they are back). */
  readonly next: string | null;
  /** How many are waiting after the speaker, away ones included (they keep their place). */
  readonly waiting: number;
  /** Everyone has had their turn: nobody speaking and nobody waiting (away members still wait). */
  readonly finished: boolean;
}

/** Whose turn it is and how many are waiting, for the speaking-order message and `/meeting status`. */
export function turnStatus(queue: TurnQueue, now: Date): TurnStatus {
  const settled = settle(queue, now);
  const current = settled.current;
  return {
    speaker: current?.memberId ?? null,
    since: current?.since ?? null,
    timeBoxEndsAt: current === null ? null : iso(ms(current.since) + current.timeBoxMs),
    next: settled.waiting.find((memberId) => !isAway(settled, memberId)) ?? null,
    waiting: settled.waiting.length,
    finished: current === null && settled.waiting.length === 0,
  };
}
