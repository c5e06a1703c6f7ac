import type { LedgerEvent } from '../domain/help/ledger-events.ts';
import { addEvent, mergeTallies, type MemberTally } from '../domain/help/tally.ts';
import { localDay } from '../domain/help/week.ts';
import { guildKey } from './guild-document.ts';
import type { GuildIndex } from './guild-index.ts';
import type { Store } from './sqlite-store.ts';

type TallyRecord = Record<string, MemberTally>;

/**
 * The append-only help ledger, bucketed by the guild's local day: `ledger:<day>` holds that day's
 * events and `tally:<day>` their per-member counts, so a 28-day window is 28 small reads however long
 * the history is. Call the writing methods only inside the guild's write queue.
 *
 * The merged window of each guild is kept in memory and updated as events are appended, so /stats
 * and typing read no history at all once warm.
 */
export class LedgerStore {
  /**
   * Per guild, the day most recently written (almost always today) with its events and tallies, and
   * the list of days: this process is the guild's only writer, so these stay true and an append
   * needs no reads (a burst of check-ins would otherwise read the same bucket for every one).
   */
  private readonly recent = new Map<string, { day: string; events: readonly LedgerEvent[]; tallies: Map<string, MemberTally> }>();
  private readonly dayLists = new Map<string, string[]>();
  /** Per guild, the few windows in use (the rolling window, this week), keyed by their days. */
  private readonly windows = new Map<string, Map<string, { days: Set<string>; merged: Map<string, MemberTally> }>>();

  /** `guilds`, when given, learns each guild that keeps ledger events (for the retention purge). */
  constructor(
    private readonly store: Store,
    private readonly guilds?: GuildIndex,
  ) {}

  async append(guildId: string, events: readonly LedgerEvent[], timezone: string): Promise<void> {
    if (events.length > 0) await this.guilds?.add(guildId);
    const byDay = new Map<string, LedgerEvent[]>();
    for (const event of events) {
      const day = localDay(new Date(event.at), timezone);
      byDay.set(day, [...(byDay.get(day) ?? []), event]);
    }
    for (const [day, dayEvents] of byDay) {
      const cached = this.recent.get(guildId);
      const existing = cached?.day === day ? cached.events : await this.dayEvents(guildId, day);
      const tallies = cached?.day === day ? new Map(cached.tallies) : await this.dayTallies(guildId, day);
      for (const event of dayEvents) addEvent(tallies, event);
      const events = [...existing, ...dayEvents];
      await this.store.keyv.set(guildKey(guildId, `ledger:${day}`), events);
      await this.store.keyv.set(guildKey(guildId, `tally:${day}`), Object.fromEntries(tallies));
      this.recent.set(guildId, { day, events, tallies });
      const days = await this.days(guildId);
      if (!days.includes(day)) await this.setDays(guildId, [...days, day].sort());
      for (const window of this.windows.get(guildId)?.values() ?? []) {
        if (window.days.has(day)) for (const event of dayEvents) addEvent(window.merged, event);
      }
    }
  }

  /** Replaces one day's events (member deletion, retention) and recomputes that day's tallies. */
  async rewriteDay(guildId: string, day: string, events: readonly LedgerEvent[]): Promise<void> {
    this.recent.delete(guildId);
    if (events.length === 0) {
      await this.store.keyv.delete(guildKey(guildId, `ledger:${day}`));
      await this.store.keyv.delete(guildKey(guildId, `tally:${day}`));
      const days = await this.days(guildId);
      await this.setDays(guildId, days.filter((d) => d !== day));
    } else {
      const tallies = new Map<string, MemberTally>();
      for (const event of events) addEvent(tallies, event);
      await this.store.keyv.set(guildKey(guildId, `ledger:${day}`), events);
      await this.store.keyv.set(guildKey(guildId, `tally:${day}`), Object.fromEntries(tallies));
    }
    this.windows.delete(guildId);
  }

  async days(guildId: string): Promise<string[]> {
    const cached = this.dayLists.get(guildId);
    if (cached) return cached;
    const stored = ((await this.store.keyv.get(guildKey(guildId, 'ledger-days'))) as string[] | undefined) ?? [];
    this.dayLists.set(guildId, stored);
    return stored;
  }

  private async setDays(guildId: string, days: string[]): Promise<void> {
    await this.store.keyv.set(guildKey(guildId, 'ledger-days'), days);
    this.dayLists.set(guildId, days);
  }

  async dayEvents(guildId: string, day: string): Promise<LedgerEvent[]> {
    const cached = this.recent.get(guildId);
    if (cached?.day === day) return [...cached.events];
    return ((await this.store.keyv.get(guildKey(guildId, `ledger:${day}`))) as LedgerEvent[] | undefined) ?? [];
  }

  /** Per-member counts over the given local days, merged. Served from memory while the days are the same. */
  async windowTallies(guildId: string, days: readonly string[]): Promise<Map<string, MemberTally>> {
    const key = days.join(',');
    const guildWindows = this.windows.get(guildId) ?? new Map();
    this.windows.set(guildId, guildWindows);
    const cached = guildWindows.get(key);
    if (cached) return cached.merged;
    const parts = await Promise.all(days.map((day) => this.dayTallies(guildId, day)));
    const merged = mergeTallies(parts);
    // Windows move on with the days: keep the newest few, drop the rest.
    if (guildWindows.size >= 4) guildWindows.delete(guildWindows.keys().next().value!);
    guildWindows.set(key, { days: new Set(days), merged });
    return merged;
  }

  private async dayTallies(guildId: string, day: string): Promise<Map<string, MemberTally>> {
    const record = (await this.store.keyv.get(guildKey(guildId, `tally:${day}`))) as TallyRecord | undefined;
    return new Map(Object.entries(record ?? {}).map(([memberId, tally]) => [memberId, { ...tally }]));
  }
}
