import type { z } from 'zod';
import type { Result } from '../domain/result.ts';
import type { GuildWriteQueue } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';

/** Keys are namespaced by guild, so one guild's data can be listed, exported or removed on its own. */
export function guildKey(guildId: string, name: string): string {
  return `guild:${guildId}:${name}`;
}

/**
 * One JSON document per guild under a fixed name (for example the circle settings), read through a
 * zod schema and changed only inside the guild's write queue.
 */
export class GuildDocument<T> {
  constructor(
    private readonly store: Store,
    private readonly queue: GuildWriteQueue,
    private readonly name: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  async get(guildId: string): Promise<T | undefined> {
    const raw: unknown = await this.store.keyv.get(guildKey(guildId, this.name));
    if (raw === undefined) return undefined;
    return this.schema.parse(raw);
  }

  /**
   * Read, change, write as one step for this guild. `change` returns a Result: on error nothing is
   * written and the error is handed back.
   */
  update<E>(guildId: string, change: (current: T | undefined) => Result<T, E>): Promise<Result<T, E>> {
    return this.queue.run(guildId, async () => {
      const result = change(await this.get(guildId));
      if (result.ok) await this.store.keyv.set(guildKey(guildId, this.name), result.value);
      return result;
    });
  }

  delete(guildId: string): Promise<boolean> {
    return this.queue.run(guildId, () => this.store.keyv.delete(guildKey(guildId, this.name)));
  }
}
