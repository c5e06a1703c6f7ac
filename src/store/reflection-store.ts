import { z } from 'zod';
import { guildKey } from './guild-key.ts';
import type { GuildWrite } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';
import { PlainRecord, readRecord, writeRecord } from './stored-record.ts';
import { readThrough } from './read-cache.ts';

/** `guild:<id>:reflection-last`: a local date, 'YYYY-MM-DD'. */
const lastPostedRecord = new PlainRecord(z.string().regex(/^\d{4}-\d{2}-\d{2}$/));

/**
 * Which week's reflection a guild last posted: the local date of that week's reflection slot. One that
 * fails its schema is reported and read as never posted (at worst, this week's reflection posts again).
 */
export class ReflectionStore {
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly store: Store) {
    // A failed commit drops writes this cache may hold.
    store.onRollback(() => this.cache.clear());
  }

  async lastPostedKey(guildId: string): Promise<string | null> {
    return readThrough(
      this.store,
      this.cache,
      guildId,
      async () => (await readRecord(this.store, guildKey(guildId, 'reflection-last'), lastPostedRecord)) ?? null,
    );
  }

  async setLastPostedKey(tx: GuildWrite, key: string): Promise<void> {
    await writeRecord(this.store, tx, guildKey(tx.guildId, 'reflection-last'), lastPostedRecord, key);
    this.cache.set(tx.guildId, key);
  }
}
