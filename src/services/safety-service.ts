import { randomBytes } from 'node:crypto';
import type { CircleSettings } from '../domain/circle/circle-settings.ts';
import { crisisMatcher, type CrisisMatcher } from '../domain/help/crisis.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { everyGuild, type OwnsGuild } from '../domain/shards.ts';
import {
  followUpDue,
  newCrisisAlert,
  openCheckInRequest,
  takeAlert,
  type CrisisAlert,
  type NewCrisisAlert,
  type TakeProblem,
} from '../domain/safety/crisis-alert.ts';
import type { CrisisAlertStore } from '../store/crisis-alert-store.ts';
import type { GuildIndex } from '../store/guild-index.ts';
import type { CircleService } from './circle-service.ts';

export interface SafetyServiceDeps {
  readonly circle: CircleService;
  readonly alerts: CrisisAlertStore;
  /** Guilds with crisis alerts: what the follow-up job and the retention purge visit. */
  readonly guilds: GuildIndex;
  readonly crisisWords: readonly string[];
  readonly followUpMinutes: number;
  readonly now?: () => Date;
  /** The guilds this process serves (its shards): the follow-ups and the outbox visit only those. */
  readonly owns?: OwnsGuild;
}

/** A second press of "Ask a moderator to check in with me" within this time raises no second alert. */
export const CHECK_IN_REQUEST_REPEAT_MS = 60 * 60_000;

/**
 * How old an alert that was raised but never delivered (the bot stopped between storing and posting it)
 * may be for start-up to still deliver it: 6 hours. A crisis alert is about now; one older than this
 * would page moderators about a moment long past (and the member, who was never told "a moderator has
 * been alerted", has had the resources in their answer), so it stays in the store, undelivered, and
 * the retention purge removes it in time.
 */
export const UNDELIVERED_ALERT_MAX_AGE_MS = 6 * 60 * 60_000;

/** The settings crisis care needs, or none when they cannot be read (the neutral default is used). */
export type SafetySettings = Pick<CircleSettings, 'crisisResources' | 'modChannelId' | 'crisisPingRoleId'> | undefined;

/**
 * Crisis care's rules and records: which words call for care, the alerts raised to moderators, who
 * took each, and the one follow-up of an alert nobody took. Posting is the Discord layer's job; this
 * service stores first, so an alert or its follow-up survives a restart.
 */
export class SafetyService {
  private readonly matcher: CrisisMatcher;
  private readonly now: () => Date;

  constructor(private readonly deps: SafetyServiceDeps) {
    this.matcher = crisisMatcher(deps.crisisWords);
    this.now = deps.now ?? (() => new Date());
  }

  get followUpMinutes(): number {
    return this.deps.followUpMinutes;
  }

  /** The crisis terms in what a member wrote (none for empty text). Pure and cheap: run it first. */
  screen(text: string | null | undefined): string[] {
    return text ? this.matcher.find(text) : [];
  }

  /**
   * The circle's crisis settings; never throws: with the store unavailable, crisis care goes on with
   * the neutral default and no alert (and says so), rather than failing the member.
   */
  async settings(guildId: string | null): Promise<SafetySettings> {
    if (!guildId) return undefined;
    try {
      return await this.deps.circle.settings(guildId);
    } catch {
      return undefined;
    }
  }

  /**
   * Stores a new alert before it is posted; the Discord layer posts it and calls {@link delivered}. An
   * alert about a post (a link) is raised once: raising it again returns the one already stored.
   */
  async raise(guildId: string, input: Omit<NewCrisisAlert, 'id'>): Promise<CrisisAlert> {
    const raised = await this.raiseUnless(guildId, input, (alerts) => (input.link === null ? undefined : alerts.find((stored) => stored.link === input.link)));
    return raised.alert;
  }

  /**
   * A member's check-in request: a new alert, or the one they raised within the last hour that no
   * moderator has taken yet, so pressing again does not page moderators twice. `repeated` only when
   * that one reached the moderators; one not delivered yet (a press at the same moment, or a delivery
   * that failed) comes back to be delivered, and its post's nonce keeps it to one message.
   */
  async raiseCheckInRequest(guildId: string, memberId: string, what: string): Promise<{ alert: CrisisAlert; repeated: boolean }> {
    const now = this.now();
    const input = { source: 'check-in-request', memberId, anonymous: false, what, link: null, terms: [] } as const;
    const raised = await this.raiseUnless(guildId, input, (alerts) => openCheckInRequest(alerts, memberId, now, CHECK_IN_REQUEST_REPEAT_MS), now);
    return { alert: raised.alert, repeated: raised.existing && raised.alert.messageId !== null };
  }

