/**
 * The simulated Discord world: users, guilds, roles, members, channels, threads, messages, commands
 * and scheduled events. Every change that real Discord would announce on the gateway is announced
 * through `dispatch`, which the sandbox wires to the gateway server; the state itself knows nothing
 * about sockets.
 */
import { SnowflakeGenerator } from './snowflake.ts';
import { ALL_PERMISSIONS, DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, Permission, parsePermissions } from './permissions.ts';
import type { PermissionOverwrite, SandboxChannel, SandboxGuild, SandboxMember, SandboxMessage, SandboxRole, SandboxUser, SandboxVoiceState } from './types.ts';

export const ChannelType = {
  GuildText: 0,
  GuildVoice: 2,
  GuildCategory: 4,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
  GuildStageVoice: 13,
  GuildForum: 15,
} as const;

/** Channels members can be connected to: voice (2) and stage (13). */
export const VOICE_TYPES: ReadonlySet<number> = new Set([2, 13]);

export const THREAD_TYPES: ReadonlySet<number> = new Set([10, 11, 12]);

export const MessageFlags = { Ephemeral: 64, Loading: 128, IsComponentsV2: 1 << 15 } as const;

/** Discord: a repeated nonce is deduplicated "for a few minutes". */
const NONCE_WINDOW_MS = 5 * 60_000;

export interface GuildRecord {
  guild: SandboxGuild;
  createdAt: number;
  roles: Map<string, SandboxRole>;
  members: Map<string, SandboxMember>;
  channelIds: string[];
  scheduledEvents: Map<string, any>;
  botRoleId: string;
  /** Members connected to a voice or stage channel, by user id. */
  voiceStates: Map<string, SandboxVoiceState>;
}

/** What a member can change about their own connection in Discord's client, and what moderators can. */
export interface VoiceStateChange {
  selfMute?: boolean;
  selfDeaf?: boolean;
  selfStream?: boolean;
  selfVideo?: boolean;
  /** Server mute / deafen (a moderator's action; also the member's `mute` / `deaf`). */
  mute?: boolean;
  deaf?: boolean;
  /** Stage: audience (true) or speaker (false). */
  suppress?: boolean;
}

export type MessageChange = { kind: 'create' | 'update' | 'delete'; message: SandboxMessage };

export interface StoredFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

const iso = (ms: number = Date.now()) => new Date(ms).toISOString();
const clone = <T>(v: T): T => structuredClone(v);

export class SandboxState {
  readonly ids = new SnowflakeGenerator();
  readonly users = new Map<string, SandboxUser>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, SandboxChannel>();
  readonly messages = new Map<string, SandboxMessage>();
  readonly attachmentsData = new Map<string, StoredFile>();
  readonly globalCommands: any[] = [];
  readonly guildCommands = new Map<string, any[]>();
  readonly botUser: SandboxUser;
  readonly applicationId: string;
  /** Set by the sandbox to the gateway's dispatcher. */
  dispatch: (event: string, data: unknown) => void = () => {};
  private readonly channelMessages = new Map<string, string[]>();
  /** DM channels between a user (the key) and the bot. */
  private readonly dmChannels = new Map<string, { id: string; type: 1; recipients: SandboxUser[]; last_message_id: string | null; flags: 0 }>();
  private readonly nonces = new Map<string, { messageId: string; at: number }>();
  private readonly messageListeners = new Set<(change: MessageChange) => void>();

  constructor(botName = 'Helper Circle') {
    this.applicationId = this.ids.next();
    // Discord bots' user id equals their application id for every app made since 2020.
    this.botUser = {
      id: this.applicationId,
      username: botName,
      global_name: null,
      discriminator: '0000',
      avatar: null,
      bot: true,
      public_flags: 0,
    };
    this.users.set(this.botUser.id, this.botUser);
  }

  // ---------------------------------------------------------------- users, guilds, roles, members

  createUser(username: string, globalName: string | null = null): SandboxUser {
    const user: SandboxUser = {
      id: this.ids.next(),
      username,
      global_name: globalName,
      discriminator: '0',
      avatar: null,
      public_flags: 0,
    };
    this.users.set(user.id, user);
    return user;
  }

  guildRecord(guildId: string): GuildRecord {
    const g = this.guilds.get(guildId);
    if (!g) throw new Error(`Unknown guild ${guildId}`);
    return g;
  }

