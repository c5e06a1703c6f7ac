import { z } from 'zod';
import { guildKey } from './guild-key.ts';
import type { GuildWrite } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';
import { deleteRecord, readRecord, readRecords, VersionedRecord, writeRecord } from './stored-record.ts';
import { readThrough } from './read-cache.ts';

/** A member's own choices about the bot: whether their help is recorded, and prompts they turned off. */
export interface MemberPrefs {
  /** While paused, nothing naming this member is added to the ledger. */
  readonly recordingPaused: boolean;
  /** Until then, no invitations to help others are shown to this member. */
  readonly helpingPromptsOffUntil: string | null;
  /** The last time the over-helping guard invited them to rest or share a need (at most weekly). */
  readonly lastRestInviteAt: string | null;
}

export const DEFAULT_PREFS: MemberPrefs = { recordingPaused: false, helpingPromptsOffUntil: null, lastRestInviteAt: null };

/** `guild:<id>:member:<id>:prefs`, version 1. */
export const memberPrefsRecord = new VersionedRecord<MemberPrefs>(
  z.object({ recordingPaused: z.boolean(), helpingPromptsOffUntil: z.string().nullable(), lastRestInviteAt: z.string().nullable() }),
);

const prefsKey = (guildId: string, memberId: string) => guildKey(guildId, `member:${memberId}:prefs`);
const PREFS_SUFFIX = ':prefs';

/**
 * One small record per member who changed something; members who never did have none. A record that
 * fails its schema is reported and read as the defaults until the member chooses again.
 *
 * Most members have no record, so rather than asking the store for each member in turn (a cold start
 * under a meeting's burst of check-ins would be a query per member), the first read in a guild lists
 * the guild's prefs records and reads them in one query; every member not among them has the defaults.
 * This process is the guild's only writer, and every change goes through `put` or `remove`, which
 * update memory, so the listing stays true.
 */
export class MemberPrefsStore {
  private readonly cache = new Map<string, MemberPrefs>();
  /** Per guild, its members' stored prefs as listed once (see the class comment). */
  private readonly listed = new Map<string, Promise<ReadonlyMap<string, MemberPrefs>>>();

  constructor(private readonly store: Store) {
    // A failed commit drops writes these may hold.
    store.onRollback(() => {
      this.cache.clear();
      this.listed.clear();
    });
  }

  async get(guildId: string, memberId: string): Promise<MemberPrefs> {
    const key = prefsKey(guildId, memberId);
    return readThrough(this.store, this.cache, key, async () => (await this.guildPrefs(guildId)).get(memberId) ?? DEFAULT_PREFS);
  }

  /** Reads the guild's choices ahead (a meeting starting: its members act soon, all at once). */
  async warm(guildId: string): Promise<void> {
    await this.guildPrefs(guildId);
  }

  /** The member's record as stored, or undefined when they never changed anything (export, /privacy show). */
  stored(guildId: string, memberId: string): Promise<MemberPrefs | undefined> {
    return readRecord(this.store, prefsKey(guildId, memberId), memberPrefsRecord);
  }

  async put(tx: GuildWrite, memberId: string, prefs: MemberPrefs): Promise<void> {
    const key = prefsKey(tx.guildId, memberId);
    await writeRecord(this.store, tx, key, memberPrefsRecord, prefs);
    this.cache.set(key, prefs);
  }

  /** True when there was something to remove. */
  async remove(tx: GuildWrite, memberId: string): Promise<boolean> {
    const key = prefsKey(tx.guildId, memberId);
    // The defaults, not forgotten: a read already under way must not put the old choices back. If the
    // deletion is refused, the stored choices (a paused recording) must be read again, not the defaults.
    this.cache.set(key, DEFAULT_PREFS);
    try {
      return await deleteRecord(this.store, tx, key);
    } catch (error) {
      this.cache.delete(key);
      throw error;
    }
  }

  /**
   * The guild's stored prefs by member, listed and read once. Members changed since are in `cache`,
   * which is asked first. A listing that a failed commit overtook is not kept.
   */
  private guildPrefs(guildId: string): Promise<ReadonlyMap<string, MemberPrefs>> {
    const known = this.listed.get(guildId);
    if (known) return known;
    const rollbacks = this.store.rollbacks;
    const listing = (async () => {
      const memberPrefix = guildKey(guildId, 'member:');
      const keys = (await this.store.keysStartingWith(memberPrefix)).filter((key) => key.endsWith(PREFS_SUFFIX));
      const records = await readRecords(this.store, keys, memberPrefsRecord);
      const byMember = new Map<string, MemberPrefs>();
      keys.forEach((key, index) => {
        const record = records[index];
        if (record) byMember.set(key.slice(memberPrefix.length, -PREFS_SUFFIX.length), record);
      });
      return byMember;
    })();
    this.listed.set(guildId, listing);
    void listing.then(
      () => {
        if (this.store.rollbacks !== rollbacks && this.listed.get(guildId) === listing) this.listed.delete(guildId);
      },
      // A failed listing is tried again by the next read rather than remembered.
      () => {
        if (this.listed.get(guildId) === listing) this.listed.delete(guildId);
      },
    );
    return listing;
  }
}
