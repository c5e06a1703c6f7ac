import type { z } from 'zod';
import type { Result } from '../domain/result.ts';
import type { GuildWriteQueue } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';
import { PlainRecord, readRecord, RecordKind, writeRecord } from './stored-record.ts';

/** Keys are namespaced by guild, so one guild's data can be listed, exported or removed on its own. */
export function guildKey(guildId: string, name: string): string {
  return `guild:${guildId}:${name}`;
}

/**
 * One JSON document per guild under a fixed name (for example the circle settings), read through its
 * record kind (a zod schema, and a version with its migrations) and changed only inside the guild's
 * write queue. A stored document that fails its schema is reported and read as absent.
 *
 * Reads are served from memory after the first: this process is the only writer for its guilds
 * (DESIGN.md, one writer per guild), and every write updates memory only after SQLite accepted it,
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
  }

  async get(guildId: string): Promise<T | undefined> {
    if (this.cache.has(guildId)) return this.cache.get(guildId);
    const value = await readRecord(this.store, guildKey(guildId, this.name), this.kind);
    this.cache.set(guildId, value);
    return value;
  }

  /**
   * Read, change, write as one step for this guild. `change` returns a Result: on error nothing is
   * written and the error is handed back.
   */
  update<E>(guildId: string, change: (current: T | undefined) => Result<T, E>): Promise<Result<T, E>> {
    return this.queue.run(guildId, () => this.updateInRun(guildId, change));
  }

  /**
   * {@link update} for a caller already inside this guild's write-queue run (several records changed
   * as one step, such as a member's deletion): `update` would queue behind that run and wait for itself.
   * Only inside the guild's write queue.
   */
  async updateInRun<E>(guildId: string, change: (current: T | undefined) => Result<T, E>): Promise<Result<T, E>> {
    const result = change(await this.get(guildId));
    if (result.ok) {
      await writeRecord(this.store, guildKey(guildId, this.name), this.kind, result.value);
      this.cache.set(guildId, result.value);
    }
    return result;
  }

  delete(guildId: string): Promise<boolean> {
    return this.queue.run(guildId, async () => {
      const deleted = await this.store.keyv.delete(guildKey(guildId, this.name));
      this.cache.set(guildId, undefined);
      return deleted;
    });
  }
}
