import type { ChairCandidate } from '../domain/meetings/chair.ts';
import type { MeetingRecord } from '../domain/meetings/meeting-record.ts';
import { guildKey } from './guild-document.ts';
import { GuildIndex } from './guild-index.ts';
import type { Store } from './sqlite-store.ts';

/**
 * Each guild's current (or most recent) meeting under `meeting`, and the index of guilds whose
 * meeting is not over, which start-up walks to pick meetings up again. Write only inside the guild's
 * write queue.
 */
export class MeetingStore {
  private readonly running: GuildIndex;
  private readonly cache = new Map<string, MeetingRecord | undefined>();

  constructor(private readonly store: Store) {
    this.running = new GuildIndex(store, 'meeting-guilds');
  }

  async get(guildId: string): Promise<MeetingRecord | undefined> {
    if (this.cache.has(guildId)) return this.cache.get(guildId);
    const record = (await this.store.keyv.get(guildKey(guildId, 'meeting'))) as MeetingRecord | undefined;
    this.cache.set(guildId, record);
    return record;
  }

  async put(record: MeetingRecord): Promise<void> {
    await this.store.keyv.set(guildKey(record.guildId, 'meeting'), record);
    this.cache.set(record.guildId, record);
    if (record.state.status === 'ended' && record.summaryMessageId !== null) await this.running.remove(record.guildId);
    else await this.running.add(record.guildId);
  }

  /** Members who offered to chair, and when each last chaired or was invited to (rotation). */
  async chairVolunteers(guildId: string): Promise<ChairCandidate[]> {
    return ((await this.store.keyv.get(guildKey(guildId, 'chair-volunteers'))) as ChairCandidate[] | undefined) ?? [];
  }

  /** Only inside the guild's write queue. */
  async putChairVolunteers(guildId: string, volunteers: readonly ChairCandidate[]): Promise<void> {
    await this.store.keyv.set(guildKey(guildId, 'chair-volunteers'), volunteers);
  }

  /** Guilds with a meeting that is running, paused, or ended but not yet wrapped up in Discord. */
  unfinished(): Promise<string[]> {
    return this.running.all();
  }
}
