import { z } from 'zod';
import { guildKey } from './guild-key.ts';
import type { GuildWrite } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';
import { deleteRecord, readRecord, VersionedRecord, writeRecord } from './stored-record.ts';
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

/**
 * One small record per member who changed something; members who never did have none. A record that
 * fails its schema is reported and read as the defaults until the member chooses again.
 */
export class MemberPrefsStore {
  private readonly cache = new Map<string, MemberPrefs>();

  constructor(private readonly store: Store) {
    // A failed commit drops writes this cache may hold.
    store.onRollback(() => this.cache.clear());
  }

  async get(guildId: string, memberId: string): Promise<MemberPrefs> {
    const key = guildKey(guildId, `member:${memberId}:prefs`);
    return readThrough(this.store, this.cache, key, async () => (await readRecord(this.store, key, memberPrefsRecord)) ?? DEFAULT_PREFS);
  }

  /** The member's record as stored, or undefined when they never changed anything (export, /privacy show). */
  stored(guildId: string, memberId: string): Promise<MemberPrefs | undefined> {
    return readRecord(this.store, guildKey(guildId, `member:${memberId}:prefs`), memberPrefsRecord);
  }

  async put(tx: GuildWrite, memberId: string, prefs: MemberPrefs): Promise<void> {
    const key = guildKey(tx.guildId, `member:${memberId}:prefs`);
    await writeRecord(this.store, tx, key, memberPrefsRecord, prefs);
    this.cache.set(key, prefs);
  }

  /** True when there was something to remove. */
  async remove(tx: GuildWrite, memberId: string): Promise<boolean> {
    const key = guildKey(tx.guildId, `member:${memberId}:prefs`);
    // The defaults, not forgotten: a read already under way must not put the old choices back.
    this.cache.set(key, DEFAULT_PREFS);
    return deleteRecord(this.store, tx, key);
  }
}
