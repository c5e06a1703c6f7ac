import type { HelpRules } from '../config/help-rules.ts';
import type { CircleSettings } from '../domain/circle/circle-settings.ts';
import type { LedgerEvent } from '../domain/help/ledger-events.ts';
import { daysBetween, weekWindow } from '../domain/help/week.ts';
import {
  CHART_WEEKS,
  composeReflection,
  promptForWeek,
  reflectionWeekKey,
  type ReflectionPrompts,
  type WeeklyReflection,
} from '../domain/reflections/weekly-reflection.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { dueOccurrence, type DueOccurrence } from '../domain/schedules/due.ts';
import { nextOccurrenceDetail } from '../domain/schedules/occurrences.ts';
import type { WeeklySchedule } from '../domain/schedules/schedule.ts';
import type { GuildWrite, GuildWriteQueue } from '../store/guild-write-queue.ts';
import type { HelpRequestStore } from '../store/help-request-store.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import type { ReflectionStore } from '../store/reflection-store.ts';
import type { ChangeFeed } from './changes.ts';
import type { CircleService } from './circle-service.ts';

/** A late reflection is still posted within this long of its slot (saying so); after that, skipped. */
export const REFLECTION_LATE_LIMIT_MINUTES = 24 * 60;

export type ReflectionDue = { readonly guildId: string; readonly settings: CircleSettings } & Exclude<DueOccurrence, { kind: 'none' }>;

/** A reflection whose slot is coming soon and is not posted yet: `at` is the slot, `key` its local date. */
export interface ReflectionComing {
  readonly guildId: string;
  readonly at: Date;
  readonly key: string;
}

export interface ReflectionServiceDeps {
  readonly circle: CircleService;
  readonly ledger: LedgerStore;
  readonly requests: HelpRequestStore;
  readonly reflections: ReflectionStore;
  readonly queue: GuildWriteQueue;
  readonly rules: HelpRules;
  readonly prompts: ReflectionPrompts;
  /** Where a reflection asked for now is announced, for the Discord layer to post. */
  readonly changes?: ChangeFeed;
  readonly now?: () => Date;
}

/**
 * The group's week in numbers, once a week at the circle's reflection slot. Exactly once per guild
 * and week: the slot's local date is stored as posted (in the guild's queue) before posting, except
 * for a moderator's `/reflection post` at the slot, which holds the slot while it posts and stores it
 * once the post went (see postNow).
 */
export class ReflectionService {
  /** The service's clock (a test's or the benchmark's movable one), for those timing its work. */
  readonly now: () => Date;
  /**
   * Guild -> the slot a moderator's `/reflection post` is posting as this week's, right now. While held,
   * claim() refuses that slot, so the scheduled post waits; the hold ends when the post went (the slot
   * is then stored as posted) or failed (the slot stays due). In memory: a guild's interactions and its
   * minute ticks are handled by the one process that holds its shard.
   */
  private readonly posting = new Map<string, string>();

  constructor(private readonly deps: ReflectionServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * The reflection on the week of `at` (default now). During a week's first day (a Monday slot, or a
   * preview on Monday morning) it reflects on the week that just ended, since the new one has barely begun.
   */
  async compose(guildId: string, at: Date = this.now()): Promise<Result<{ reflection: WeeklyReflection; settings: CircleSettings }, 'not-set-up'>> {
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return err('not-set-up');
    const startedAt = weekWindow(at, settings.timezone).from.getTime();
    const weekOf = at.getTime() - startedAt < 86_400_000 ? new Date(startedAt - 1) : at;
    const week = weekWindow(weekOf, settings.timezone);
    // The chart's 8 weeks, and the typing window before last week's end if it reaches further back.
    const spanDays = Math.max(CHART_WEEKS * 7, this.deps.rules.windowDays + 7);
    const from = new Date(week.to.getTime() - spanDays * 86_400_000);
    // Only the days that have events (the ledger's list of days, which deletion and retention keep
    // too): a quiet group's 56 days are a read or two, not 56, so checking at the slot is cheap.
    const days = new Set(await this.deps.ledger.days(guildId));
    const events: LedgerEvent[] = [];
    for (const day of daysBetween(from, week.to, settings.timezone)) if (days.has(day)) events.push(...(await this.deps.ledger.dayEvents(guildId, day)));
    const reflection = composeReflection({
      weekOf,
      timezone: settings.timezone,
      events,
      openRequestsNow: (await this.deps.requests.open(guildId)).length,
      typing: this.deps.rules.typing,
      windowDays: this.deps.rules.windowDays,
      minActiveForBreakdown: this.deps.rules.reflectionMinActive,
      prompts: this.deps.prompts,
    });
    return ok({ reflection, settings });
  }

  /** Every guild whose reflection slot has come and whose reflection for it has not been posted. */
  async due(): Promise<ReflectionDue[]> {
    const now = this.now();
    const due: ReflectionDue[] = [];
    for (const guildId of await this.deps.circle.guildIds()) {
      const settings = await this.deps.circle.settings(guildId);
      if (!settings) continue;
      const occurrence = dueOccurrence(slotOf(settings), await this.deps.reflections.lastPostedKey(guildId), now);
      if (occurrence.kind !== 'none') due.push({ ...occurrence, guildId, settings });
    }
    return due;
  }

