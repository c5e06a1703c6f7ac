import type { ChairCandidate } from '../domain/meetings/chair.ts';
import { postsNaming, type MeetingRecord, type PostNaming } from '../domain/meetings/meeting-record.ts';
import { guildKey } from './guild-document.ts';
import { GuildIndex } from './guild-index.ts';
import type { Store } from './sqlite-store.ts';

/** A member on the chairing rotation, as stored: `updatedAt` is when they last opted in or out (absent in older entries). */
export interface ChairVolunteer extends ChairCandidate {
  readonly updatedAt?: string;
}

/** A post of an earlier (replaced) meeting that names a member, with when that meeting ended (for retention). */
export interface EarlierMeetingPost extends PostNaming {
  readonly meetingId: string;
  readonly at: string;
}

/**
 * Each guild's current (or most recent) meeting under `meeting`, and the index of guilds whose
 * meeting is not over, which start-up walks to pick meetings up again. Write only inside the guild's
 * write queue.
 */
export class MeetingStore {
  private readonly running: GuildIndex;
  /** Guilds with any meeting data (a record, the rotation, earlier posts), for the retention purge. */
  private readonly withData: GuildIndex;
  private readonly cache = new Map<string, MeetingRecord | undefined>();

  constructor(private readonly store: Store) {
    this.running = new GuildIndex(store, 'meeting-guilds');
    this.withData = new GuildIndex(store, 'meeting-data-guilds');
  }

  async get(guildId: string): Promise<MeetingRecord | undefined> {
    if (this.cache.has(guildId)) return this.cache.get(guildId);
    const record = (await this.store.keyv.get(guildKey(guildId, 'meeting'))) as MeetingRecord | undefined;
    this.cache.set(guildId, record);
    return record;
  }

  /**
   * Stores the guild's meeting. A new meeting replaces the last one: before it does, the last one's posts
   * that name members (check-ins, the chair's mentions) are kept under `earlier-meeting-posts`, so
   * `/privacy delete` can still find them.
   */
  async put(record: MeetingRecord): Promise<void> {
    const previous = await this.get(record.guildId);
    if (previous && previous.state.id !== record.state.id) {
      const at = previous.state.endedAt ?? previous.state.startedAt;
      const posts = postsNaming(previous).map((post): EarlierMeetingPost => ({ ...post, meetingId: previous.state.id, at }));
      if (posts.length > 0) await this.putEarlierPosts(record.guildId, [...(await this.earlierPosts(record.guildId)), ...posts]);
    }
    await this.withData.add(record.guildId);
    await this.store.keyv.set(guildKey(record.guildId, 'meeting'), record);
    this.cache.set(record.guildId, record);
    if (record.state.status === 'ended' && record.summaryMessageId !== null) await this.running.remove(record.guildId);
    else await this.running.add(record.guildId);
  }

  /** Members who offered to chair, and when each last chaired or was invited to (rotation). */
  async chairVolunteers(guildId: string): Promise<ChairVolunteer[]> {
    return ((await this.store.keyv.get(guildKey(guildId, 'chair-volunteers'))) as ChairVolunteer[] | undefined) ?? [];
  }

  /** Only inside the guild's write queue. An empty list removes the key. */
  async putChairVolunteers(guildId: string, volunteers: readonly ChairVolunteer[]): Promise<void> {
    if (volunteers.length === 0) {
      await this.store.keyv.delete(guildKey(guildId, 'chair-volunteers'));
      return;
    }
    await this.withData.add(guildId);
    await this.store.keyv.set(guildKey(guildId, 'chair-volunteers'), volunteers);
  }

  /** Posts of earlier meetings that name members (see `put`). */
  async earlierPosts(guildId: string): Promise<EarlierMeetingPost[]> {
    return ((await this.store.keyv.get(guildKey(guildId, 'earlier-meeting-posts'))) as EarlierMeetingPost[] | undefined) ?? [];
  }

  /** Only inside the guild's write queue. An empty list removes the key. */
  async putEarlierPosts(guildId: string, posts: readonly EarlierMeetingPost[]): Promise<void> {
    if (posts.length === 0) {
      await this.store.keyv.delete(guildKey(guildId, 'earlier-meeting-posts'));
      return;
    }
    await this.withData.add(guildId);
    await this.store.keyv.set(guildKey(guildId, 'earlier-meeting-posts'), posts);
  }

  /** Forgets the guild's meeting record (retention). Only inside the guild's write queue. */
  async remove(guildId: string): Promise<void> {
    await this.store.keyv.delete(guildKey(guildId, 'meeting'));
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
