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

/**
 * After the scheduled post of a slot fails, the next attempt waits this long (minutes after the failed
 * one); after the last wait's attempt fails too, that week is given up. So 5 attempts over about 80
 * minutes: a short Discord outage still gets the week posted, a channel that is gone is not tried every
 * minute for a day.
 */
export const REFLECTION_RETRY_MINUTES: readonly number[] = [1, 5, 15, 60];

/**
 * What became of a slot's scheduled post (postScheduled): posted; not posted because it was not this
 * post's to make (posted already, a moderator's post-now holds it, or the circle is gone); waiting for
 * its next attempt; or failed (`attempt` of `attempts`), with `gaveUp` when that was the last one and
 * the week is now stored as handled.
 */
export type ScheduledPost<T> =
  | { readonly kind: 'posted'; readonly value: T }
  | { readonly kind: 'not-ours' }
  | { readonly kind: 'waiting' }
  | { readonly kind: 'failed'; readonly cause: unknown; readonly attempt: number; readonly attempts: number; readonly gaveUp: boolean };

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
 * and week: whoever posts the slot's reflection (the scheduled post, postScheduled, or a moderator's
 * `/reflection post` at the slot, postNow) holds the slot in memory while it posts, so the other cannot
 * post it meanwhile, and stores its local date as posted (in the guild's queue) once Discord took the
 * post. A failed post keeps nothing: the slot stays due (the scheduled post tries again a few times,
 * then gives the week up). The post's nonce, built from the slot's key, covers a post Discord took
 * although the bot saw it fail.
 */
export class ReflectionService {
  /** The service's clock (a test's or the benchmark's movable one), for those timing its work. */
  readonly now: () => Date;
  /**
   * Guild -> the slot being posted as this week's right now, by a moderator's `/reflection post` or by
   * the scheduled post. While held, the other cannot hold it and claim() refuses it; the hold ends when
   * the post went (the slot is then stored as posted) or failed (the slot stays due). In memory: a
   * guild's interactions and its minute ticks are handled by the one process that holds its shard.
   */
  private readonly posting = new Map<string, string>();
  /**
   * Guild -> the slot whose scheduled post failed, how many times, and when it may be tried again. In
   * memory: after a restart the slot is tried afresh, which the post's nonce makes harmless.
   */
  private readonly failures = new Map<string, { readonly key: string; readonly count: number; readonly retryAt: number }>();
  /**
   * Guild -> the slot whose reflection Discord took but whose storing as posted failed (the store out of
   * reach for a moment). Counted as posted: never posted again, only stored again at the next attempt.
   * In memory: after a restart the slot is tried afresh, which the post's nonce covers for a few minutes.
   */
  private readonly postedNotStored = new Map<string, string>();

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
    } catch {
      // Posted, and so this week's: the moderator is told so, and the scheduled check stores it later.
      this.postedNotStored.set(guildId, slotKey);
    } finally {
      this.letGo(guildId, slotKey);
    }
    return ok({ asScheduled: true });
  }

  /**
   * The scheduled post of slot `key`. `post` prepares the post, calls `hold` just before sending it (and
   * sends nothing if that says no: posted already, or a moderator's post-now is posting it), then sends
   * it; what it returns is the outcome's `value` (null: nothing was sent). Like postNow, the slot is held
   * while posting and stored as posted only once `post` returned.
   *
   * If `post` fails, nothing is kept and the slot stays due: the next call at or after its retry time
   * (REFLECTION_RETRY_MINUTES) tries again, with the same key (and so the same nonce); before then,
   * `waiting`. When the last attempt fails, the slot is stored as handled, so the week is given up
   * (`gaveUp`, once).
   */
  async postScheduled<T>(guildId: string, key: string, post: (hold: () => Promise<boolean>) => Promise<T | null>): Promise<ScheduledPost<T>> {
    const failed = this.failures.get(guildId);
    if (failed?.key !== key) this.failures.delete(guildId);
    else if (this.now().getTime() < failed.retryAt) return { kind: 'waiting' };
    let held = false;
    let value: T | null;
    try {
      value = await post(async () => {
        held = await this.holdIfNotPosted(guildId, key);
        return held;
      });
    } catch (cause) {
      if (held) this.letGo(guildId, key);
      return this.failedScheduled(guildId, key, cause);
    }
    if (!held || value === null) {
      if (held) this.letGo(guildId, key);
      return { kind: 'not-ours' };
    }
    try {
      await this.deps.queue.run(guildId, (tx) => this.store(tx, guildId, key));
    } catch (error) {
      // Posted all the same: the next attempt only stores it, never posts it again.
      this.postedNotStored.set(guildId, key);
      throw error;
    } finally {
      this.letGo(guildId, key);
    }
    this.failures.delete(guildId);
    return { kind: 'posted', value };
  }

  /** Counts a failed attempt at slot `key`'s scheduled post; after the last one, stores the slot as handled. */
  private async failedScheduled<T>(guildId: string, key: string, cause: unknown): Promise<ScheduledPost<T>> {
    const attempts = REFLECTION_RETRY_MINUTES.length + 1;
    const previous = this.failures.get(guildId);
    const attempt = (previous?.key === key ? previous.count : 0) + 1;
    const gaveUp = attempt >= attempts;
    const waitMinutes = REFLECTION_RETRY_MINUTES[attempt - 1] ?? 0;
    this.failures.set(guildId, { key, count: attempt, retryAt: this.now().getTime() + waitMinutes * 60_000 });
    if (gaveUp) {
      // If this store fails, the failure stays counted: the next call tries once more, then gives up again.
      await this.claim(guildId, key);
      this.failures.delete(guildId);
    }
    return { kind: 'failed', cause, attempt, attempts, gaveUp };
  }

  /**
   * Holds slot `key` for the scheduled post, unless it is posted already (stored, or taken by Discord
   * and only to be stored: then it is stored now) or another post holds the guild's slot.
   */
  private async holdIfNotPosted(guildId: string, key: string): Promise<boolean> {
    if (await this.storedNowIfPosted(guildId, key)) return false;
    return this.holdInRun(guildId, async () => {
      if (this.posting.has(guildId)) return null;
      const last = await this.deps.reflections.lastPostedKey(guildId);
      return last !== null && last >= key ? null : key;
    }).then((held) => held !== null);
  }

  /** Holds this week's slot for a post-now when it has come, is not posted yet and no other post-now holds it; its key, or null. */
  private async holdIfSlotDue(guildId: string): Promise<string | null> {
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return null;
    // A week posted but not stored is stored first: then it is not due, and this post is a one-off.
    const waiting = this.postedNotStored.get(guildId);
    if (waiting !== undefined) await this.storedNowIfPosted(guildId, waiting);
    return this.holdInRun(guildId, async () => {
      if (this.posting.has(guildId)) return null;
      const occurrence = dueOccurrence(slotOf(settings), await this.deps.reflections.lastPostedKey(guildId), this.now());
      return occurrence.kind === 'start' ? occurrence.key : null;
    });
  }

  /**
   * Decides in the guild's queue (so no claim() comes between reading the slot and holding it) which
   * slot to hold, if any, and holds it. If the run fails after holding (a commit before it failed), the
   * hold is let go: a hold nobody lets go would keep every later week's reflection from posting.
   */
  private async holdInRun(guildId: string, decide: () => Promise<string | null>): Promise<string | null> {
    let held: string | null = null;
    try {
      return await this.deps.queue.run(guildId, async () => {
        held = await decide();
        if (held !== null) this.posting.set(guildId, held);
        return held;
      });
    } catch (error) {
      if (held !== null) this.letGo(guildId, held);
      throw error;
    }
  }

  /** True when slot `key` was posted but not stored: it is stored now (throwing if that fails again). */
  private async storedNowIfPosted(guildId: string, key: string): Promise<boolean> {
    if (this.postedNotStored.get(guildId) !== key) return false;
    await this.deps.queue.run(guildId, (tx) => this.store(tx, guildId, key));
    if (this.postedNotStored.get(guildId) === key) this.postedNotStored.delete(guildId);
    return true;
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
