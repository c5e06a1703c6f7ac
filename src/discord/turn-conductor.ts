import { ChannelType, DiscordAPIError, Events, RESTJSONErrorCodes, Routes, type Client, type Guild, type ThreadChannel, type VoiceState } from 'discord.js';
import type { MeetingRecord } from '../domain/meetings/meeting-record.ts';
import { isSharingNow, type VoiceRoster } from '../domain/meetings/voice-turns.ts';
import type { Logger } from '../logging/logger.ts';
import type { MeetingService } from '../services/meeting-service.ts';
import type { TurnService } from '../services/turn-service.ts';
import { GuildWriteQueue } from '../store/guild-write-queue.ts';
import { text } from '../texts/texts.ts';
import { DeadlineTimers } from './deadline-timers.ts';
import { postNonce } from './nonce.ts';
import { NO_MENTIONS } from './reply.ts';
import { CLOSED_RENDER, isLive, renderKey, speakingOrderMessage } from './turn-posts.ts';

/** Display names (never stored) and what messages showed, kept in memory for rendering. */
const MAX_NAMES = 10_000;

/**
 * Keeps each voice meeting's speaking-order message in step with the stored meeting, and feeds who is
 * in the meeting's voice channel (VOICE_STATE_UPDATE) to the turn use cases. The bot never joins voice:
 * it only reads voice states, and on a Stage may invite the current speaker to speak.
 *
 * Restart-safe like the meeting conductor: it compares the stored order with what the record says was
 * shown, posts with a nonce Discord enforces, and at start-up re-reads presence from the gateway's
 * guild state (`reconcile`) before the meeting conductor brings the thread up to date.
 */
