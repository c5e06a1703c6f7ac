import { z } from 'zod';
import type { ChairCandidate } from '../domain/meetings/chair.ts';
import { MEETING_ACTIONS } from '../domain/meetings/format.ts';
import { postsNaming, type MeetingRating, type MeetingRecord, type PostNaming } from '../domain/meetings/meeting-record.ts';
import type { MeetingState } from '../domain/meetings/meeting-state.ts';
import { guildKey } from './guild-key.ts';
import { GuildIndex } from './guild-index.ts';
import type { GuildWrite } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';
import { deleteRecord, ListRecord, readRecord, VersionedRecord, writeRecord } from './stored-record.ts';
import { readThrough } from './read-cache.ts';

/** A member on the chairing rotation, as stored: `updatedAt` is when they last opted in or out (absent in older entries). */
export interface ChairVolunteer extends ChairCandidate {
  readonly updatedAt?: string;
}

/** A post of an earlier (replaced) meeting that names a member, with when that meeting ended (for retention). */
export interface EarlierMeetingPost extends PostNaming {
  readonly meetingId: string;
  readonly at: string;
}

const action = z.enum(MEETING_ACTIONS);

const state: z.ZodType<MeetingState> = z.object({
  id: z.string(),
  format: z.string(),
  rounds: z.array(
    z.object({
      id: z.string(),
      minutes: z.number(),
      actions: z.array(action),
      // Optional: meetings stored before sharing rounds have plain rounds, which read as they were.
      turns: z.boolean().optional(),
      shareMinutes: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }).optional(),
    }),
  ),
  minuteMs: z.number().int().positive(),
  status: z.enum(['running', 'paused', 'ended']),
  roundIndex: z.number().int().nonnegative(),
  roundStartedAt: z.string(),
  roundEndsAt: z.string().nullable(),
  pausedAt: z.string().nullable(),
  remainingMs: z.number().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  endReason: z.enum(['completed', 'ended-early']).nullable(),
  chairId: z.string().nullable(),
  revision: z.number().int(),
});

const rating: z.ZodType<MeetingRating> = z.object({
  memberId: z.string(),
  score: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
  comment: z.string().nullable(),
  withheld: z.boolean().optional(),
});

const turnQueue = z.object({
  roundMinutes: z.number(),
  minuteMs: z.number().int().positive(),
  shareMinutes: z.object({ min: z.number(), max: z.number() }),
  graceMs: z.number().nonnegative(),
  current: z.object({ memberId: z.string(), since: z.string(), timeBoxMs: z.number() }).nullable(),
  waiting: z.array(z.string()),
  had: z.array(z.object({ memberId: z.string(), outcome: z.enum(['shared', 'passed']) })),
  laterUsed: z.array(z.string()),
  away: z.array(z.object({ memberId: z.string(), leftAt: z.string() })),
  attended: z.array(z.string()),
});

const turnRound = z.object({
  roundIndex: z.number().int().nonnegative(),
  stage: z.boolean(),
  queue: turnQueue,
  messageId: z.string().nullable(),
  revision: z.number().int(),
  renderedRevision: z.number().int(),
  inviteSpeaker: z.boolean(),
  invited: z.string().nullable(),
  inviteRefused: z.boolean(),
});

/**
 * `guild:<id>:meeting`, version 1. Fields added since the first release are optional, so every record
 * an earlier release stored reads as it was: `moderatorComments`, `sharedPosts`, `pendingCheckIns`, and
 * the voice side (`voiceChannelId`, `meetingNumber`, `turns`, `voicePresence`).
 */
export const meetingRecord = new VersionedRecord<MeetingRecord>(
  z.object({
    state,
    guildId: z.string(),
    channelId: z.string(),
    startedBy: z.string(),
    suggestedChairId: z.string().nullable(),
    openingMessageId: z.string().nullable(),
    threadId: z.string().nullable(),
    roundMessages: z.record(z.string(), z.string()),
    liveRounds: z.array(z.number().int()),
    summaryMessageId: z.string().nullable(),
    pendingNotes: z.array(z.string()),
    renderedRevision: z.number().int(),
    attendees: z.array(z.string()),
    actions: z.partialRecord(action, z.number().int().nonnegative()),
    requestIds: z.array(z.string()),
    ratings: z.array(rating),
    moderatorComments: z.enum(['posted', 'not-shown']).optional(),
    sharedPosts: z.array(z.object({ memberId: z.string(), messageId: z.string() })).optional(),
    pendingCheckIns: z.array(z.object({ id: z.string(), memberId: z.string(), words: z.string() })).optional(),
    voiceChannelId: z.string().nullable().optional(),
    meetingNumber: z.number().int().nonnegative().optional(),
    turns: turnRound.nullable().optional(),
    voicePresence: z.array(z.object({ memberId: z.string(), since: z.string().nullable(), ms: z.number().nonnegative() })).optional(),
  }),
);

/** `guild:<id>:chair-volunteers`: the chairing rotation. */
export const chairVolunteerList = new ListRecord<ChairVolunteer>(
  z.object({ memberId: z.string(), optedIn: z.boolean(), lastChairedAt: z.string().nullable(), updatedAt: z.string().optional() }),
);

