import { circleSettingsRecord } from './circle-settings-repository.ts';
import { guildKey } from './guild-document.ts';
import type { Store } from './sqlite-store.ts';
import { accept, readManyChecked, writeRecord, type RecordKind } from './stored-record.ts';

/** Keys read per query at start-up (as the schedules' start-up read does). */
const BATCH = 1000;

/**
 * Rewrites every record of `kind` under `keys` that is stored in an older version in the current one.
 * Reads already lift older records as they go, so nothing depends on this pass to be readable; it
 * keeps the file from holding old versions forever, so a later release can stop reading them. A
 * corrupt record is reported and left as it is. Run before the bot takes interactions (it writes
 * outside the guilds' write queues). How many records were upgraded.
 */
export async function upgradeRecords<T>(store: Store, keys: readonly string[], kind: RecordKind<T>): Promise<number> {
  let upgraded = 0;
  for (let start = 0; start < keys.length; start += BATCH) {
    const batch = keys.slice(start, start + BATCH);
    const read = await readManyChecked(store, batch, kind);
    const writes: Array<Promise<void>> = [];
    read.forEach((checked, index) => {
      const value = accept(store, batch[index]!, checked);
      if (value === undefined || !checked.found || checked.version === undefined || checked.version >= kind.version) return;
      writes.push(writeRecord(store, batch[index]!, kind, value));
    });
    await Promise.all(writes);
    upgraded += writes.length;
  }
  return upgraded;
}

/**
 * Start-up: brings the records of the kinds that have migrations up to date. Circle settings are
 * found through the index of guilds with a circle set up. Ledger tallies are not walked (a guild
 * keeps up to `retentionDays` of them): a day takes the current layout when it is next written, and
 * older days age out with retention.
 */
export async function upgradeStoredRecords(store: Store, circleGuildIds: readonly string[]): Promise<{ circleSettings: number }> {
  return { circleSettings: await upgradeRecords(store, circleGuildIds.map((guildId) => guildKey(guildId, 'circle-settings')), circleSettingsRecord) };
}
