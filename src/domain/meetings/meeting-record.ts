import { REMOVED_MEMBER } from '../removed-member.ts';
import { DEFAULT_SMALL_GROUP_BELOW, MIN_RATINGS_SHOWN, shownCount, type ShownCount } from '../small-numbers.ts';
import type { MeetingAction } from './format.ts';
import type { MeetingState } from './meeting-state.ts';
import { pass, type TurnQueue } from './turns.ts';

/**
 * A member's rating of a meeting (evaluation round). The comment is never shown with a name: when the
 * meeting ends it goes to the circle's moderators without names if at least {@link MIN_RATINGS_SHOWN}
 * members rated (and the circle has a moderators' channel), and then it is forgotten either way.
 */
export interface MeetingRating {
  readonly memberId: string;
  readonly score: 1 | 2 | 3 | 4 | 5;
  readonly comment: string | null;
  /** A comment kept private (for example one with crisis words): never forwarded. Absent means false. */
  readonly withheld?: boolean;
}

/** A post the bot made in the meeting's thread for one member (their shared check-in), so deleting their data can find it. */
export interface MemberPost {
  readonly memberId: string;
  readonly messageId: string;
}

/**
 * A member's shared check-in stored but not yet posted in the thread (the outbox): its words are kept
 * only until Discord took the post, then only the post's id stays (as a {@link MemberPost}).
 */
export interface PendingCheckIn {
  /** Short and unique within the meeting: the post's nonce is built from it. */
  readonly id: string;
  readonly memberId: string;
  readonly words: string;
}

/** The sharing round whose order is shown in the thread. */
export interface TurnRound {
  /** The round it belongs to: presses from another round's message are stale. */
  readonly roundIndex: number;
  /** Raised hands set the order (a Stage channel). */
  readonly stage: boolean;
  readonly queue: TurnQueue;
  /** The speaking-order message in the thread, once posted. */
  readonly messageId: string | null;
  /** Goes up with every change, so the message is edited once per change. */
  readonly revision: number;
  readonly renderedRevision: number;
  /** Stage: a moderator asked the bot to invite the current speaker to speak. */
  readonly inviteSpeaker: boolean;
  /** Stage: whom the bot last invited to speak (moved back to the audience when the turn passes on). */
  readonly invited: string | null;
  /** The bot was refused what "invite the speaker" needs; said once in the thread. */
  readonly inviteRefused: boolean;
}

/** A member's time in voice so far, while they are not yet an attendee. */
export interface VoicePresence {
  readonly memberId: string;
  /** ISO instant the current stretch began; null while out of voice. */
  readonly since: string | null;
  /** Time in earlier stretches. */
  readonly ms: number;
}

/**
 * Everything about one meeting that must survive a restart: its state machine, where it lives in
 * Discord, what has already been posted (so nothing is posted twice), and what members did.
 */
export interface MeetingRecord {
  readonly state: MeetingState;
  readonly guildId: string;
  readonly channelId: string;
  readonly startedBy: string;
  /** A volunteer invited to chair by rotation (the starter chairs unless they hand over). */
  readonly suggestedChairId: string | null;
  /** The opening post in the circle channel; the meeting's thread starts from it (same id). */
  readonly openingMessageId: string | null;
  readonly threadId: string | null;
  /** Round index -> the message posted for it. A round without an entry has not been posted yet. */
  readonly roundMessages: Readonly<Record<string, string>>;
  /** Round indexes whose message was last rendered with live buttons (to disable them once). */
  readonly liveRounds: readonly number[];
  readonly summaryMessageId: string | null;
  /** Short notes still to be posted in the thread (for example "the bot was away; moved on to ..."). */
  readonly pendingNotes: readonly string[];
  /** The state revision the current round's message last showed (deadline, paused), to edit it once per change. */
  readonly renderedRevision: number;
  /** Members who took any action, in order of first action. */
  readonly attendees: readonly string[];
  readonly actions: Readonly<Partial<Record<MeetingAction, number>>>;
  readonly requestIds: readonly string[];
  readonly ratings: readonly MeetingRating[];
  /**
   * What became of the rating comments once the meeting ended: posted to the moderators' channel (without
   * names) or not shown to anyone. Either way the comments are then removed from the ratings. Absent
   * until decided (and in records stored before it existed).
   */
  readonly moderatorComments?: 'posted' | 'not-shown';
  /** The bot's posts in the thread made for a member (shared check-ins). Absent in records stored before it existed. */
  readonly sharedPosts?: readonly MemberPost[];
  /** Shared check-ins stored but not yet posted (see {@link PendingCheckIn}). Absent in records stored before it existed. */
  readonly pendingCheckIns?: readonly PendingCheckIn[];
  /** The voice or Stage channel the meeting talks in (src/domain/meetings/voice-turns.ts). Absent or null: a text-only meeting. */
  readonly voiceChannelId?: string | null;
  /** Counts up by one per meeting of the guild: the fair order's rotation. Absent in records stored before it existed (read as 0). */
  readonly meetingNumber?: number;
  /** The speaking order of the sharing round that runs or ran last. */
  readonly turns?: TurnRound | null;
  /** Members in voice on their way to counting as attendees (a running total, never a timeline). */
  readonly voicePresence?: readonly VoicePresence[];
}

