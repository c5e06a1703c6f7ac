import {
  DiscordAPIError,
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  GuildScheduledEventStatus,
  RESTJSONErrorCodes,
  type Client,
  type TextChannel,
} from 'discord.js';
import { nextOccurrenceDetail } from '../domain/schedules/occurrences.ts';
import type { Logger } from '../logging/logger.ts';
import type { CircleService } from '../services/circle-service.ts';
import type { MeetingService } from '../services/meeting-service.ts';
import type { ScheduleAction, ScheduleService } from '../services/schedule-service.ts';
import type { ScheduleEntry } from '../store/schedule-store.ts';
import { text } from '../texts/texts.ts';
import type { MeetingConductor } from './meeting-conductor.ts';
import { postNonce } from './nonce.ts';
import { NO_MENTIONS } from './reply.ts';
import { discordTime } from './discord-time.ts';

export interface ScheduleConductorDeps {
  readonly client: Client;
  readonly schedules: ScheduleService;
  readonly meetings: MeetingService;
  readonly circle: CircleService;
  readonly meetingConductor: MeetingConductor;
  readonly logger: Logger;
  readonly now: () => Date;
}

/**
 * Runs the schedules: on each minute tick (and once at start-up, to catch up) it sends due reminders, starts
 * due meetings, reports missed ones once, and keeps each schedule's next occurrence in the server's
 * Events tab. Every action is first claimed through the ScheduleService (stored in the guild's queue),
 * and every post carries a nonce, so nothing happens twice across restarts.
 */
export class ScheduleConductor {
  constructor(private readonly deps: ScheduleConductorDeps) {}

  /** One pass over every schedule (the MinuteTicker never runs two at once). */
  tick(): Promise<void> {
    return this.runTick();
  }

  /** Brings the Events tab in line with the guild's schedules (after add, skip, remove, or a meeting). */
  async refreshEvents(guildId: string): Promise<void> {
    for (const entry of await this.deps.schedules.entries(guildId)) {
      await this.refreshEvent(guildId, entry);
    }
  }

  /** Removes the Discord event of a schedule that was removed. */
  async cancelEvent(guildId: string, entry: ScheduleEntry): Promise<void> {
    if (!entry.event) return;
    await this.guardEvents(guildId, async () => {
      const guild = await this.deps.client.guilds.fetch(guildId);
      await guild.scheduledEvents.delete(entry.event!.id);
    });
  }

  private async runTick(): Promise<void> {
    try {
      const actions = await this.deps.schedules.dueActions();
      const byGuild = new Map<string, ScheduleAction[]>();
      for (const action of actions) byGuild.set(action.guildId, [...(byGuild.get(action.guildId) ?? []), action]);
      // Guilds in parallel (each is independent); one guild's actions in order (reminder before start).
      await Promise.all([...byGuild].map(([guildId, guildActions]) => this.runGuild(guildId, guildActions)));
      await this.completeFinishedEvents();
    } catch (error) {
      this.deps.logger.error({ err: error }, 'schedule tick failed');
    }
  }

  private async runGuild(guildId: string, actions: readonly ScheduleAction[]): Promise<void> {
    for (const action of actions) {
      try {
        await this.run(action);
      } catch (error) {
        this.deps.logger.error({ err: error, guildId, scheduleId: action.scheduleId, action: action.kind }, 'scheduled action failed');
      }
    }
  }

