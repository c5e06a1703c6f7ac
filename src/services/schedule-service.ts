import { randomBytes } from 'node:crypto';
import type { MeetingRecord } from '../domain/meetings/meeting-record.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { dueOccurrence, dueReminder } from '../domain/schedules/due.ts';
import { nextOccurrenceDetail, reminderAt } from '../domain/schedules/occurrences.ts';
import { checkSkipDate, withSkipDate, type SkipDateProblem } from '../domain/schedules/skip-dates.ts';
import { checkScheduleInput, type ScheduleInput, type ScheduleProblem, type WeeklySchedule } from '../domain/schedules/schedule.ts';
import { everyGuild, type OwnsGuild } from '../domain/shards.ts';
import type { GuildWriteQueue } from '../store/guild-write-queue.ts';
import type { ScheduleEntry, ScheduleStore } from '../store/schedule-store.ts';
import type { ChangeFeed } from './changes.ts';
import type { CircleService } from './circle-service.ts';
import type { MeetingService } from './meeting-service.ts';

export const MAX_SCHEDULES_PER_GUILD = 10;

export type ScheduleServiceProblem =
  | { readonly kind: 'not-set-up' }
  | { readonly kind: 'invalid'; readonly problems: readonly ScheduleProblem[] }
  | { readonly kind: 'unknown-format'; readonly name: string; readonly known: readonly string[] }
  | { readonly kind: 'too-many'; readonly max: number }
  | { readonly kind: 'unknown-schedule' };

/** Something the minute tick must do, decided from the stored schedules and the clock. */
export type ScheduleAction =
  | { readonly kind: 'remind'; readonly guildId: string; readonly scheduleId: string; readonly key: string; readonly at: Date }
  | { readonly kind: 'start'; readonly guildId: string; readonly scheduleId: string; readonly key: string; readonly at: Date; readonly late: boolean }
  | { readonly kind: 'missed'; readonly guildId: string; readonly scheduleId: string; readonly key: string; readonly at: Date };

export type FireOutcome =
  | { readonly kind: 'started'; readonly record: MeetingRecord; readonly entry: ScheduleEntry }
  | { readonly kind: 'busy'; readonly entry: ScheduleEntry }
  | { readonly kind: 'already-handled' };

export interface ScheduleServiceDeps {
  readonly circle: CircleService;
  readonly meetings: MeetingService;
  readonly schedules: ScheduleStore;
  readonly queue: GuildWriteQueue;
  /** Where changed schedules are announced, for the server's Events tab to follow. */
  readonly changes?: ChangeFeed;
  readonly now?: () => Date;
  /** The guilds this process serves (its shards): only their schedules are loaded, fired and reminded. */
  readonly owns?: OwnsGuild;
}

/**
 * Weekly meetings in the group's time zone. Occurrences are handled exactly once: each action is
 * claimed inside the guild's write queue by comparing and storing its occurrence key, so a restart,
 * a second tick or a retry finds it already handled.
 */
export class ScheduleService {
  private readonly now: () => Date;
  /** When each schedule next needs a look (its next reminder or start), so a tick skips the rest. */
  private readonly nextCheck = new Map<string, number>();

  constructor(private readonly deps: ScheduleServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    // Worked out from entries that may hold a claim a failed commit then dropped: look at every schedule again.
    deps.schedules.onRollback(() => this.nextCheck.clear());
  }

  async add(
    guildId: string,
    input: Omit<ScheduleInput, 'timezone'> & { timezone?: string },
  ): Promise<Result<{ entry: ScheduleEntry; next: Date; circleChannelId: string }, ScheduleServiceProblem>> {
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return err({ kind: 'not-set-up' });
    const checked = checkScheduleInput({ ...input, timezone: input.timezone ?? settings.timezone });
    if (!checked.ok) return err({ kind: 'invalid', problems: checked.error });
    if (!this.deps.meetings.format(checked.value.format)) {
      return err({ kind: 'unknown-format', name: checked.value.format, known: this.deps.meetings.formatNames() });
    }
    const added = await this.deps.queue.run(guildId, async (tx) => {
      const entries = await this.deps.schedules.list(guildId);
      if (entries.length >= MAX_SCHEDULES_PER_GUILD) return err({ kind: 'too-many' as const, max: MAX_SCHEDULES_PER_GUILD });
      const now = this.now();
      const schedule: WeeklySchedule = { ...checked.value, id: randomBytes(4).toString('hex'), skipDates: [], createdAt: now.toISOString() };
      const entry: ScheduleEntry = { schedule, lastFiredKey: null, lastRemindedKey: null, event: null };
      await this.deps.schedules.put(tx, [...entries, entry]);
      this.nextCheck.delete(schedule.id);
      return ok({ entry, next: nextOccurrenceDetail(schedule, now).at, circleChannelId: settings.circleChannelId });
    });
    if (added.ok) await this.deps.changes?.publish({ kind: 'schedules', guildId });
    return added;
  }