export function newMeetingRecord(input: {
  state: MeetingState;
  guildId: string;
  channelId: string;
  startedBy: string;
  suggestedChairId?: string | null;
}): MeetingRecord {
  return {
    ...input,
    suggestedChairId: input.suggestedChairId ?? null,
    openingMessageId: null,
    threadId: null,
    roundMessages: {},
    liveRounds: [],
    summaryMessageId: null,
    pendingNotes: [],
    renderedRevision: -1,
    attendees: [],
    actions: {},
    requestIds: [],
    ratings: [],
    sharedPosts: [],
  };
}

/** The record with a member's shared check-in waiting to be posted. */
export function withPendingCheckIn(record: MeetingRecord, pending: PendingCheckIn): MeetingRecord {
  return { ...record, pendingCheckIns: [...(record.pendingCheckIns ?? []), pending] };
}

/**
 * The record once a pending check-in was posted as `messageId`: its words are gone, the post is kept
 * for `/privacy delete`. Idempotent: marking the same post twice (the handler and the conductor both
 * posted it, Discord's nonce gave both the same message) records it once.
 */
export function withCheckInPosted(record: MeetingRecord, pendingId: string, memberId: string, messageId: string): MeetingRecord {
  const shared = record.sharedPosts ?? [];
  return {
    ...record,
    pendingCheckIns: (record.pendingCheckIns ?? []).filter((pending) => pending.id !== pendingId),
    sharedPosts: shared.some((post) => post.messageId === messageId) ? shared : [...shared, { memberId, messageId }],
  };
}

/** Counts a member's action and their attendance (anyone who took an action attended). */
export function withAction(record: MeetingRecord, memberId: string, action: MeetingAction): MeetingRecord {
  return {
    ...record,
    attendees: record.attendees.includes(memberId) ? record.attendees : [...record.attendees, memberId],
    actions: { ...record.actions, [action]: (record.actions[action] ?? 0) + 1 },
  };
}

/** One rating per member: rating again replaces the earlier one. */
export function withRating(record: MeetingRecord, rating: MeetingRating): MeetingRecord {
  return { ...record, ratings: [...record.ratings.filter((r) => r.memberId !== rating.memberId), rating] };
}

/**
 * The rating comments the moderators may read, without names and in alphabetical order (never the order
 * people rated in): only when at least {@link MIN_RATINGS_SHOWN} members rated, and never a withheld one.
 * Null when too few rated to share any.
 */
export function commentsForModerators(record: MeetingRecord): string[] | null {
  if (record.ratings.length < MIN_RATINGS_SHOWN) return null;
  return record.ratings
    .filter((rating) => !rating.withheld)
    .map((rating) => rating.comment?.trim() ?? '')
    .filter((comment) => comment !== '')
    .sort((a, b) => a.localeCompare(b, 'en'));
}

/** The record once its comments are settled: scores stay (for the summary), every comment is gone. */
export function withCommentsSettled(record: MeetingRecord, outcome: 'posted' | 'not-shown'): MeetingRecord {
  return { ...record, moderatorComments: outcome, ratings: record.ratings.map(({ memberId, score }) => ({ memberId, score, comment: null })) };
}

/**
 * The end-of-meeting figures: counts only, no names, no private content, and no number that points at
 * one person (src/domain/small-numbers.ts): when fewer took part than the small-group threshold, counts
 * of 1 or 2 are "a few"; the average rating needs {@link MIN_RATINGS_SHOWN} ratings, and fewer ratings
 * than that are "a few".
 */
export interface MeetingSummary {
  readonly attendance: ShownCount;
  readonly requestsRaised: ShownCount;
  readonly requestsAnswered: ShownCount;
  readonly offersMade: ShownCount;
  readonly tasksCommitted: ShownCount;
  readonly tasksReported: ShownCount;
  readonly checkIns: ShownCount;
  /** Null when nobody rated, or fewer than {@link MIN_RATINGS_SHOWN} did. */
  readonly averageRating: number | null;
  readonly ratings: ShownCount;
}

/** `smallGroupBelow`: the reflection threshold (`reflectionMinActive`); fewer taking part makes a small group. */
export function summarize(record: MeetingRecord, answeredRequestIds: ReadonlySet<string>, smallGroupBelow: number = DEFAULT_SMALL_GROUP_BELOW): MeetingSummary {
  const scores = record.ratings.map((rating) => rating.score);
  const small = record.attendees.length < smallGroupBelow;
  const shown = (value: number) => shownCount(value, small);
  return {
    attendance: shown(record.attendees.length),
    requestsRaised: shown(record.requestIds.length),
    requestsAnswered: shown(record.requestIds.filter((id) => answeredRequestIds.has(id)).length),
    offersMade: shown(record.actions['offer-help'] ?? 0),
    tasksCommitted: shown(record.actions['commit-task'] ?? 0),
    tasksReported: shown(record.actions['report-task'] ?? 0),
    checkIns: shown(record.actions['check-in'] ?? 0),
    averageRating: scores.length < MIN_RATINGS_SHOWN ? null : Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 10) / 10,
    ratings: shownCount(scores.length, scores.length < MIN_RATINGS_SHOWN),
  };
}

