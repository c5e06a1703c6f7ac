import { namesMember, postsNaming, type MeetingRecord, type PostNaming } from '../meetings/meeting-record.ts';
import type { TurnQueue } from '../meetings/turns.ts';

/** What the server's current or last meeting record keeps about one member. */
export interface MeetingPart {
  readonly meetingId: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** They took an action in it (checked in, asked, offered, committed, reported or rated). */
  readonly tookPart: boolean;
  readonly rating: { readonly score: number; readonly comment: string | null } | null;
  readonly startedIt: boolean;
  readonly chaired: boolean;
  readonly invitedToChair: boolean;
  /**
   * Voice meetings: their time in voice so far (earlier stretches in ms, and since when the current one
   * runs), kept only until it counts as taking part or the meeting ends.
   */
  readonly timeInVoice?: { readonly ms: number; readonly since: string | null };
  /** Voice meetings: their turn in the speaking order of the sharing round that runs or ran last. */
  readonly speakingTurn?: SpeakingTurnPart;
  /**
   * Check-ins they shared that are stored but not yet posted in the meeting's thread (the bot stopped, or
   * Discord has not taken the post yet): their own words, kept only until posted. Absent when none.
   */
  readonly checkInsNotYetPosted?: ReadonlyArray<{ readonly words: string; readonly posted: false }>;
}

/** A member's turn in a speaking order: where they are, or how it ended (null: only listed as having been in the round). */
export interface SpeakingTurnPart {
  readonly turn: 'speaking' | 'waiting' | 'shared' | 'passed' | null;
  readonly laterUsed: boolean;
  /** While speaking: when their share began. */
  readonly speakingSince?: string;
  /** While out of voice and keeping their place (the grace period): when they left. */
  readonly awaySince?: string;
}

/** A member's entry on the chairing rotation: whether they volunteered, and when they last chaired. */
export interface ChairRotationPart {
  readonly optedIn: boolean;
  readonly lastChairedAt: string | null;
}

/** What the meeting records keep about one member. */
export interface MeetingData {
  /** Their part in the current or last meeting, or null when its record does not name them. */
  readonly part: MeetingPart | null;
  /** The bot's posts naming them: this meeting's, then earlier meetings' it still knows. */
  readonly posts: readonly PostNaming[];
  readonly rotation: ChairRotationPart | null;
}

/** The meeting records of one guild, as stored. */
export interface MeetingRecords {
  readonly meeting: MeetingRecord | undefined;
  /** Posts of earlier (replaced) meetings that name members. */
  readonly earlierPosts: readonly PostNaming[];
  readonly chairVolunteers: ReadonlyArray<{ readonly memberId: string } & ChairRotationPart>;
}

/** The member's part in a meeting: call only when the record names them. */
export function meetingPart(meeting: MeetingRecord, memberId: string): MeetingPart {
  const rating = meeting.ratings.find((candidate) => candidate.memberId === memberId);
  return {
    meetingId: meeting.state.id,
    startedAt: meeting.state.startedAt,
    endedAt: meeting.state.endedAt,
    tookPart: meeting.attendees.includes(memberId),
    rating: rating ? { score: rating.score, comment: rating.comment } : null,
    startedIt: meeting.startedBy === memberId,
    chaired: meeting.state.chairId === memberId,
    invitedToChair: meeting.suggestedChairId === memberId,
    ...voicePart(meeting, memberId),
    ...checkInsNotYetPosted(meeting, memberId),
  };
}

/** The member's shared check-ins still waiting to be posted: their words, marked as not posted. */
function checkInsNotYetPosted(meeting: MeetingRecord, memberId: string): Pick<MeetingPart, 'checkInsNotYetPosted'> {
  const waiting = (meeting.pendingCheckIns ?? []).filter((pending) => pending.memberId === memberId);
  return waiting.length > 0 ? { checkInsNotYetPosted: waiting.map(({ words }) => ({ words, posted: false as const })) } : {};
}

/** What a voice meeting's record keeps about the member: a running time in voice, a turn in the speaking order. */
function voicePart(meeting: MeetingRecord, memberId: string): Pick<MeetingPart, 'timeInVoice' | 'speakingTurn'> {
  const presence = meeting.voicePresence?.find((candidate) => candidate.memberId === memberId);
  const queue = meeting.turns?.queue;
  const had = queue?.had.find((turn) => turn.memberId === memberId);
  const turn = queue?.current?.memberId === memberId ? 'speaking' : queue?.waiting.includes(memberId) ? 'waiting' : (had?.outcome ?? null);
  const inOrder = queue !== undefined && (turn !== null || queue.attended.includes(memberId));
  return {
    ...(presence ? { timeInVoice: { ms: presence.ms, since: presence.since } } : {}),
    ...(inOrder ? { speakingTurn: speakingTurn(queue, memberId, turn) } : {}),
  };
}

/** Their place in the order, with the times the order keeps about them (a share's start, a leave within the grace period). */
function speakingTurn(queue: TurnQueue, memberId: string, turn: SpeakingTurnPart['turn']): SpeakingTurnPart {
  const speakingSince = turn === 'speaking' ? queue.current?.since : undefined;
  const awaySince = queue.away.find((away) => away.memberId === memberId)?.leftAt;
  return { turn, laterUsed: queue.laterUsed.includes(memberId), ...(speakingSince ? { speakingSince } : {}), ...(awaySince ? { awaySince } : {}) };
}

/**
 * What the meeting records keep about the member: their part in the current or last meeting, the
 * posts naming them (that meeting's and earlier ones'), and their chairing-rotation entry.
 */
export function meetingDataOf(records: MeetingRecords, memberId: string): MeetingData {
  const { meeting } = records;
  const part = meeting && namesMember(meeting, memberId) ? meetingPart(meeting, memberId) : null;
  const posts = [
    ...(meeting ? postsNaming(meeting).filter((post) => post.memberId === memberId) : []),
    ...records.earlierPosts
      .filter((post) => post.memberId === memberId)
      .map(({ memberId: id, channelId, messageId, action }): PostNaming => ({ memberId: id, channelId, messageId, action })),
  ];
  const entry = records.chairVolunteers.find((volunteer) => volunteer.memberId === memberId);
  return { part, posts, rotation: entry ? { optedIn: entry.optedIn, lastChairedAt: entry.lastChairedAt } : null };
}

/** Shared check-ins among the posts naming a member (the bot deletes these). */
export const checkInPosts = (posts: readonly PostNaming[]): number => posts.filter((post) => post.action === 'delete').length;

/** Whether any of the posts names the member as chair or invited chair (the bot unnames these). */
export const namedAsChair = (posts: readonly PostNaming[]): boolean => posts.some((post) => post.action === 'unname');
