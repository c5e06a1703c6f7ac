import { guildKey } from './guild-document.ts';
import type { Store } from './sqlite-store.ts';

/** Which week's reflection a guild last posted: the local date of that week's reflection slot. */
export class ReflectionStore {
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly store: Store) {}

  async lastPostedKey(guildId: string): Promise<string | null> {
    if (this.cache.has(guildId)) return this.cache.get(guildId)!;
    const stored = ((await this.store.keyv.get(guildKey(guildId, 'reflection-last'))) as string | undefined) ?? null;
    this.cache.set(guildId, stored);
    return stored;
  }

  /** Only inside the guild's write queue. */
  async setLastPostedKey(guildId: string, key: string): Promise<void> {
    await this.store.keyv.set(guildKey(guildId, 'reflection-last'), key);
    this.cache.set(guildId, key);
  }
}