export class TurnConductor {
  private readonly timers: DeadlineTimers;
  private readonly syncs = new GuildWriteQueue();
  private readonly names = new Map<string, string>();
  /**
   * What each speaking-order message last showed (by message id), in memory only: an edit per press
   * then costs no second write, and after a restart the message is simply edited once more.
   */
  private readonly shown = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly client: Client,
    private readonly meetings: MeetingService,
    private readonly turns: TurnService,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.timers = new DeadlineTimers(now);
  }

  /** Starts following voice states. */
  listen(): void {
    this.client.on(Events.VoiceStateUpdate, (before, after) => {
      void this.onVoiceState(before, after).catch((error: unknown) =>
        this.logger.error({ err: error, guildId: after.guild.id }, 'could not follow a voice state change'),
      );
    });
  }

  /** Start-up: presence while the bot was away is re-read from the gateway's voice states. */
  async reconcile(): Promise<void> {
    for (const guildId of await this.meetings.unfinishedGuilds()) {
      const record = await this.meetings.current(guildId);
      if (!record?.voiceChannelId || record.state.status === 'ended') continue;
      const guild = this.client.guilds.cache.get(guildId);
      if (!guild) continue;
      await this.turns.roster(guildId, this.roster(guild, record.voiceChannelId));
    }
  }

  /** Brings the speaking-order message up to date and re-arms the timer. Never throws. */
  sync(guildId: string): Promise<void> {
    return this.syncs.run(guildId, async () => {
      if (this.stopped) return;
      try {
        await this.syncNow(guildId);
      } catch (error) {
        this.logger.error({ err: error, guildId }, 'could not bring the speaking order up to date');
      }
      try {
        this.arm(guildId, await this.meetings.current(guildId));
      } catch (error) {
        // The store out of reach for a moment: the next change or restart arms it again.
        this.logger.error({ err: error, guildId }, 'could not re-arm the speaking order timer');
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.stop();
    await this.syncs.drain();
  }

  private async onVoiceState(before: VoiceState, after: VoiceState): Promise<void> {
    if (after.id === this.client.user?.id || this.stopped) return;
    const guildId = after.guild.id;
    const record = await this.meetings.current(guildId);
    const voice = record?.voiceChannelId;
    if (!record || !voice || record.state.status === 'ended') return;
    const wasIn = before.channelId === voice;
    const inVoice = after.channelId === voice;
    if (!wasIn && !inVoice) return;
    if (after.member) this.rememberName(guildId, after.id, after.member.displayName);
    const hadHand = wasIn && before.requestToSpeakTimestamp !== null;
    const handRaised = inVoice && after.requestToSpeakTimestamp !== null;
    // A hand lowered by its owner while still in the audience; one lowered because its owner was invited
    // to speak (no longer suppressed) is not a choice.
    const handLowered = wasIn && inVoice && hadHand && !handRaised && after.suppress === true;
    // Muting, deafening, video and the like change nothing here.
    if (wasIn === inVoice && !handLowered && (hadHand === handRaised || !handRaised)) return;
    const changed = await this.turns.presence(guildId, after.id, { inVoice, handRaised, handLowered });
    // Time towards attendance changed the deadlines even when the order did not.
    if (changed) this.arm(guildId, changed);
  }

  private async syncNow(guildId: string): Promise<void> {
    let record = await this.meetings.current(guildId);
    if (!record?.voiceChannelId || !record.threadId) return;
    const voiceChannelId = record.voiceChannelId;
    const guild = this.client.guilds.cache.get(guildId);
    if (!guild) return;
    const thread = (await this.client.channels.fetch(record.threadId)) as ThreadChannel;
    const id = record.state.id;

    // A sharing round that is over: its message says so and loses its buttons, once.
    const previous = record.turns;
    if (previous?.messageId && !isLive(record, previous) && previous.renderedRevision !== CLOSED_RENDER) {
      await thread.messages.edit(previous.messageId, { ...(await this.render(guild, record)), allowedMentions: NO_MENTIONS });
      record = (await this.turns.markShown(guildId, id, (r) => (r.turns ? { ...r, turns: { ...r.turns, renderedRevision: CLOSED_RENDER } } : r))) ?? record;
    }
    // The last speaker the bot invited up goes back to the audience when the round is over.
    if (record.turns?.invited && !isLive(record, record.turns)) {
      await this.setSuppressed(guildId, voiceChannelId, record.turns.invited, true).catch((error: unknown) =>
        this.logger.warn({ err: error, guildId }, 'could not move the last speaker back to the audience'),
      );
      record = (await this.turns.markShown(guildId, id, (r) => (r.turns ? { ...r, turns: { ...r.turns, invited: null } } : r))) ?? record;
    }

    // A voice meeting that just started: whoever is already in voice counts their time from now.
    if (record.voicePresence === undefined && record.state.status !== 'ended') {
      record = (await this.turns.roster(guildId, this.roster(guild, voiceChannelId))) ?? record;
    }

    if (isSharingNow(record) && record.turns?.roundIndex !== record.state.roundIndex) {
      const stage = guild.channels.cache.get(voiceChannelId)?.type === ChannelType.GuildStageVoice;
      record = (await this.turns.startRound(guildId, id, this.roster(guild, voiceChannelId), stage)) ?? record;
    }

    const turns = record.turns;
    if (!turns || !isLive(record, turns)) return;
    const key = renderKey(record, turns, this.now());
    if (!turns.messageId) {
      const posted = await thread.send({
        ...(await this.render(guild, record)),
        allowedMentions: NO_MENTIONS,
        nonce: postNonce(id, `t${turns.roundIndex}`),
        enforceNonce: true,
      });
      record =
        (await this.turns.markShown(guildId, id, (r) =>
          r.turns?.roundIndex === turns.roundIndex ? { ...r, turns: { ...r.turns, messageId: posted.id, renderedRevision: key } } : r,
        )) ?? record;
    } else if ((this.shown.get(turns.messageId) ?? turns.renderedRevision) !== key) {
      await thread.messages.edit(turns.messageId, { ...(await this.render(guild, record)), allowedMentions: NO_MENTIONS });
      this.remember(this.shown, turns.messageId, key);
    }
    await this.inviteSpeaker(guild, thread, record);
  }

  /**
   * Stage, with "invite the speaker" on: the current speaker is invited to speak (suppress false) and
   * whoever the bot invited before goes back to the audience (suppress true). Without Mute Members the
   * thread is told once what could not be done, and the order goes on as usual.
   */
  private async inviteSpeaker(guild: Guild, thread: ThreadChannel, record: MeetingRecord): Promise<void> {
    const turns = record.turns;
    if (!turns?.stage || !turns.inviteSpeaker || turns.inviteRefused || !record.voiceChannelId) return;
    const speaker = turns.queue.current?.memberId ?? null;
    if (speaker === turns.invited) return;
    const channelId = record.voiceChannelId;
    try {
      if (turns.invited) await this.setSuppressed(guild.id, channelId, turns.invited, true);
      if (speaker) await this.setSuppressed(guild.id, channelId, speaker, false);
      await this.turns.markShown(guild.id, record.state.id, (r) => (r.turns ? { ...r, turns: { ...r.turns, invited: speaker } } : r));
    } catch (error) {
      if (!(error instanceof DiscordAPIError) || error.code !== RESTJSONErrorCodes.MissingPermissions) throw error;
      await thread.send({ content: text('voice.inviteRefused', { channel: `<#${channelId}>` }), allowedMentions: NO_MENTIONS });
      await this.turns.markShown(guild.id, record.state.id, (r) => (r.turns ? { ...r, turns: { ...r.turns, inviteRefused: true } } : r));
    }
  }

  private async setSuppressed(guildId: string, channelId: string, userId: string, suppress: boolean): Promise<void> {
    try {
      await this.client.rest.patch(Routes.guildVoiceState(guildId, userId), { body: { channel_id: channelId, suppress } });
    } catch (error) {
      // Someone who left the stage meanwhile has no voice state to change (Unknown Voice State, or the
      // member or channel is gone: every such answer is a 404): nothing to do for them.
      if (error instanceof DiscordAPIError && error.status === 404) return;
      throw error;
    }
  }

  private async render(guild: Guild, record: MeetingRecord) {
    const turns = record.turns!;
    const ids = [turns.queue.current?.memberId, ...turns.queue.waiting].filter((memberId): memberId is string => Boolean(memberId));
    await this.resolveNames(guild, ids);
    // The order's own round: a closed order belongs to the round before the current one.
    const title = this.meetings.roundTitle(record, turns.roundIndex);
    return speakingOrderMessage(record, turns, title, (memberId) => this.names.get(`${guild.id}:${memberId}`) ?? text('voice.order.someone'), this.now());
  }

  /** Who is in the voice channel now, as the gateway's guild state has it (the bot itself never is). */
  private roster(guild: Guild, channelId: string): VoiceRoster {
    const states = [...guild.voiceStates.cache.values()].filter((state) => state.channelId === channelId && state.id !== this.client.user?.id);
    for (const state of states) if (state.member) this.rememberName(guild.id, state.id, state.member.displayName);
    return {
      present: states.map((state) => state.id),
      hands: states
        .filter((state) => state.requestToSpeakTimestamp !== null)
        .map((state) => ({ memberId: state.id, raisedAt: new Date(state.requestToSpeakTimestamp!).toISOString() })),
    };
  }

  private async resolveNames(guild: Guild, memberIds: readonly string[]): Promise<void> {
    const missing = memberIds.filter((memberId) => !this.names.has(`${guild.id}:${memberId}`));
    for (const memberId of missing) {
      const cached = guild.members.cache.get(memberId);
      const member = cached ?? (await guild.members.fetch(memberId).catch(() => undefined));
      if (member) this.rememberName(guild.id, memberId, member.displayName);
    }
  }

  private rememberName(guildId: string, memberId: string, name: string): void {
    this.remember(this.names, `${guildId}:${memberId}`, name);
  }

  /** Keeps the newest MAX_NAMES entries of a memory-only map. */
  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_NAMES) map.delete(map.keys().next().value!);
  }

  private arm(guildId: string, record: MeetingRecord | undefined): void {
    this.timers.arm(guildId, record ? this.turns.nextDeadline(record) : null, () => {
      void this.turns
        .settle(guildId)
        .then(() => this.sync(guildId))
        .catch((error: unknown) => this.logger.error({ err: error, guildId }, 'speaking order timer failed'));
    });
  }
}