/** `guild:<id>:earlier-meeting-posts`. */
export const earlierPostList = new ListRecord<EarlierMeetingPost>(
  z.object({
    memberId: z.string(),
    channelId: z.string(),
    messageId: z.string(),
    action: z.enum(['delete', 'unname']),
    meetingId: z.string(),
    at: z.string(),
  }),
);

/**
 * Each guild's current (or most recent) meeting under `meeting`, and the index of guilds whose
 * meeting is not over, which start-up walks to pick meetings up again. Writes take the guild's write
 * handle. A meeting record that fails its schema is reported and read as no meeting; a rotation or
 * post entry that fails is left out.
 */
export class MeetingStore {
  private readonly running: GuildIndex;
  /** Guilds with any meeting data (a record, the rotation, earlier posts), for the retention purge. */
  private readonly withData: GuildIndex;
  private readonly cache = new Map<string, MeetingRecord | undefined>();

  constructor(private readonly store: Store) {
    this.running = new GuildIndex(store, 'meeting-guilds');
    this.withData = new GuildIndex(store, 'meeting-data-guilds');
    // A failed commit drops writes this cache may hold.
    store.onRollback(() => this.cache.clear());
  }

  async get(guildId: string): Promise<MeetingRecord | undefined> {
    return readThrough(this.store, this.cache, guildId, () => readRecord(this.store, guildKey(guildId, 'meeting'), meetingRecord));
  }

  /**
   * Stores the guild's meeting. A new meeting replaces the last one: before it does, the last one's posts
   * that name members (check-ins, the chair's mentions) are kept under `earlier-meeting-posts`, so
   * `/privacy delete` can still find them. The record names its guild, which the types cannot tie to
   * the handle's: a record of another guild is refused (it throws) before anything is written.
   */
  async put(tx: GuildWrite, record: MeetingRecord): Promise<void> {
    const { guildId } = tx;
    if (record.guildId !== guildId) throw new Error(`A meeting of guild ${record.guildId} cannot be stored with the write handle of guild ${guildId}.`);
    const previous = await this.get(guildId);
    if (previous && previous.state.id !== record.state.id) {
      const at = previous.state.endedAt ?? previous.state.startedAt;
      const posts = postsNaming(previous).map((post): EarlierMeetingPost => ({ ...post, meetingId: previous.state.id, at }));
      if (posts.length > 0) await this.putEarlierPosts(tx, [...(await this.earlierPosts(guildId)), ...posts]);
    }
    await this.withData.add(guildId);
    await writeRecord(this.store, tx, guildKey(guildId, 'meeting'), meetingRecord, record);
    this.cache.set(guildId, record);
    // A shared check-in still to be posted keeps the guild among the unfinished, for start-up to post it.
    if (record.state.status === 'ended' && record.summaryMessageId !== null && (record.pendingCheckIns ?? []).length === 0) await this.running.remove(guildId);
    else await this.running.add(guildId);
  }

  /** Members who offered to chair, and when each last chaired or was invited to (rotation). */
  async chairVolunteers(guildId: string): Promise<ChairVolunteer[]> {
    return (await readRecord(this.store, guildKey(guildId, 'chair-volunteers'), chairVolunteerList)) ?? [];
  }

  /** An empty list removes the key. */
  async putChairVolunteers(tx: GuildWrite, volunteers: readonly ChairVolunteer[]): Promise<void> {
    const { guildId } = tx;
    if (volunteers.length === 0) {
      await deleteRecord(this.store, tx, guildKey(guildId, 'chair-volunteers'));
      return;
    }
    await this.withData.add(guildId);
    await writeRecord(this.store, tx, guildKey(guildId, 'chair-volunteers'), chairVolunteerList, [...volunteers]);
  }

  /** Posts of earlier meetings that name members (see `put`). */
  async earlierPosts(guildId: string): Promise<EarlierMeetingPost[]> {
    return (await readRecord(this.store, guildKey(guildId, 'earlier-meeting-posts'), earlierPostList)) ?? [];
  }

  /** An empty list removes the key. */
  async putEarlierPosts(tx: GuildWrite, posts: readonly EarlierMeetingPost[]): Promise<void> {
    const { guildId } = tx;
    if (posts.length === 0) {
      await deleteRecord(this.store, tx, guildKey(guildId, 'earlier-meeting-posts'));
      return;
    }
    await this.withData.add(guildId);
    await writeRecord(this.store, tx, guildKey(guildId, 'earlier-meeting-posts'), earlierPostList, [...posts]);
  }

  /** Forgets the guild's meeting record (retention). */
  async remove(tx: GuildWrite): Promise<void> {
    const { guildId } = tx;
    await deleteRecord(this.store, tx, guildKey(guildId, 'meeting'));
    this.cache.set(guildId, undefined);
    await this.running.remove(guildId);
  }

  /** Guilds that have (or had) a meeting record, a chairing rotation or earlier meeting posts. */
  guildsWithData(): Promise<string[]> {
    return this.withData.all();
  }

  /** Guilds with a meeting that is running, paused, or ended but not yet wrapped up in Discord. */
  unfinished(): Promise<string[]> {
    return this.running.all();
  }
}
