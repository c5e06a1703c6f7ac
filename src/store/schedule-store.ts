import type { WeeklySchedule } from '../domain/schedules/schedule.ts';
import { guildKey } from './guild-document.ts';
import { GuildIndex } from './guild-index.ts';
import type { Store } from './sqlite-store.ts';

/**
 * A schedule and what has been done about its occurrences. Keys are the occurrences' local dates
 * ('YYYY-MM-DD'), which sort as strings: "handled" means key <= the stored key.
 */
export interface ScheduleEntry {
  readonly schedule: WeeklySchedule;
  /** The last occurrence started or recorded as missed. */
  readonly lastFiredKey: string | null;
  readonly lastRemindedKey: string | null;
  /** The Discord guild scheduled event standing for an occurrence (the next one, or the running one). */
  readonly event: { readonly id: string; readonly key: string; readonly status: 'scheduled' | 'active' } | null;
}

/**
 * Each guild's schedules under one key, read into memory once, and the index of guilds that have any,
 * which start-up and the minute tick walk. Write only inside the guild's write queue.
 */
export class ScheduleStore {
  private readonly guilds: GuildIndex;
  private readonly cache = new Map<string, readonly ScheduleEntry[]>();

  constructor(private readonly store: Store) {
    this.guilds = new GuildIndex(store, 'schedule-guilds');
  }

  async list(guildId: string): Promise<readonly ScheduleEntry[]> {
    const cached = this.cache.get(guildId);
    if (cached) return cached;
    const stored = ((await this.store.keyv.get(guildKey(guildId, 'schedules'))) as ScheduleEntry[] | undefined) ?? [];
    this.cache.set(guildId, stored);
    return stored;
  }

  /**
   * Loads every listed guild not yet in memory, a thousand keys per query: start-up reads all the
   * schedules at once instead of one query per guild (10,000 guilds: about 0.4 s instead of 1.5 s).
   */
  async loadAll(guildIds: readonly string[]): Promise<void> {
    const missing = guildIds.filter((guildId) => !this.cache.has(guildId));
    for (let start = 0; start < missing.length; start += 1000) {
      const chunk = missing.slice(start, start + 1000);
      const stored = (await this.store.keyv.getMany(chunk.map((guildId) => guildKey(guildId, 'schedules')))) as Array<ScheduleEntry[] | undefined>;
      chunk.forEach((guildId, index) => {
        if (!this.cache.has(guildId)) this.cache.set(guildId, stored[index] ?? []);
      });
    }
  }

  async put(guildId: string, entries: readonly ScheduleEntry[]): Promise<void> {
    await this.store.keyv.set(guildKey(guildId, 'schedules'), entries);
    this.cache.set(guildId, entries);
    if (entries.length > 0) await this.guilds.add(guildId);
    else await this.guilds.remove(guildId);
  }

  guildIds(): Promise<string[]> {
    return this.guilds.all();
  }

  /** Notices that must be given at most once per guild (for example a missing permission). */
  async warned(guildId: string): Promise<readonly string[]> {
    return ((await this.store.keyv.get(guildKey(guildId, 'schedule-warnings'))) as string[] | undefined) ?? [];
  }

  async putWarned(guildId: string, warnings: readonly string[]): Promise<void> {
    await this.store.keyv.set(guildKey(guildId, 'schedule-warnings'), warnings);
  }
}
