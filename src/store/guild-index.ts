import { z } from 'zod';
import type { Store } from './sqlite-store.ts';
import { accept, ListRecord, readChecked } from './stored-record.ts';

/** A stored list of ids (guilds, members, requests, days): ids are non-empty strings. */
export const idList = new ListRecord(z.string().min(1));

/** The key that lists `guildId` in the index `name` (its value is `true`). */
export function guildIndexKey(name: string, guildId: string): string {
  return `${indexPrefix(name)}${guildId}`;
}

const indexPrefix = (name: string) => `index:${name}:`;

/**
 * A persisted set of guild ids (for example every guild with help data, or every guild with a meeting
 * running), so start-up and daily jobs can visit each one without scanning the store.
 *
 * Each guild in the set is a key of its own, `index:<name>:<guild id>`, and the set is listed by that
 * prefix: adding or removing a guild writes only that guild's key, so processes sharing one database
 * (each serving its own guilds) can change the set at the same time without losing each other's
 * changes, as a single shared list rewritten by each would. The keys are no guild's records (callers
 * add a guild from outside its write queue's runs too: after a crisis alert or a circle set-up is
 * stored), so they are written here without a guild's handle; what keeps one guild's changes in order
 * is that they are chained per guild.
 *
 * The set is read from the store once per process and kept in memory, which stays true for the guilds
 * this process serves: a guild is served by one process, which makes every change to its entry itself.
 *
 * Releases before this one kept the set as one list under `<name>`; the first read moves that list to
 * per-guild keys (see {@link GuildIndex.load}).
 */
export class GuildIndex {
  private known: Set<string> | undefined;
  private loading: Promise<Set<string>> | undefined;
  /** Each guild's last change still under way: a guild's changes are written in the order they were made. */
  private readonly changing = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly name: string,
  ) {}

  async all(): Promise<string[]> {
    return [...(await this.load())];
  }

  /** Records the guild. Cheap once known (memory only). */
  add(guildId: string): Promise<void> {
    return this.change(guildId, true);
  }

  remove(guildId: string): Promise<void> {
    return this.change(guildId, false);
  }

  private get prefix(): string {
    return indexPrefix(this.name);
  }

  private async change(guildId: string, listed: boolean): Promise<void> {
    const before = this.changing.get(guildId);
    if (before === undefined && this.known?.has(guildId) === listed) return;
    const change = (async () => {
      await before?.catch(() => undefined);
      const known = await this.load();
      if (known.has(guildId) === listed) return;
      const key = guildIndexKey(this.name, guildId);
      if (listed) await this.store.keyv.set(key, true);
      else await this.store.keyv.delete(key);
      if (listed) known.add(guildId);
      else known.delete(guildId);
    })();
    this.changing.set(guildId, change);
    try {
      await change;
    } finally {
      if (this.changing.get(guildId) === change) this.changing.delete(guildId);
    }
  }

  private load(): Promise<Set<string>> {
    if (this.known) return Promise.resolve(this.known);
    this.loading ??= (async () => {
      await this.moveOldList();
      const keys = await this.store.keysStartingWith(this.prefix);
      this.known ??= new Set(keys.map((key) => key.slice(this.prefix.length)).filter((guildId) => guildId.length > 0));
      return this.known;
    })();
    // A failed read is tried again next time rather than remembered.
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  /**
   * The upgrade from the one shared list (`<name>`, what earlier releases wrote) to per-guild keys: each
   * listed guild's key is written and the list deleted, handed over together, so the group commit stores
   * them in one transaction. Idempotent, so two processes starting at once may both do it. The old list
   * is read before the keys are listed: a process that finds it gone is sure to list the keys that
   * replaced it, since they were committed with its deletion.
   */
  private async moveOldList(): Promise<void> {
    const old = await readChecked(this.store, this.name, idList);
    if (!old.found) return;
    const guildIds = accept(this.store, this.name, old) ?? [];
    await Promise.all([...guildIds.map((guildId) => this.store.keyv.set(guildIndexKey(this.name, guildId), true)), this.store.keyv.delete(this.name)]);
  }
}

/** Every guild that has help data (requests or ledger events): what the daily retention purge visits. */
export const helpGuildIndex = (store: Store) => new GuildIndex(store, 'help-guilds');