  /**
   * A new alert, stored unless `existing` finds one already standing for it (then that one comes back,
   * `existing`). The check and the new alert are one run of the guild's queue: two at once store one.
   */
  private async raiseUnless(
    guildId: string,
    input: Omit<NewCrisisAlert, 'id'>,
    existing: (alerts: readonly CrisisAlert[]) => CrisisAlert | undefined,
    now: Date = this.now(),
  ): Promise<{ alert: CrisisAlert; existing: boolean }> {
    const alert = newCrisisAlert({ ...input, id: randomBytes(5).toString('hex') }, now);
    const raised = await this.deps.alerts.update(guildId, (alerts) => {
      const same = existing(alerts ?? []);
      return same ? err(same) : ok([...(alerts ?? []), alert]);
    });
    if (!raised.ok) return { alert: raised.error, existing: true };
    await this.deps.guilds.add(guildId);
    return { alert, existing: false };
  }

  /**
   * The outbox of alerts: raised (stored) but never delivered, not redacted, and raised within
   * {@link UNDELIVERED_ALERT_MAX_AGE_MS}. Start-up delivers them, once (their posts carry nonces).
   */
  async undelivered(guildId: string): Promise<CrisisAlert[]> {
    const now = this.now().getTime();
    return ((await this.deps.alerts.get(guildId)) ?? []).filter(
      (alert) => alert.messageId === null && !alert.redacted && !alert.takenBy && now - Date.parse(alert.raisedAt) <= UNDELIVERED_ALERT_MAX_AGE_MS,
    );
  }

  async delivered(guildId: string, alertId: string, channelId: string, messageId: string): Promise<void> {
    await this.change(guildId, alertId, (alert) => ({ ...alert, channelId, messageId }));
  }

  /** "I'm on it": the first moderator keeps the alert. Returns it with the settings its posts are drawn with. */
  async take(guildId: string, alertId: string, moderatorId: string): Promise<Result<{ alert: CrisisAlert; settings: SafetySettings }, TakeProblem>> {
    let outcome: Result<CrisisAlert, TakeProblem> = err({ kind: 'unknown-alert' });
    await this.deps.alerts.update(guildId, (alerts) => {
      const list = alerts ?? [];
      outcome = takeAlert(
        list.find((alert) => alert.id === alertId),
        moderatorId,
        this.now(),
      );
      return outcome.ok ? ok(list.map((alert) => (alert.id === alertId ? (outcome.ok ? outcome.value : alert) : alert))) : ok(list);
    });
    if (!outcome.ok) return outcome;
    return ok({ alert: outcome.value, settings: await this.settings(guildId) });
  }

  async alert(guildId: string, alertId: string): Promise<CrisisAlert | undefined> {
    return ((await this.deps.alerts.get(guildId)) ?? []).find((alert) => alert.id === alertId);
  }

  async alerts(guildId: string): Promise<readonly CrisisAlert[]> {
    return (await this.deps.alerts.get(guildId)) ?? [];
  }

  /** The guilds with alerts that this process serves (read from memory after the first call; an alert's guild is added when it is raised). */
  async guildsWithAlerts(): Promise<string[]> {
    return (await this.deps.guilds.all()).filter(this.deps.owns ?? everyGuild);
  }

  /**
   * The alerts of a guild whose follow-up is due, marked pending in the store first: after a crash
   * between marking and posting, they are due again and posted with the same nonce, so only once.
   */
  async claimDueFollowUps(guildId: string): Promise<CrisisAlert[]> {
    const now = this.now();
    const due: CrisisAlert[] = [];
    const alerts = (await this.deps.alerts.get(guildId)) ?? [];
    if (!alerts.some((alert) => followUpDue(alert, now, this.deps.followUpMinutes))) return due;
    await this.deps.alerts.update(guildId, (current) =>
      ok(
        (current ?? []).map((alert) => {
          if (!followUpDue(alert, now, this.deps.followUpMinutes)) return alert;
          const pending: CrisisAlert = { ...alert, followUp: 'pending' };
          due.push(pending);
          return pending;
        }),
      ),
    );
    return due;
  }

  async followedUp(guildId: string, alertId: string, messageId: string): Promise<void> {
    await this.change(guildId, alertId, (alert) => ({ ...alert, followUp: 'posted', followUpMessageId: messageId }));
  }

  private async change(guildId: string, alertId: string, change: (alert: CrisisAlert) => CrisisAlert): Promise<void> {
    await this.deps.alerts.update(guildId, (alerts) => ok((alerts ?? []).map((alert) => (alert.id === alertId ? change(alert) : alert))));
  }
}