  createGuild(input: { name: string; ownerUsername?: string; shard?: readonly [number, number] }): SandboxGuild {
    const owner = this.createUser(input.ownerUsername ?? 'owner');
    const id = input.shard ? this.ids.nextOnShard(input.shard[0], input.shard[1]) : this.ids.next();
    const guild: SandboxGuild = {
      id,
      name: input.name,
      owner_id: owner.id,
      preferred_locale: 'en-US',
      system_channel_id: null,
    };
    // @everyone's id is the guild id: that is how Discord (and discord.js) find it.
    const everyone = this.makeRole({ name: '@everyone', permissions: DEFAULT_EVERYONE_PERMISSIONS }, 0, id);
    // The bot's managed role, created by Discord when the bot is invited.
    const botRole = this.makeRole({ name: this.botUser.username, permissions: DEFAULT_BOT_PERMISSIONS }, 1);
    botRole.managed = true;
    botRole.tags = { bot_id: this.botUser.id };
    const record: GuildRecord = {
      guild,
      createdAt: Date.now(),
      roles: new Map([
        [everyone.id, everyone],
        [botRole.id, botRole],
      ]),
      members: new Map(),
      channelIds: [],
      scheduledEvents: new Map(),
      botRoleId: botRole.id,
      voiceStates: new Map(),
    };
    this.guilds.set(id, record);
    record.members.set(owner.id, this.makeMember(owner, []));
    record.members.set(this.botUser.id, this.makeMember(this.botUser, [botRole.id]));
    this.dispatch('GUILD_CREATE', this.guildCreatePayload(id));
    return clone(guild);
  }

  private makeRole(input: { name: string; permissions?: bigint | string }, position: number, id = this.ids.next()): SandboxRole {
    return {
      id,
      name: input.name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position,
      permissions: parsePermissions(input.permissions, 0n).toString(),
      managed: false,
      mentionable: false,
      flags: 0,
    };
  }

  private makeMember(user: SandboxUser, roles: string[]): SandboxMember {
    return {
      user,
      nick: null,
      avatar: null,
      roles,
      joined_at: iso(),
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
    };
  }

  createRole(guildId: string, input: { name: string; permissions?: bigint | string }): SandboxRole {
    const g = this.guildRecord(guildId);
    const role = this.makeRole(input, g.roles.size);
    g.roles.set(role.id, role);
    this.dispatch('GUILD_ROLE_CREATE', { guild_id: guildId, role: clone(role) });
    return clone(role);
  }

  /** Changes what a role allows (a server admin editing it); dispatches GUILD_ROLE_UPDATE. */
  setRolePermissions(guildId: string, roleId: string, permissions: bigint | string): SandboxRole {
    const role = this.guildRecord(guildId).roles.get(roleId);
    if (!role) throw new Error(`setRolePermissions: role ${roleId} is not a role of guild ${guildId}`);
    role.permissions = parsePermissions(permissions, 0n).toString();
    this.dispatch('GUILD_ROLE_UPDATE', { guild_id: guildId, role: clone(role) });
    return clone(role);
  }

  addMember(guildId: string, input: { username: string; roles?: string[]; globalName?: string }): SandboxMember {
    const g = this.guildRecord(guildId);
    for (const r of input.roles ?? []) {
      if (!g.roles.has(r)) throw new Error(`addMember: role ${r} is not a role of guild ${guildId}`);
    }
    const user = this.createUser(input.username, input.globalName ?? null);
    const member = this.makeMember(user, [...(input.roles ?? [])]);
    g.members.set(user.id, member);
    // Only sent to bots with the privileged GuildMembers intent; the gateway filters by intent.
    this.dispatch('GUILD_MEMBER_ADD', { ...clone(member), guild_id: guildId });
    return clone(member);
  }

  setMemberRoles(guildId: string, userId: string, roles: string[]): SandboxMember {
    const g = this.guildRecord(guildId);
    const member = g.members.get(userId);
    if (!member) throw new Error(`User ${userId} is not a member of guild ${guildId}`);
    for (const r of roles) if (!g.roles.has(r)) throw new Error(`setMemberRoles: role ${r} is not a role of guild ${guildId}`);
    member.roles = [...roles];
    this.dispatch('GUILD_MEMBER_UPDATE', { ...clone(member), guild_id: guildId });
    return clone(member);
  }