  /**
   * Every guild whose next reflection slot is within `withinMs` from now and not posted yet: what can be
   * prepared ahead of its slot. Nothing is claimed; the slot is still posted through due() and claim().
   */
  async coming(withinMs: number): Promise<ReflectionComing[]> {
    const now = this.now();
    const coming: ReflectionComing[] = [];
    for (const guildId of await this.deps.circle.guildIds()) {
      const settings = await this.deps.circle.settings(guildId);
      if (!settings) continue;
      const next = nextOccurrenceDetail(slotOf(settings), now);
      if (next.at.getTime() - now.getTime() > withinMs) continue;
      const last = await this.deps.reflections.lastPostedKey(guildId);
      if (last === null || next.key > last) coming.push({ guildId, at: next.at, key: next.key });
    }
    return coming;
  }

  /** Claims the slot `key` as posted (or skipped); false if it already was, or a moderator's post-now is posting it. */
  claim(guildId: string, key: string): Promise<boolean> {
    return this.deps.queue.run(guildId, async (tx) => {
      if (this.posting.get(guildId) === key) return false;
      return this.store(tx, guildId, key);
    });
  }

  /**
   * `/reflection post`: the reflection, now, announced for the Discord layer to post (once: the post
   * carries a nonce from its key). It counts as this week's scheduled one only if the slot has come and
   * it was not posted yet (`asScheduled`); posted earlier in the week, the scheduled one still follows.
   *
   * Counting as this week's, the slot is held while posting (the scheduled post cannot claim it) and
   * stored as posted only once the post went. If posting fails (`not-posted`, with what failed), nothing
   * is kept and the slot stays due: the scheduled reflection still posts (with the same nonce, so a post
   * Discord did take after all is not shown twice).
   */
  async postNow(guildId: string): Promise<Result<{ asScheduled: boolean }, { kind: 'not-posted'; cause: unknown }>> {
    const slotKey = await this.holdIfSlotDue(guildId);
    const at = this.now();
    try {
      await this.deps.changes?.publish({ kind: 'reflection', guildId, at, key: slotKey ?? `now${at.getTime().toString(36)}` });
    } catch (cause) {
      if (slotKey !== null) this.letGo(guildId, slotKey);
      return err({ kind: 'not-posted', cause });
    }
    if (slotKey === null) return ok({ asScheduled: false });
    try {
      await this.deps.queue.run(guildId, (tx) => this.store(tx, guildId, slotKey));
    } finally {
      this.letGo(guildId, slotKey);
    }
    return ok({ asScheduled: true });
  }

  /** Holds this week's slot for a post-now when it has come, is not posted yet and no other post-now holds it; its key, or null. */
  private async holdIfSlotDue(guildId: string): Promise<string | null> {
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return null;
    // In the guild's queue, so no claim() comes between reading the slot and holding it.
    return this.deps.queue.run(guildId, async () => {
      if (this.posting.has(guildId)) return null;
      const occurrence = dueOccurrence(slotOf(settings), await this.deps.reflections.lastPostedKey(guildId), this.now());
      if (occurrence.kind !== 'start') return null;
      this.posting.set(guildId, occurrence.key);
      return occurrence.key;
    });
  }

  private letGo(guildId: string, key: string): void {
    if (this.posting.get(guildId) === key) this.posting.delete(guildId);
  }

  /** Stores `key` as the last slot handled, unless it (or a later one) already is; whether it stored it. */
  private async store(tx: GuildWrite, guildId: string, key: string): Promise<boolean> {
    const last = await this.deps.reflections.lastPostedKey(guildId);
    if (last !== null && last >= key) return false;
    await this.deps.reflections.setLastPostedKey(tx, key);
    return true;
  }

  /** This week's prompts, the same the group's reflection asks (for a member's own `/stats`). */
  async promptsThisWeek(guildId: string): Promise<{ helping: string; needs: string } | null> {
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return null;
    const key = reflectionWeekKey(this.now(), settings.timezone);
    return { helping: promptForWeek(this.deps.prompts.helping, key), needs: promptForWeek(this.deps.prompts.needs, key) };
  }

  /** Below this many members active in the week, the reflection shows no type breakdown. */
  get minActive(): number {
    return this.deps.rules.reflectionMinActive;
  }
}

/** The circle's reflection slot as a weekly timing, due for 24 hours (the late limit). */
function slotOf(settings: CircleSettings): WeeklySchedule {
  return {
    id: 'reflection',
    name: 'reflection',
    weekday: settings.reflectionDay,
    time: settings.reflectionTime,
    timezone: settings.timezone,
    durationMinutes: REFLECTION_LATE_LIMIT_MINUTES,
    reminderMinutes: 0,
    format: 'reflection',
    skipDates: [],
    createdAt: settings.updatedAt,
  };
}
