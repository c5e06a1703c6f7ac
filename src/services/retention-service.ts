import type { HelpRules } from '../config/help-rules.ts';
import { expiredDays, keepRotationSince, meetingExpired, retentionCutoff } from '../domain/help/retention.ts';
import { ok } from '../domain/result.ts';
import { keepAlertsSince } from '../domain/safety/crisis-alert.ts';
import { everyGuild, type OwnsGuild } from '../domain/shards.ts';
import { keepTasksSince, taskCount } from '../domain/tasks/practical-task.ts';
import type { CircleSettingsRepository } from '../store/circle-settings-repository.ts';
import type { CrisisAlertStore } from '../store/crisis-alert-store.ts';
import type { GuildIndex } from '../store/guild-index.ts';
import type { GuildWriteQueue } from '../store/guild-write-queue.ts';
import type { HelpRequestStore } from '../store/help-request-store.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import type { MeetingStore } from '../store/meeting-store.ts';
import type { TaskStore } from '../store/task-store.ts';

/** What a retention run removed, over all guilds. */
export interface PurgeOutcome {
  readonly guilds: number;
  readonly days: number;
  readonly ledgerEvents: number;
  readonly requests: number;
  readonly tasks: number;
  /** Meeting records forgotten (one per guild at most: the last meeting's). */
  readonly meetings: number;
  /** Entries taken off the chairing rotation. */
  readonly chairVolunteers: number;
  /** References to earlier meetings' posts naming members, forgotten. */
  readonly meetingPosts: number;
  /** Crisis alert records forgotten. */
  readonly crisisAlerts: number;
}

/** The stores the purge reads and trims: the same instances the other services use, for their caches. */
export interface RetentionServiceDeps {
  /** Guilds with help data (requests, ledger events, tasks). */
  readonly helpGuilds: GuildIndex;
  /** Guilds with crisis alerts (SafetyService's index: a guild left without alerts is taken off it). */
  readonly alertGuilds: GuildIndex;
  readonly circleSettings: CircleSettingsRepository;
  readonly requests: HelpRequestStore;
  readonly ledger: LedgerStore;
  readonly tasks: TaskStore;
  readonly meetings: MeetingStore;
  readonly alerts: CrisisAlertStore;
  readonly queue: GuildWriteQueue;
  readonly rules: Pick<HelpRules, 'retentionDays'>;
  readonly now?: () => Date;
  /** The guilds this process serves (its shards): each process purges its own guilds only. */
  readonly owns?: OwnsGuild;
}

/** What the purge removed so far, added to guild by guild. */
type Counts = { -readonly [K in Exclude<keyof PurgeOutcome, 'guilds'>]: number };

/**
 * The retention rule: forgets on its own, across every record kind, what is older than
 * `retentionDays`. Run daily by src/scheduler/retention-purge.ts.
 */
export class RetentionService {
  private readonly now: () => Date;

  constructor(private readonly deps: RetentionServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * For every guild this process serves with help, meeting or crisis-alert data (and any `alsoGuildIds`, such as the guilds
   * the bot is in, for data kept before the indexes existed): ledger days wholly older than
   * `retentionDays` and requests closed longer ago than that are removed, and so are practical tasks
   * last committed to or reported on longer ago than that. Open requests stay, however old. The last
   * meeting's record goes once it ended longer ago than that, with the references to earlier meetings'
   * posts from before then, and so do chairing-rotation entries not refreshed (volunteered, stepped
   * off or chaired) since, and crisis alerts raised before then. Each guild is one run of its write
   * queue. Safe to run at any time and as often as wanted.
   */
  async purgeExpired(now: Date = this.now(), alsoGuildIds: Iterable<string> = []): Promise<PurgeOutcome> {
    const guildIds = new Set(
      [...(await this.deps.helpGuilds.all()), ...(await this.deps.meetings.guildsWithData()), ...(await this.deps.alertGuilds.all()), ...alsoGuildIds].filter(
        this.deps.owns ?? everyGuild,
      ),
    );
    const counts: Counts = { days: 0, ledgerEvents: 0, requests: 0, tasks: 0, meetings: 0, chairVolunteers: 0, meetingPosts: 0, crisisAlerts: 0 };
    for (const guildId of guildIds) await this.purgeGuild(guildId, now, counts);
    return { guilds: guildIds.size, ...counts };
  }

  /** One guild, in one run of its write queue; adds what went to `counts`. */
  private async purgeGuild(guildId: string, now: Date, counts: Counts): Promise<void> {
    const { deps } = this;
    const retentionDays = deps.rules.retentionDays;
    const cutoff = retentionCutoff(now, retentionDays);
    const timezone = (await deps.circleSettings.get(guildId))?.timezone ?? 'UTC';
    await deps.queue.run(guildId, async (tx) => {
      for (const day of expiredDays(await deps.ledger.days(guildId), now, retentionDays, timezone)) {
        counts.ledgerEvents += (await deps.ledger.dayEvents(guildId, day)).length;
        await deps.ledger.rewriteDay(tx, day, []);
        counts.days += 1;
      }

      const expired: string[] = [];
      for (const id of await deps.requests.allIds(guildId)) {
        const request = await deps.requests.get(guildId, id);
        if (!request) {
          expired.push(id); // an id whose record is already gone: tidy the list
          continue;
        }
        if (request.status === 'closed' && request.closedAt !== null && Date.parse(request.closedAt) < cutoff) {
          await deps.requests.remove(tx, id);
          expired.push(id);
          counts.requests += 1;
        }
      }
      if (expired.length > 0) await deps.requests.forget(tx, expired);

      for (const memberId of await deps.tasks.memberIds(guildId)) {
        const before = await deps.tasks.get(guildId, memberId);
        const kept = keepTasksSince(before, cutoff);
        const gone = taskCount(before) - taskCount(kept);
        if (gone === 0) continue;
        await deps.tasks.put(tx, memberId, kept);
        counts.tasks += gone;
      }

      const meeting = await deps.meetings.get(guildId);
      if (meeting && meetingExpired(meeting, now, retentionDays)) {
        await deps.meetings.remove(tx);
        counts.meetings += 1;
      }
      const earlier = await deps.meetings.earlierPosts(guildId);
      const keptPosts = earlier.filter((post) => !(Date.parse(post.at) < cutoff));
      if (keptPosts.length < earlier.length) {
        await deps.meetings.putEarlierPosts(tx, keptPosts);
        counts.meetingPosts += earlier.length - keptPosts.length;
      }
      const rotation = keepRotationSince(await deps.meetings.chairVolunteers(guildId), now, retentionDays);
      if (rotation.changed) await deps.meetings.putChairVolunteers(tx, rotation.kept);
      counts.chairVolunteers += rotation.removed;

      const alerts = (await deps.alerts.get(guildId)) ?? [];
      const keptAlerts = keepAlertsSince(alerts, new Date(cutoff));
      if (keptAlerts.length < alerts.length) {
        await deps.alerts.updateInRun(tx, () => ok(keptAlerts));
        counts.crisisAlerts += alerts.length - keptAlerts.length;
      }
      // Inside the run, so an alert raised meanwhile (stored in this queue, then indexed) is indexed again after this.
      if (keptAlerts.length === 0) await deps.alertGuilds.remove(guildId);
    });
  }
}
