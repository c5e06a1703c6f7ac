import { circleSettingsRecord } from './circle-settings-repository.ts';
import { guildKey } from './guild-key.ts';
import type { GuildWriteQueue } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';
import { accept, readManyChecked, writeRecord, type RecordKind } from './stored-record.ts';

/** Keys read per query at start-up (as the schedules' start-up read does). */
const BATCH = 1000;

/**
 * Rewrites each guild's record `name` of `kind` that is stored in an older version in the current one.
 * Reads already lift older records as they go, so nothing depends on this pass to be readable; it
 * keeps the file from holding old versions forever, so a later release can stop reading them. A
 * corrupt record is reported and left as it is. Each rewrite is a run of its guild's write queue, like
 * any write; a batch's runs start together, so the group commit still stores them in one transaction.
 * How many records were upgraded.
 */
export async function upgradeRecords<T>(store: Store, queue: GuildWriteQueue, guildIds: readonly string[], name: string, kind: RecordKind<T>): Promise<number> {
  let upgraded = 0;
  for (let start = 0; start < guildIds.length; start += BATCH) {
    const batch = guildIds.slice(start, start + BATCH);
    const keys = batch.map((guildId) => guildKey(guildId, name));
    const read = await readManyChecked(store, keys, kind);
    const writes: Array<Promise<void>> = [];
    read.forEach((checked, index) => {
      const value = accept(store, keys[index]!, checked);
      if (value === undefined || !checked.found || checked.version === undefined || checked.version >= kind.version) return;
      writes.push(queue.run(batch[index]!, (tx) => writeRecord(store, tx, keys[index]!, kind, value)));
    });
    await Promise.all(writes);
    upgraded += writes.length;
  }
  return upgraded;
}

/**
 * Start-up, before the bot takes interactions: brings the records of the kinds that have migrations up
 * to date. Circle settings are found through the index of guilds with a circle set up. Ledger tallies
 * are not walked (a guild keeps up to `retentionDays` of them): a day takes the current layout when it
 * is next written, and older days age out with retention.
 */
export async function upgradeStoredRecords(store: Store, queue: GuildWriteQueue, circleGuildIds: readonly string[]): Promise<{ circleSettings: number }> {
  return { circleSettings: await upgradeRecords(store, queue, circleGuildIds, 'circle-settings', circleSettingsRecord) };
}
