import type { Store } from './sqlite-store.ts';

const KEY = 'help-guilds';

/**
 * The ids of every guild that has help data (requests or ledger events), so the daily retention purge
 * can visit each one without scanning the store. Written when a guild first stores help data; never
 * shrinks (a guild with nothing left costs one empty visit a day).
 *
 * It is the one key shared by all guilds, and guilds write in parallel, so additions are serialised
 * here rather than in a guild's write queue.
 */
export class HelpGuildIndex {
  private known: Set<string> | undefined;
  private loading: Promise<Set<string>> | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: Store) {}

  async all(): Promise<string[]> {
    return [...(await this.load())];
  }

  /** Records that the guild has help data. Cheap once known (memory only). */
  async add(guildId: string): Promise<void> {
    if ((await this.load()).has(guildId)) return;
    const adding = this.tail.then(async () => {
      const known = await this.load();
      if (known.has(guildId)) return;
      const next = new Set(known).add(guildId);
      await this.store.keyv.set(KEY, [...next]);
      this.known = next;
    });
    this.tail = adding.catch(() => undefined);
    await adding;
  }

  private load(): Promise<Set<string>> {
    if (this.known) return Promise.resolve(this.known);
    this.loading ??= (async () => {
      const stored = new Set(((await this.store.keyv.get(KEY)) as string[] | undefined) ?? []);
      this.known ??= stored;
      return this.known;
    })();
    // A failed read is tried again next time rather than remembered.
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }
}