/** Whether the record names the member anywhere: attendance, rating, a post made for them, starter or chair. */
export function namesMember(record: MeetingRecord, memberId: string): boolean {
  return (
    record.attendees.includes(memberId) ||
    record.ratings.some((rating) => rating.memberId === memberId) ||
    (record.sharedPosts ?? []).some((post) => post.memberId === memberId) ||
    (record.pendingCheckIns ?? []).some((pending) => pending.memberId === memberId) ||
    (record.voicePresence ?? []).some((presence) => presence.memberId === memberId) ||
    (record.turns ? turnsName(record.turns.queue, memberId) : false) ||
    isNamedAsLead(record, memberId)
  );
}

/**
 * A post of the bot's that names a member: `delete` when it repeats their words (a shared check-in),
 * `unname` when it only mentions them (as chair, or invited to chair), so their mention is replaced.
 */
export interface PostNaming {
  readonly memberId: string;
  readonly channelId: string;
  readonly messageId: string;
  readonly action: 'delete' | 'unname';
}

/**
 * Every post of this meeting that names a member: the check-ins shared for them, the opening post
 * (chair and invited chair) and the round posts (whose prompts may name the chair).
 */
export function postsNaming(record: MeetingRecord): PostNaming[] {
  const posts: PostNaming[] = [];
  if (record.threadId) {
    for (const post of record.sharedPosts ?? [])
      posts.push({ memberId: post.memberId, channelId: record.threadId, messageId: post.messageId, action: 'delete' });
  }
  const leads = [...new Set([record.state.chairId, record.suggestedChairId].filter((id): id is string => id !== null))];
  for (const memberId of leads) {
    if (record.openingMessageId) posts.push({ memberId, channelId: record.channelId, messageId: record.openingMessageId, action: 'unname' });
  }
  const chairId = record.state.chairId;
  if (chairId && record.threadId) {
    for (const messageId of Object.values(record.roundMessages)) posts.push({ memberId: chairId, channelId: record.threadId, messageId, action: 'unname' });
  }
  return posts;
}

/** Whether the member started the meeting, chairs it, or was invited to chair it. */
export function isNamedAsLead(record: MeetingRecord, memberId: string): boolean {
  return record.startedBy === memberId || record.state.chairId === memberId || record.suggestedChairId === memberId;
}

/**
 * The record without the member: not among the attendees, no rating, no posts made for them, and no
 * longer its starter, chair or invited chair (the chair becomes nobody, shown as "the group"). The
 * counts of actions stay: they name no one. If they were speaking, the next person's turn starts `now`.
 */
export function withoutMember(record: MeetingRecord, memberId: string, now: Date): MeetingRecord {
  return {
    ...record,
    state: record.state.chairId === memberId ? { ...record.state, chairId: null } : record.state,
    startedBy: record.startedBy === memberId ? REMOVED_MEMBER : record.startedBy,
    suggestedChairId: record.suggestedChairId === memberId ? null : record.suggestedChairId,
    attendees: record.attendees.filter((id) => id !== memberId),
    ratings: record.ratings.filter((rating) => rating.memberId !== memberId),
    sharedPosts: (record.sharedPosts ?? []).filter((post) => post.memberId !== memberId),
    pendingCheckIns: (record.pendingCheckIns ?? []).filter((pending) => pending.memberId !== memberId),
    voicePresence: (record.voicePresence ?? []).filter((presence) => presence.memberId !== memberId),
    ...(record.turns ? { turns: { ...record.turns, queue: queueWithout(record.turns.queue, memberId, now), revision: record.turns.revision + 1 } } : {}),
  };
}

const turnsName = (queue: TurnQueue, memberId: string) =>
  queue.current?.memberId === memberId || queue.attended.includes(memberId) || queue.had.some((turn) => turn.memberId === memberId);

/**
 * The speaking order without the member: a speaker's turn passes to the next person, whose time starts
 * `now` (not when the deleted member began), and every trace of them goes.
 */
function queueWithout(queue: TurnQueue, memberId: string, now: Date): TurnQueue {
  const speaking = queue.current?.memberId === memberId;
  const passed = speaking ? pass(queue, memberId, now) : { ok: false as const };
  const base = passed.ok ? passed.value : queue;
  return {
    ...base,
    waiting: base.waiting.filter((id) => id !== memberId),
    had: base.had.filter((turn) => turn.memberId !== memberId),
    laterUsed: base.laterUsed.filter((id) => id !== memberId),
    away: base.away.filter((away) => away.memberId !== memberId),
    attended: base.attended.filter((id) => id !== memberId),
  };
}