  async list(guildId: string): Promise<Array<{ entry: ScheduleEntry; next: Date }>> {
    const now = this.now();
    return (await this.deps.schedules.list(guildId)).map((entry) => ({ entry, next: nextOccurrenceDetail(entry.schedule, now).at }));
  }

  async remove(guildId: string, scheduleId: string): Promise<Result<ScheduleEntry, ScheduleServiceProblem>> {
    const removed = await this.deps.queue.run(guildId, async (tx) => {
      const entries = await this.deps.schedules.list(guildId);
      const entry = entries.find((candidate) => candidate.schedule.id === scheduleId);
      if (!entry) return err({ kind: 'unknown-schedule' as const });
      await this.deps.schedules.put(
        tx,
        entries.filter((candidate) => candidate !== entry),
      );
      this.nextCheck.delete(scheduleId);
      return ok(entry);
    });
    if (removed.ok) await this.deps.changes?.publish({ kind: 'schedules', guildId, removed: removed.value });
    return removed;
  }

  /** Skips the occurrence on local date `date` (a holiday); a date that is not an occurrence is refused. */
  async skip(
    guildId: string,
    scheduleId: string,
    date: string,
  ): Promise<Result<{ entry: ScheduleEntry; date: string; next: Date }, ScheduleServiceProblem | SkipDateProblem>> {
    const entry = await this.find(guildId, scheduleId);
    if (!entry) return err({ kind: 'unknown-schedule' });
    const checked = checkSkipDate(entry.schedule, date, this.now());
    if (!checked.ok) return checked;
    const skipped = await this.update(guildId, scheduleId, (current) => ({ ...current, schedule: withSkipDate(current.schedule, checked.value) }));
    if (!skipped.ok) return skipped;
    await this.deps.changes?.publish({ kind: 'schedules', guildId });
    return ok({ entry: skipped.value, date: checked.value, next: nextOccurrenceDetail(skipped.value.schedule, this.now()).at });
  }

  /** The guilds with schedules that this process serves. */
  async guildIds(): Promise<string[]> {
    return (await this.deps.schedules.guildIds()).filter(this.deps.owns ?? everyGuild);
  }

  entries(guildId: string): Promise<readonly ScheduleEntry[]> {
    return this.deps.schedules.list(guildId);
  }

  async find(guildId: string, scheduleId: string): Promise<ScheduleEntry | undefined> {
    return (await this.deps.schedules.list(guildId)).find((entry) => entry.schedule.id === scheduleId);
  }

  /** Everything due at `now` across all guilds; schedules with nothing due soon cost one comparison. */
  async dueActions(): Promise<ScheduleAction[]> {
    const now = this.now();
    const nowMs = now.getTime();
    const actions: ScheduleAction[] = [];
    const guildIds = await this.guildIds();
    await this.deps.schedules.loadAll(guildIds);
    for (const guildId of guildIds) {
      for (const entry of await this.deps.schedules.list(guildId)) {
        const { id } = entry.schedule;
        if ((this.nextCheck.get(id) ?? 0) > nowMs) continue;
        const occurrence = dueOccurrence(entry.schedule, entry.lastFiredKey, now);
        if (occurrence.kind !== 'none') actions.push({ ...occurrence, guildId, scheduleId: id });
        const reminder = dueReminder(entry.schedule, entry.lastRemindedKey, now);
        if (reminder.kind === 'remind') actions.push({ kind: 'remind', guildId, scheduleId: id, key: reminder.key, at: reminder.at });
        if (occurrence.kind === 'none' && reminder.kind === 'none') this.nextCheck.set(id, this.nextCheckAt(entry, now));
      }
    }
    return actions;
  }

