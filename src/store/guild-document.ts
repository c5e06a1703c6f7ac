import type { z } from 'zod';
import type { Result } from '../domain/result.ts';
import { guildKey } from './guild-key.ts';
import type { GuildWrite, GuildWriteQueue } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';
import { deleteRecord, PlainRecord, readRecord, RecordKind, writeRecord } from './stored-record.ts';
import { readThrough } from './read-cache.ts';

export { guildKey } from './guild-key.ts';

/**
 * One JSON document per guild under a fixed name (for example the circle settings), read through its
 * record kind (a zod schema, and a version with its migrations) and changed only in the guild's write
 * queue (`update` and `delete` queue themselves; `updateInRun` takes the run's handle). A stored
 * document that fails its schema is reported and read as absent.
 *
 * Reads are served from memory after the first: this process is the only writer for its guilds
 * (one writer per guild), and every write updates memory only after SQLite accepted it,
 * so memory never holds what the store does not.
 */
export class GuildDocument<T> {
  private readonly cache = new Map<string, T | undefined>();
  private readonly kind: RecordKind<T>;

  /** A bare zod schema stores the value as it is, without a version. */
  constructor(
    private readonly store: Store,
    private readonly queue: GuildWriteQueue,
    private readonly name: string,
    kind: RecordKind<T> | z.ZodType<T>,
  ) {
    this.kind = kind instanceof RecordKind ? kind : new PlainRecord(kind);
    // A failed commit drops writes this cache may hold.
    store.onRollback(() => this.cache.clear());
  }

  async get(guildId: string): Promise<T | undefined> {
    return readThrough(this.store, this.cache, guildId, () => readRecord(this.store, guildKey(guildId, this.name), this.kind));
  }

  /**
   * Read, change, write as one step for this guild, in its write queue. `change` returns a Result: on
   * error nothing is written and the error is handed back.
   */
  update<E>(guildId: string, change: (current: T | undefined) => Result<T, E>): Promise<Result<T, E>> {
    return this.queue.run(guildId, (tx) => this.updateInRun(tx, change));
  }

  /**
   * {@link update} for a caller already in the guild's write-queue run (several records changed as one
   * step, such as a member's deletion), with the run's handle: the handle's guild is the one changed.
   */
  async updateInRun<E>(tx: GuildWrite, change: (current: T | undefined) => Result<T, E>): Promise<Result<T, E>> {
    const { guildId } = tx;
    const result = change(await this.get(guildId));
    if (result.ok) {
      await writeRecord(this.store, tx, guildKey(guildId, this.name), this.kind, result.value);
      this.cache.set(guildId, result.value);
    }
    return result;
  }

  delete(guildId: string): Promise<boolean> {
    return this.queue.run(guildId, async (tx) => {
      const deleted = await deleteRecord(this.store, tx, guildKey(guildId, this.name));
      this.cache.set(guildId, undefined);
      return deleted;
    });
  }
}
