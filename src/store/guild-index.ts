import { z } from 'zod';
import type { Store } from './sqlite-store.ts';
import { ListRecord, readRecord, writeSharedRecord } from './stored-record.ts';

/** A stored list of ids (guilds, members, requests, days): ids are non-empty strings. */
export const idList = new ListRecord(z.string().min(1));

/**
 * A persisted set of guild ids under one key (for example every guild with help data, or every guild
 * with a meeting running), so start-up and daily jobs can visit each one without scanning the store.
 *
 * It is one key shared by all guilds, and guilds write in parallel, so changes are serialised here
 * rather than in a guild's write queue. It is the one store written without a guild's write handle:
 * no guild's handle covers a key every guild shares, and callers add a guild from outside its run too
 * (after a crisis alert or a circle set-up is stored). What keeps it to one writer at a time is that
 * its only write is the private `change`, chained on `tail`.
 */
export class GuildIndex {
  private known: Set<string> | undefined;
  private loading: Promise<Set<string>> | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly key: string,
  ) {}

  async all(): Promise<string[]> {
    return [...(await this.load())];
  }

  /** Records the guild. Cheap once known (memory only). */
  async add(guildId: string): Promise<void> {
    if ((await this.load()).has(guildId)) return;
    await this.change((known) => new Set(known).add(guildId));
  }

  async remove(guildId: string): Promise<void> {
    if (!(await this.load()).has(guildId)) return;
    await this.change((known) => {
      const next = new Set(known);
      next.delete(guildId);
      return next;
    });
  }

  private async change(next: (known: Set<string>) => Set<string>): Promise<void> {
    const changing = this.tail.then(async () => {
      const updated = next(await this.load());
      await writeSharedRecord(this.store, this.key, idList, [...updated]);
      this.known = updated;
    });
    this.tail = changing.catch(() => undefined);
    await changing;
  }

  private load(): Promise<Set<string>> {
    if (this.known) return Promise.resolve(this.known);
    this.loading ??= (async () => {
      const stored = new Set((await readRecord(this.store, this.key, idList)) ?? []);
      this.known ??= stored;
      return this.known;
    })();
    // A failed read is tried again next time rather than remembered.
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }
}

/** Every guild that has help data (requests or ledger events): what the daily retention purge visits. */
export const helpGuildIndex = (store: Store) => new GuildIndex(store, 'help-guilds');