  /** Claims the reminder of occurrence `key`; false when it was already sent. */
  async claimReminder(guildId: string, scheduleId: string, key: string): Promise<ScheduleEntry | null> {
    const claimed = await this.update(guildId, scheduleId, (entry) =>
      entry.lastRemindedKey !== null && entry.lastRemindedKey >= key ? null : { ...entry, lastRemindedKey: key },
    );
    return claimed.ok ? claimed.value : null;
  }

  /**
   * Starts occurrence `key`'s meeting and records it as handled, in one run of the guild's queue. If a
   * meeting is already running, the occurrence is recorded as handled and not started (never two at once).
   */
  fire(guildId: string, scheduleId: string, key: string, note?: string): Promise<FireOutcome> {
    return this.deps.queue.run(guildId, async (tx): Promise<FireOutcome> => {
      const entries = await this.deps.schedules.list(guildId);
      const entry = entries.find((candidate) => candidate.schedule.id === scheduleId);
      const settings = await this.deps.circle.settings(guildId);
      if (!entry || !settings || (entry.lastFiredKey !== null && entry.lastFiredKey >= key)) return { kind: 'already-handled' };
      const fired = { ...entry, lastFiredKey: key };
      await this.deps.schedules.put(
        tx,
        entries.map((candidate) => (candidate === entry ? fired : candidate)),
      );
      this.nextCheck.delete(scheduleId);
      const started = await this.deps.meetings.startInQueue(tx, settings, {
        starterId: null,
        formatName: entry.schedule.format,
        ...(entry.schedule.voiceChannelId ? { voiceChannelId: entry.schedule.voiceChannelId } : {}),
        durationMinutes: entry.schedule.durationMinutes,
        ...(note ? { note } : {}),
      });
      return started.ok ? { kind: 'started', record: started.value.record, entry: fired } : { kind: 'busy', entry: fired };
    });
  }

  /** Records occurrence `key` as missed; true only the first time (so organizers are told once). */
  async markMissed(guildId: string, scheduleId: string, key: string): Promise<ScheduleEntry | null> {
    const marked = await this.update(guildId, scheduleId, (entry) =>
      entry.lastFiredKey !== null && entry.lastFiredKey >= key ? null : { ...entry, lastFiredKey: key },
    );
    return marked.ok ? marked.value : null;
  }

  setEvent(guildId: string, scheduleId: string, event: ScheduleEntry['event']): Promise<Result<ScheduleEntry, ScheduleServiceProblem>> {
    return this.update(guildId, scheduleId, (entry) => ({ ...entry, event }));
  }

  /** True the first time a notice is given in a guild, false ever after. */
  warnOnce(guildId: string, warning: string): Promise<boolean> {
    return this.deps.queue.run(guildId, async (tx) => {
      const warned = await this.deps.schedules.warned(guildId);
      if (warned.includes(warning)) return false;
      await this.deps.schedules.putWarned(tx, [...warned, warning]);
      return true;
    });
  }

  private nextCheckAt(entry: ScheduleEntry, now: Date): number {
    const next = nextOccurrenceDetail(entry.schedule, now);
    const remind = reminderAt(entry.schedule, next.at);
    const reminderPending = remind && (entry.lastRemindedKey === null || entry.lastRemindedKey < next.key);
    return Math.min(next.at.getTime(), reminderPending ? remind.getTime() : Number.POSITIVE_INFINITY);
  }

  /** Changes one entry in the queue; `change` returning null means "nothing to do" (reported as unknown). */
  private update(
    guildId: string,
    scheduleId: string,
    change: (entry: ScheduleEntry) => ScheduleEntry | null,
  ): Promise<Result<ScheduleEntry, ScheduleServiceProblem>> {
    return this.deps.queue.run(guildId, async (tx) => {
      const entries = await this.deps.schedules.list(guildId);
      const entry = entries.find((candidate) => candidate.schedule.id === scheduleId);
      const changed = entry ? change(entry) : null;
      if (!entry || !changed) return err({ kind: 'unknown-schedule' as const });
      await this.deps.schedules.put(
        tx,
        entries.map((candidate) => (candidate === entry ? changed : candidate)),
      );
      this.nextCheck.delete(scheduleId);
      return ok(changed);
    });
  }
}