  private async run(action: ScheduleAction): Promise<void> {
    const { guildId, scheduleId, key } = action;
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return;
    if (action.kind === 'remind') {
      const entry = await this.deps.schedules.claimReminder(guildId, scheduleId, key);
      if (!entry) return;
      const channel = (await this.deps.client.channels.fetch(settings.circleChannelId)) as TextChannel;
      const mention = settings.memberRoleId ? `<@&${settings.memberRoleId}> ` : '';
      await channel.send({
        content: `${mention}${text('schedule.reminder', { name: entry.schedule.name, start: discordTime(action.at, 'F'), relative: discordTime(action.at, 'R') })}`,
        // The member role, if the circle has one, and nobody else.
        allowedMentions: { parse: [], roles: settings.memberRoleId ? [settings.memberRoleId] : [] },
        nonce: postNonce('r', scheduleId, key),
        enforceNonce: true,
      });
      return;
    }
    if (action.kind === 'missed') {
      const entry = await this.deps.schedules.markMissed(guildId, scheduleId, key);
      if (!entry) return;
      const channelId = settings.modChannelId ?? settings.circleChannelId;
      const channel = (await this.deps.client.channels.fetch(channelId)) as TextChannel;
      const next = nextOccurrenceDetail(entry.schedule, this.deps.now()).at;
      await channel.send({
        content: text('schedule.missed', { name: entry.schedule.name, start: discordTime(action.at, 'F'), next: discordTime(next, 'F') }),
        allowedMentions: NO_MENTIONS,
        nonce: postNonce('m', scheduleId, key),
        enforceNonce: true,
      });
      await this.refreshEvent(guildId, entry);
      return;
    }
    const fired = await this.deps.schedules.fire(guildId, scheduleId, key, action.late ? text('schedule.startedLate') : undefined);
    if (fired.kind === 'already-handled') return;
    if (fired.kind === 'busy') {
      const channel = (await this.deps.client.channels.fetch(settings.circleChannelId)) as TextChannel;
      await channel.send({
        content: text('schedule.busy', { name: fired.entry.schedule.name }),
        allowedMentions: NO_MENTIONS,
        nonce: postNonce('b', scheduleId, key),
        enforceNonce: true,
      });
      await this.refreshEvent(guildId, fired.entry);
      return;
    }
    await this.deps.meetingConductor.sync(guildId);
    const event = fired.entry.event;
    if (event && event.key === key) {
      const activated = await this.guardEvents(guildId, async () => {
        const guild = await this.deps.client.guilds.fetch(guildId);
        await guild.scheduledEvents.edit(event.id, { status: GuildScheduledEventStatus.Active });
      });
      if (activated) await this.deps.schedules.setEvent(guildId, scheduleId, { ...event, status: 'active' });
    }
  }

  /** An event shown as happening now is marked completed once its meeting has ended; the next one follows. */
  private async completeFinishedEvents(): Promise<void> {
    for (const guildId of await this.deps.schedules.guildIds()) {
      const active = (await this.deps.schedules.entries(guildId)).filter((entry) => entry.event?.status === 'active');
      if (active.length === 0) continue;
      const meeting = await this.deps.meetings.current(guildId);
      if (meeting && meeting.state.status !== 'ended') continue;
      for (const entry of active) {
        await this.guardEvents(guildId, async () => {
          const guild = await this.deps.client.guilds.fetch(guildId);
          await guild.scheduledEvents.edit(entry.event!.id, { status: GuildScheduledEventStatus.Completed });
        });
        const cleared = await this.deps.schedules.setEvent(guildId, entry.schedule.id, null);
        if (cleared.ok) await this.refreshEvent(guildId, cleared.value);
      }
    }
  }

  /** Keeps one Discord event for the schedule's next occurrence (not skipped), replacing a stale one. */
  private async refreshEvent(guildId: string, entry: ScheduleEntry): Promise<void> {
    if (entry.event?.status === 'active') return;
    const next = nextOccurrenceDetail(entry.schedule, this.deps.now());
    if (entry.event?.key === next.key) return;
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return;
    await this.guardEvents(guildId, async () => {
      const guild = await this.deps.client.guilds.fetch(guildId);
      if (entry.event) await guild.scheduledEvents.delete(entry.event.id).catch(() => undefined);
      const channel = guild.channels.cache.get(settings.circleChannelId);
      const created = await guild.scheduledEvents.create({
        name: entry.schedule.name,
        scheduledStartTime: next.at,
        scheduledEndTime: new Date(next.at.getTime() + entry.schedule.durationMinutes * 60_000),
        privacyLevel: GuildScheduledEventPrivacyLevel.GuildOnly,
        entityType: GuildScheduledEventEntityType.External,
        entityMetadata: { location: `#${channel?.name ?? 'circle'}` },
        description: text('schedule.event.description', { channel: `#${channel?.name ?? 'circle'}` }),
      });
      await this.deps.schedules.setEvent(guildId, entry.schedule.id, { id: created.id, key: next.key, status: 'scheduled' });
    });
  }

  /**
   * Runs an Events-tab change. Without the Manage Events permission the schedule still runs, and the
   * organizers are told once; other failures are logged. True when the change went through.
   */
  private async guardEvents(guildId: string, change: () => Promise<void>): Promise<boolean> {
    try {
      await change();
      return true;
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.MissingPermissions) {
        if (await this.deps.schedules.warnOnce(guildId, 'manage-events')) await this.tellOrganizers(guildId, text('schedule.eventsNotAllowed'));
      } else {
        this.deps.logger.warn({ err: error, guildId }, 'could not update the server event for a schedule');
      }
      return false;
    }
  }

  private async tellOrganizers(guildId: string, content: string): Promise<void> {
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return;
    const channel = (await this.deps.client.channels.fetch(settings.modChannelId ?? settings.circleChannelId)) as TextChannel;
    await channel.send({ content, allowedMentions: NO_MENTIONS });
  }
}
