import { guildKey } from './guild-document.ts';
import type { Store } from './sqlite-store.ts';

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

/** One small record per member who changed something; members who never did have none. */
export class MemberPrefsStore {
  private readonly cache = new Map<string, MemberPrefs>();

  constructor(private readonly store: Store) {}

  async get(guildId: string, memberId: string): Promise<MemberPrefs> {
    const key = guildKey(guildId, `member:${memberId}:prefs`);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const stored = ((await this.store.keyv.get(key)) as MemberPrefs | undefined) ?? DEFAULT_PREFS;
    this.cache.set(key, stored);
    return stored;
  }

  /** The member's record as stored, or undefined when they never changed anything (export, /privacy show). */
  async stored(guildId: string, memberId: string): Promise<MemberPrefs | undefined> {
    return (await this.store.keyv.get(guildKey(guildId, `member:${memberId}:prefs`))) as MemberPrefs | undefined;
  }

  /** Only inside the guild's write queue. */
  async put(guildId: string, memberId: string, prefs: MemberPrefs): Promise<void> {
    const key = guildKey(guildId, `member:${memberId}:prefs`);
    await this.store.keyv.set(key, prefs);
    this.cache.set(key, prefs);
  }

  /** Only inside the guild's write queue. True when there was something to remove. */
  async remove(guildId: string, memberId: string): Promise<boolean> {
    const key = guildKey(guildId, `member:${memberId}:prefs`);
    this.cache.delete(key);
    return this.store.keyv.delete(key);
  }
}