  member(guildId: string, userId: string): SandboxMember | undefined {
    return this.guilds.get(guildId)?.members.get(userId);
  }

  /** Guild-level permissions: owner and Administrator get everything, others @everyone | roles. */
  basePermissions(guildId: string, userId: string): bigint {
    const g = this.guildRecord(guildId);
    if (g.guild.owner_id === userId) return ALL_PERMISSIONS;
    const member = g.members.get(userId);
    let perms = parsePermissions(g.roles.get(guildId)?.permissions);
    for (const roleId of member?.roles ?? []) perms |= parsePermissions(g.roles.get(roleId)?.permissions);
    return perms & Permission.Administrator ? ALL_PERMISSIONS : perms;
  }

  /** Channel permissions after overwrites, in Discord's documented order (everyone, roles, member). */
  channelPermissions(channelId: string, userId: string): bigint {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`Unknown channel ${channelId}`);
    const base = this.basePermissions(channel.guild_id, userId);
    if (base & Permission.Administrator) return ALL_PERMISSIONS;
    // Threads inherit their parent's overwrites.
    const source = THREAD_TYPES.has(channel.type) && channel.parent_id ? (this.channels.get(channel.parent_id) ?? channel) : channel;
    const overwrites = source.permission_overwrites;
    const member = this.member(channel.guild_id, userId);
    let perms = base;
    const apply = (o: { allow: string; deny: string } | undefined) => {
      if (!o) return;
      perms &= ~parsePermissions(o.deny);
      perms |= parsePermissions(o.allow);
    };
    apply(overwrites.find((o) => o.id === channel.guild_id));
    let allow = 0n;
    let deny = 0n;
    for (const o of overwrites) {
      if (o.type === 0 && o.id !== channel.guild_id && member?.roles.includes(o.id)) {
        allow |= parsePermissions(o.allow);
        deny |= parsePermissions(o.deny);
      }
    }
    perms = (perms & ~deny) | allow;
    apply(overwrites.find((o) => o.type === 1 && o.id === userId));
    return perms;
  }

  // ---------------------------------------------------------------- channels and threads

  createChannel(
    guildId: string,
    input: { name: string; type?: number; parent_id?: string | null; topic?: string | null; permission_overwrites?: PermissionOverwrite[] },
  ): SandboxChannel {
    const g = this.guildRecord(guildId);
    const channel: SandboxChannel = {
      id: this.ids.next(),
      type: input.type ?? ChannelType.GuildText,
      guild_id: guildId,
      name: input.name,
      position: g.channelIds.length,
      permission_overwrites: structuredClone(input.permission_overwrites ?? []),
      parent_id: input.parent_id ?? null,
      flags: 0,
    };
    if (channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement) {
      Object.assign(channel, { topic: input.topic ?? null, nsfw: false, rate_limit_per_user: 0, last_message_id: null });
    }
    if (channel.type === ChannelType.GuildVoice) {
      Object.assign(channel, { bitrate: 64000, user_limit: 0, rtc_region: null, nsfw: false, rate_limit_per_user: 0 });
    }
    if (channel.type === ChannelType.GuildStageVoice) {
      Object.assign(channel, { bitrate: 64000, user_limit: 0, rtc_region: null, topic: input.topic ?? null, nsfw: false, rate_limit_per_user: 0 });
    }
    this.channels.set(channel.id, channel);
    g.channelIds.push(channel.id);
    if (g.guild.system_channel_id === null && channel.type === ChannelType.GuildText) g.guild.system_channel_id = channel.id;
    this.dispatch('CHANNEL_CREATE', clone(channel));
    return clone(channel);
  }

  channel(channelId: string): SandboxChannel | undefined {
    return this.channels.get(channelId);
  }

  createThread(
    parentId: string,
    input: { name: string; type?: number; auto_archive_duration?: number; invitable?: boolean; rate_limit_per_user?: number },
    ownerId: string,
    fromMessageId?: string,
  ): SandboxChannel {
    const parent = this.channels.get(parentId);
    if (!parent) throw new Error(`Unknown channel ${parentId}`);
    const now = iso();
    const thread: SandboxChannel = {
      // A thread started from a message shares the message's id, as on Discord.
      id: fromMessageId ?? this.ids.next(),
      type: input.type ?? (fromMessageId ? ChannelType.PublicThread : ChannelType.PrivateThread),
      guild_id: parent.guild_id,
      name: input.name,
      position: 0,
      permission_overwrites: [],
      parent_id: parentId,
      last_message_id: null,
      rate_limit_per_user: input.rate_limit_per_user ?? 0,
      flags: 0,
      owner_id: ownerId,
      thread_metadata: {
        archived: false,
        auto_archive_duration: input.auto_archive_duration ?? 4320,
        archive_timestamp: now,
        locked: false,
        create_timestamp: now,
        ...(input.type === ChannelType.PrivateThread ? { invitable: input.invitable ?? true } : {}),
      },
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
    };
    this.channels.set(thread.id, thread);
    if (fromMessageId) {
      const m = this.messages.get(fromMessageId);
      if (m) m.thread = clone(thread);
    }
    this.dispatch('THREAD_CREATE', { ...clone(thread), newly_created: true });
    return clone(thread);
  }

  /** A member with Manage Threads archives, unarchives, locks or unlocks a thread (THREAD_UPDATE, as on Discord). */
  setThreadState(threadId: string, change: { archived?: boolean; locked?: boolean }): SandboxChannel {
    const thread = this.channels.get(threadId);
    if (!thread?.thread_metadata) throw new Error(`Unknown thread ${threadId}`);
    if (change.locked !== undefined) thread.thread_metadata.locked = change.locked;
    if (change.archived !== undefined) {
      thread.thread_metadata.archived = change.archived;
      thread.thread_metadata.archive_timestamp = iso();
    }
    this.dispatch('THREAD_UPDATE', clone(thread));
    return clone(thread);
  }

  threadsOf(channelId: string): SandboxChannel[] {
    return [...this.channels.values()].filter((c) => c.parent_id === channelId && THREAD_TYPES.has(c.type)).map(clone);
  }

  guildChannels(guildId: string): SandboxChannel[] {
    return this.guildRecord(guildId)
      .channelIds.map((id) => this.channels.get(id))
      .filter((c) => c !== undefined)
      .map(clone);
  }

  guildThreads(guildId: string): SandboxChannel[] {
    return [...this.channels.values()].filter((c) => c.guild_id === guildId && THREAD_TYPES.has(c.type)).map(clone);
  }

  // ---------------------------------------------------------------- voice

  voiceStates(guildId: string): SandboxVoiceState[] {
    return [...this.guildRecord(guildId).voiceStates.values()].map(clone);
  }

  voiceState(guildId: string, userId: string): SandboxVoiceState | undefined {
    return this.guilds.get(guildId)?.voiceStates.get(userId);
  }

  /**
   * A member connects to a voice or stage channel, or moves to another one (a new channel resets the
   * raised hand). In a stage channel members arrive in the audience (`suppress: true`); in a voice
   * channel they are suppressed only without Speak, as on Discord.
   */
  joinVoice(guildId: string, userId: string, channelId: string): SandboxVoiceState {
    const g = this.guildRecord(guildId);
    const member = g.members.get(userId);
    if (!member) throw new Error(`joinVoice: user ${userId} is not a member of guild ${guildId}`);
    const channel = this.channels.get(channelId);
    if (!channel || channel.guild_id !== guildId) throw new Error(`joinVoice: channel ${channelId} is not a channel of guild ${guildId}`);
    if (!VOICE_TYPES.has(channel.type)) throw new Error(`joinVoice: channel ${channelId} is not a voice or stage channel (type ${channel.type})`);
    const perms = this.channelPermissions(channelId, userId);
    // Discord's client offers no way in without View Channel and Connect.
    if ((perms & (Permission.ViewChannel | Permission.Connect)) !== (Permission.ViewChannel | Permission.Connect)) {
      throw new Error(`joinVoice: user ${userId} lacks View Channel or Connect in channel ${channelId}`);
    }
    const previous = g.voiceStates.get(userId);
    const suppress = channel.type === ChannelType.GuildStageVoice ? true : !(perms & Permission.Speak);
    const state: SandboxVoiceState = previous
      ? { ...previous, channel_id: channelId, suppress, request_to_speak_timestamp: null }
      : {
          guild_id: guildId,
          channel_id: channelId,
          user_id: userId,
          session_id: this.ids.next(),
          deaf: member.deaf,
          mute: member.mute,
          self_deaf: false,
          self_mute: false,
          self_stream: false,
          self_video: false,
          suppress,
          request_to_speak_timestamp: null,
        };
    g.voiceStates.set(userId, state);
    this.dispatchVoiceState(state);
    return clone(state);
  }

  /** A member disconnects: VOICE_STATE_UPDATE with `channel_id: null`. */
  leaveVoice(guildId: string, userId: string): void {
    const g = this.guildRecord(guildId);
    const state = g.voiceStates.get(userId);
    if (!state) throw new Error(`leaveVoice: user ${userId} is not connected to voice in guild ${guildId}`);
    g.voiceStates.delete(userId);
    this.dispatchVoiceState({ ...state, channel_id: null, suppress: false, request_to_speak_timestamp: null, self_stream: false, self_video: false });
  }

  updateVoiceState(guildId: string, userId: string, change: VoiceStateChange & { request_to_speak_timestamp?: string | null }): SandboxVoiceState {
    const g = this.guildRecord(guildId);
    const state = g.voiceStates.get(userId);
    if (!state) throw new Error(`User ${userId} is not connected to voice in guild ${guildId}`);
    const member = g.members.get(userId);
    if (change.selfMute !== undefined) state.self_mute = change.selfMute;
    if (change.selfDeaf !== undefined) state.self_deaf = change.selfDeaf;
    if (change.selfStream !== undefined) state.self_stream = change.selfStream;
    if (change.selfVideo !== undefined) state.self_video = change.selfVideo;
    if (change.mute !== undefined) {
      state.mute = change.mute;
      if (member) member.mute = change.mute;
    }
    if (change.deaf !== undefined) {
      state.deaf = change.deaf;
      if (member) member.deaf = change.deaf;
    }
    if (change.suppress !== undefined) state.suppress = change.suppress;
    if (change.request_to_speak_timestamp !== undefined) state.request_to_speak_timestamp = change.request_to_speak_timestamp;
    this.dispatchVoiceState(state);
    return clone(state);
  }

  private lastHandAt = 0;

  /** Hands' timestamps strictly increase, so their order is the order they were raised. */
  nextHandTimestamp(): string {
    this.lastHandAt = Math.max(Date.now(), this.lastHandAt + 1);
    return iso(this.lastHandAt);
  }

  private dispatchVoiceState(state: Omit<SandboxVoiceState, 'channel_id'> & { channel_id: string | null }) {
    const member = this.member(state.guild_id, state.user_id);
    this.dispatch('VOICE_STATE_UPDATE', { ...clone(state), ...(member ? { member: clone(member) } : {}) });
  }

  // ---------------------------------------------------------------- gateway payloads

  /** The guild object of REST `GET /guilds/:id` (no channels or members, like Discord). */
  guildObject(guildId: string): Record<string, unknown> {
    const g = this.guildRecord(guildId);
    return {
      ...clone(g.guild),
      icon: null,
      icon_hash: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [...g.roles.values()].map(clone),
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      max_members: 500000,
      max_video_channel_users: 25,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      nsfw_level: 0,
      nsfw: false,
      premium_progress_bar_enabled: false,
    };
  }

  /** GUILD_CREATE: the guild plus everything a bot's cache is filled from. */
  guildCreatePayload(guildId: string): Record<string, unknown> {
    const g = this.guildRecord(guildId);
    return {
      ...this.guildObject(guildId),
      joined_at: iso(g.createdAt),
      large: false,
      unavailable: false,
      member_count: g.members.size,
      voice_states: [...g.voiceStates.values()].map(clone),
      members: [...g.members.values()].map(clone),
      channels: this.guildChannels(guildId),
      threads: this.guildThreads(guildId),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [...g.scheduledEvents.values()].map(clone),
      soundboard_sounds: [],
    };
  }

  // ---------------------------------------------------------------- messages

  onMessageChange(listener: (change: MessageChange) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  private notify(kind: MessageChange['kind'], message: SandboxMessage) {
    for (const l of [...this.messageListeners]) l({ kind, message: clone(message) });
  }

  /** A message the bot already sent with this nonce in this channel, if still deduplicated. */
  messageForNonce(channelId: string, nonce: string | number): SandboxMessage | undefined {
    const hit = this.nonces.get(`${channelId}:${nonce}`);
    if (!hit || Date.now() - hit.at > NONCE_WINDOW_MS) return undefined;
    return this.messages.get(hit.messageId);
  }

  /**
   * Stores a message and announces it. Ephemeral messages are stored (a test may click their
   * buttons) but, as on Discord, never appear in the channel nor on the gateway.
   */
  addMessage(message: SandboxMessage, opts: { enforceNonce?: boolean } = {}): SandboxMessage {
    this.messages.set(message.id, message);
    const ephemeral = (message.flags & MessageFlags.Ephemeral) !== 0;
    if (!ephemeral) {
      const list = this.channelMessages.get(message.channel_id) ?? [];
      list.push(message.id);
      this.channelMessages.set(message.channel_id, list);
      const channel = this.channels.get(message.channel_id);
      if (channel) {
        channel.last_message_id = message.id;
        if (THREAD_TYPES.has(channel.type)) {
          channel.message_count = (channel.message_count ?? 0) + 1;
          channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
          message.position = channel.total_message_sent - 1;
        }
      }
      if (opts.enforceNonce && message.nonce !== undefined) {
        this.nonces.set(`${message.channel_id}:${message.nonce}`, { messageId: message.id, at: Date.now() });
      }
      this.dispatch('MESSAGE_CREATE', this.messageDispatch(message));
    }
    this.notify('create', message);
    return message;
  }

  updateMessage(messageId: string, patch: Partial<SandboxMessage>): SandboxMessage {
    const message = this.messages.get(messageId);
    if (!message) throw new Error(`Unknown message ${messageId}`);
    Object.assign(message, patch, { edited_timestamp: iso() });
    if (!(message.flags & MessageFlags.Ephemeral)) this.dispatch('MESSAGE_UPDATE', this.messageDispatch(message));
    this.notify('update', message);
    return message;
  }

  deleteMessage(messageId: string): void {
    const message = this.messages.get(messageId);
    if (!message) return;
    this.messages.delete(messageId);
    const list = this.channelMessages.get(message.channel_id);
    if (list)
      this.channelMessages.set(
        message.channel_id,
        list.filter((id) => id !== messageId),
      );
    if (!(message.flags & MessageFlags.Ephemeral)) {
      this.dispatch('MESSAGE_DELETE', { id: message.id, channel_id: message.channel_id, guild_id: message.guild_id });
    }
    this.notify('delete', message);
  }

  channelMessageList(channelId: string): SandboxMessage[] {
    return (this.channelMessages.get(channelId) ?? []).map((id) => this.messages.get(id)).filter((m) => m !== undefined);
  }

  /**
   * A user writes to the bot in DMs: MESSAGE_CREATE without `guild_id`, which Discord sends to shard 0
   * with the DirectMessages intent. Only announced: the DM channel and message are not served by REST.
   */
  directMessage(userId: string, content: string): Record<string, unknown> {
    const user = this.users.get(userId);
    if (!user) throw new Error(`Unknown user ${userId}`);
    let channel = this.dmChannels.get(userId);
    if (!channel) {
      channel = { id: this.ids.next(), type: 1, recipients: [clone(user)], last_message_id: null, flags: 0 };
      this.dmChannels.set(userId, channel);
    }
    const id = this.ids.next();
    channel.last_message_id = id;
    const message = {
      id,
      type: 0,
      channel_id: channel.id,
      author: clone(user),
      content,
      embeds: [],
      components: [],
      attachments: [],
      flags: 0,
      timestamp: iso(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
    };
    this.dispatch('MESSAGE_CREATE', message);
    return clone(message);
  }

  /** MESSAGE_CREATE/UPDATE carry the author's member object in guilds. */
  private messageDispatch(message: SandboxMessage): Record<string, unknown> {
    const wire = toWireMessage(message);
    if (message.guild_id && !message.webhook_id) {
      const member = this.member(message.guild_id, message.author.id);
      if (member) {
        const { user: _user, ...rest } = clone(member);
        wire.member = rest;
      }
    }
    return wire;
  }
}

/** The message as Discord sends it: without the sandbox's bookkeeping fields. */
export function toWireMessage(message: SandboxMessage): Record<string, any> {
  const { allowed_mentions: _am, ...rest } = clone(message);
  return rest;
}
