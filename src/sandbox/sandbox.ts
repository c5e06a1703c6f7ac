/**
 * The sandbox: a local stand-in for Discord on 127.0.0.1 that the real, unmodified discord.js
 * client talks to through `new Client({ rest: { api: sandbox.apiUrl } })`. Tests and the demo use
 * it to build a world (guilds, channels, roles, members), act as members (slash commands, buttons,
 * selects, modals, autocomplete), read what the bot sent, and inject faults.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxConfig, SandboxCore } from './core.ts';
import { FaultInjector, type FailNextInput, type GlobalLimitStats } from './faults.ts';
import { GatewayServer, type GatewayIdentify, type PrivilegedIntent, type ShardTuple } from './gateway.ts';
import {
  InteractionTracker,
  type AutocompleteInput,
  type ClickButtonInput,
  type InteractionHandle,
  type SelectMenuInput,
  type SlashCommandInput,
  type SubmitModalInput,
} from './interactions.ts';
import { ChannelType, MessageFlags, SandboxState, type VoiceStateChange } from './state.ts';
import { Permission, parsePermissions } from './permissions.ts';
import { OpenApiValidator } from './openapi-validator.ts';
import { RestServer } from './rest-server.ts';
import { gatewayUrl } from './routes/meta.ts';
import { shardOf } from './snowflake.ts';
import type {
  RecordedRequest,
  SandboxChannel,
  SandboxGuild,
  SandboxMember,
  SandboxMessage,
  SandboxRole,
  SandboxUser,
  SandboxVoiceState,
  ValidationFailure,
} from './types.ts';

export interface SandboxOptions {
  /** Gateway heartbeat interval; short by default so clients settle quickly in tests. */
  heartbeatIntervalMs?: number;
  /**
   * Discord's OpenAPI description; default: the copy vendored in `src/sandbox/spec/`. Every request body
   * is validated against it, so a missing or unreadable file makes the sandbox refuse to start.
   */
  openapiPath?: string;
  /** The bot token the sandbox accepts. */
  token?: string;
  /** A first callback later than this is refused with 404 10062 (Discord: 3 s). */
  interactionDeadlineMs?: number;
  /** Interaction webhook tokens (follow-ups, `@original`) expire after this (Discord: 15 min). */
  interactionTokenLifetimeMs?: number;
  /**
   * Enforce Discord's global rate limit with 429 `{global: true}` beyond this many requests/s, counted
   * per token: every client using the bot's token shares it, as on Discord (see `globalRateLimit()`).
   */
  globalRequestsPerSecond?: number;
  /** The bot's username. */
  botName?: string;
  /** Privileged intents enabled for the app (default: all three); others make IDENTIFY fail with 4014. */
  privilegedIntents?: PrivilegedIntent[];
  /** GET /gateway/bot's recommended `shards` (default 1). */
  recommendedShards?: number;
  /** GET /gateway/bot's `session_start_limit.max_concurrency` (default 1): identify buckets are `shard_id % this`. */
  maxConcurrency?: number;
  /** IDENTIFY for a shard that would hold more guilds closes with 4011 (default: Discord's 2,500). */
  maxGuildsPerShard?: number;
  /**
   * One IDENTIFY per bucket per this many ms; an earlier one gets op 9 and must be retried (Discord:
   * 5000). Default 0, not enforced: separate clients (a restarted bot, another process) each pace only
   * themselves, so a test restarting the bot would wait for discord.js's 5 s retry. Sharding tests set it.
   */
  identifyIntervalMs?: number;
}

/** Discord's discord-api-spec, vendored with its licence (see `spec/README.md`). */
export const DEFAULT_OPENAPI_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'spec', 'discord-openapi.json');

/**
 * Loads (once per file and process) the description every request body is checked against. Without it
 * the sandbox would accept bodies Discord refuses, and tests would pass that fail in production: so a
 * missing or unreadable file is an error, never a silent switch to weaker checks.
 */
function loadOpenApi(file: string): OpenApiValidator {
  try {
    return OpenApiValidator.forFile(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : err instanceof Error ? err.message : String(err);
    throw new Error(
      `The sandbox cannot start: Discord's OpenAPI description at ${file} could not be loaded (${reason}). ` +
        `It validates every request body; the project's copy is src/sandbox/spec/discord-openapi.json (see src/sandbox/spec/README.md).`,
      { cause: err },
    );
  }
}

function positiveInteger(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new Error(`Sandbox option ${name} must be an integer of at least ${min}`);
  return value;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = new Sandbox(opts);
  await sandbox.start();
  return sandbox;
}

export class Sandbox {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: SandboxUser;
  /** Problems found at start-up that do not stop the sandbox (none today: a missing OpenAPI file throws). */
  readonly warnings: string[] = [];
  private apiBase = '';
  private readonly state: SandboxState;
  private readonly interactions = new InteractionTracker();
  private readonly gateway: GatewayServer;
  private readonly faults: FaultInjector;
  private readonly rest: RestServer;
  private readonly config: SandboxConfig;
  private readonly openapi: OpenApiValidator;

  constructor(opts: SandboxOptions = {}) {
    // First: nothing is opened or started when the description is missing.
    this.openapi = loadOpenApi(opts.openapiPath ?? DEFAULT_OPENAPI_PATH);
    this.token = opts.token ?? 'sandbox-bot-token';
    this.state = new SandboxState(opts.botName);
    this.applicationId = this.state.applicationId;
    this.botUser = this.state.botUser;
    this.config = {
      token: this.token,
      applicationId: this.applicationId,
      interactionDeadlineMs: opts.interactionDeadlineMs ?? 3000,
      interactionTokenLifetimeMs: opts.interactionTokenLifetimeMs ?? 15 * 60_000,
      origin: '',
      recommendedShards: positiveInteger('recommendedShards', opts.recommendedShards, 1),
      maxConcurrency: positiveInteger('maxConcurrency', opts.maxConcurrency, 1),
    };
    const core: SandboxCore = {
      config: this.config,
      state: this.state,
      interactions: this.interactions,
      gatewaySessions: () => this.gateway.connectedSessions,
      gatewayReaches: (guildId) => this.gateway.reaches(guildId),
    };
    this.interactions.attach(core);
    this.gateway = new GatewayServer({
      state: this.state,
      token: this.token,
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 500,
      url: () => gatewayUrl(core),
      privilegedIntents: opts.privilegedIntents ?? ['GuildMembers', 'GuildPresences', 'MessageContent'],
      maxGuildsPerShard: positiveInteger('maxGuildsPerShard', opts.maxGuildsPerShard, 2500, 0),
      maxConcurrency: this.config.maxConcurrency,
      identifyIntervalMs: positiveInteger('identifyIntervalMs', opts.identifyIntervalMs, 0, 0),
    });
    this.state.dispatch = (event, data) => this.gateway.dispatch(event, data);
    this.faults = new FaultInjector(opts.globalRequestsPerSecond);
    this.rest = new RestServer({ core, gateway: this.gateway, faults: this.faults, validator: () => this.openapi });
  }

  /** @internal Use startSandbox(). */
  async start(): Promise<void> {
    this.config.origin = await this.rest.listen();
    this.apiBase = `${this.config.origin}/api`;
  }

  /** What discord.js takes as `rest.api`: `http://127.0.0.1:PORT/api`. */
  get apiUrl(): string {
    return this.apiBase;
  }

  // ================================================================ world building

  /** `shard: [id, count]` mints a guild id that falls on that shard when the bot runs `count` shards. */
  createGuild(input: { name: string; ownerUsername?: string; shard?: readonly [number, number] }): SandboxGuild {
    if (input.shard) {
      const [id, count] = input.shard;
      if (!Number.isInteger(id) || !Number.isInteger(count) || count < 1 || id < 0 || id >= count) throw new Error(`Invalid shard [${id}, ${count}]`);
    }
    return this.state.createGuild(input);
  }

  /** The shard that owns a guild when the bot runs `shardCount` shards: `(guild_id >> 22) % shardCount`. */
  shardOf(guildId: string, shardCount: number): number {
    return shardOf(guildId, shardCount);
  }

  /** `permissionOverwrites` let a test take permissions away (from @everyone = guild id, a role, or the bot). */
  createChannel(
    guildId: string,
    input: {
      name: string;
      type?: number;
      parentId?: string;
      topic?: string;
      permissionOverwrites?: Array<{ id: string; type: 0 | 1; allow?: bigint | string; deny?: bigint | string }>;
    },
  ): SandboxChannel {
    return this.state.createChannel(guildId, {
      name: input.name,
      type: input.type,
      parent_id: input.parentId ?? null,
      topic: input.topic ?? null,
      permission_overwrites: (input.permissionOverwrites ?? []).map((o) => ({
        id: o.id,
        type: o.type,
        allow: parsePermissions(o.allow).toString(),
        deny: parsePermissions(o.deny).toString(),
      })),
    });
  }

  /** What a moderator does in Discord's client: archive or lock a thread (or undo it). */
  setThreadState(threadId: string, change: { archived?: boolean; locked?: boolean }): SandboxChannel {
    return this.state.setThreadState(threadId, change);
  }

  createRole(guildId: string, input: { name: string; permissions?: bigint | string }): SandboxRole {
    return this.state.createRole(guildId, input);
  }

  addMember(guildId: string, input: { username: string; roles?: string[]; globalName?: string }): SandboxMember {
    return this.state.addMember(guildId, input);
  }

  /** Changes what a role allows, as a server admin would; @everyone's id is the guild's id. */
  setRolePermissions(guildId: string, roleId: string, permissions: bigint | string): SandboxRole {
    return this.state.setRolePermissions(guildId, roleId, permissions);
  }

  /** Replaces a member's roles (dispatches GUILD_MEMBER_UPDATE). */
  setMemberRoles(guildId: string, userId: string, roles: string[]): SandboxMember {
    return this.state.setMemberRoles(guildId, userId, roles);
  }

  /** The guild's owner (created with the guild; has every permission). */
  owner(guildId: string): SandboxMember {
    const g = this.state.guildRecord(guildId);
    return structuredClone(g.members.get(g.guild.owner_id)!);
  }

  // ================================================================ acting as a member

  async slashCommand(input: SlashCommandInput): Promise<InteractionHandle> {
    return this.interactions.slashCommand(input);
  }

  autocomplete(input: AutocompleteInput): Promise<Array<{ name: string; value: string | number }>> {
    return this.interactions.autocomplete(input);
  }

  async clickButton(input: ClickButtonInput): Promise<InteractionHandle> {
    return this.interactions.clickButton(input);
  }

  async selectMenu(input: SelectMenuInput): Promise<InteractionHandle> {
    return this.interactions.selectMenu(input);
  }

  async submitModal(input: SubmitModalInput): Promise<InteractionHandle> {
    return this.interactions.submitModal(input);
  }

  /**
   * A user (any the sandbox knows, e.g. a member's `user.id`) writes to the bot in DMs: a MESSAGE_CREATE
   * without a guild, sent to shard 0 only, with the DirectMessages intent. Only announced: the DM
   * channel and message are not served over REST.
   */
  directMessage(input: { userId: string; content: string }): Record<string, unknown> {
    return this.state.directMessage(input.userId, input.content);
  }

  // ================================================================ voice and stage channels

  /**
   * A member connects to a voice (type 2) or stage (type 13) channel: VOICE_STATE_UPDATE to the shard
   * owning the guild, for sessions with GuildVoiceStates. On a stage they arrive in the audience
   * (`suppress: true`). Already connected elsewhere in the guild, this is a move. The bot's own user id
   * works too (the bot "joined" a stage, for `@me` requests).
   */
  joinVoice(input: { guildId: string; userId: string; channelId: string }): SandboxVoiceState {
    return this.state.joinVoice(input.guildId, input.userId, input.channelId);
  }

  /** A connected member switches channel (or is dragged by a moderator); a raised hand is lowered. */
  moveVoice(input: { guildId: string; userId: string; channelId: string }): SandboxVoiceState {
    if (!this.state.voiceState(input.guildId, input.userId)) throw new Error(`moveVoice: user ${input.userId} is not connected to voice`);
    return this.state.joinVoice(input.guildId, input.userId, input.channelId);
  }

  /** A member disconnects: VOICE_STATE_UPDATE with `channel_id: null`. */
  leaveVoice(input: { guildId: string; userId: string }): void {
    this.state.leaveVoice(input.guildId, input.userId);
  }

  /** Self mute/deafen, camera and stream toggles, or a moderator's server mute/deafen and stage suppress. */
  setVoiceState(input: { guildId: string; userId: string } & VoiceStateChange): SandboxVoiceState {
    const { guildId, userId, ...change } = input;
    return this.state.updateVoiceState(guildId, userId, change);
  }

  /**
   * An audience member raises their hand on a stage: `request_to_speak_timestamp` is set to now, strictly
   * later than every earlier hand, so sorting by it gives the order hands went up. Checked like Discord's
   * client: a stage channel, in the audience, with Request to Speak.
   */
  raiseHand(input: { guildId: string; userId: string }): SandboxVoiceState {
    const state = this.state.voiceState(input.guildId, input.userId);
    if (!state) throw new Error(`raiseHand: user ${input.userId} is not connected to voice`);
    if (this.state.channel(state.channel_id)?.type !== ChannelType.GuildStageVoice) throw new Error('raiseHand: only on a stage channel');
    if (!state.suppress) throw new Error('raiseHand: a speaker has no hand to raise');
    if (!(this.state.channelPermissions(state.channel_id, input.userId) & Permission.RequestToSpeak)) {
      throw new Error(`raiseHand: user ${input.userId} lacks Request to Speak in channel ${state.channel_id}`);
    }
    return this.state.updateVoiceState(input.guildId, input.userId, { request_to_speak_timestamp: this.state.nextHandTimestamp() });
  }

  /** The member lowers their hand (`request_to_speak_timestamp: null`). */
  lowerHand(input: { guildId: string; userId: string }): SandboxVoiceState {
    return this.state.updateVoiceState(input.guildId, input.userId, { request_to_speak_timestamp: null });
  }

  /** Current voice states of a guild (or one channel), as Discord would list them in GUILD_CREATE. */
  voiceStates(guildId: string, channelId?: string): SandboxVoiceState[] {
    return this.state.voiceStates(guildId).filter((v) => channelId === undefined || v.channel_id === channelId);
  }

  // ================================================================ reading the bot's output

  /** Visible channel messages by the bot or its webhooks, oldest first, as currently edited. */
  messages(channelId: string): SandboxMessage[] {
    return this.state
      .channelMessageList(channelId)
      .filter((m) => (m.author.id === this.botUser.id || m.webhook_id) && !(m.flags & MessageFlags.Loading))
      .map((m) => structuredClone(m));
  }

  /** Resolves with the first (existing or future) bot message in the channel matching `predicate`. */
  waitForMessage(channelId: string, predicate: (m: SandboxMessage) => boolean = () => true, timeoutMs = 5000): Promise<SandboxMessage> {
    return new Promise((resolve, reject) => {
      const existing = this.messages(channelId).find(predicate);
      if (existing) return resolve(existing);
      const timer = setTimeout(() => {
        unsubscribe();
        const seen = this.messages(channelId).map((m) => JSON.stringify(m.content.slice(0, 80)));
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for a matching message in channel ${channelId} (bot messages there: ${seen.join(', ') || 'none'})`,
          ),
        );
      }, timeoutMs);
      const unsubscribe = this.state.onMessageChange(({ kind, message }) => {
        if (kind === 'delete' || message.channel_id !== channelId) return;
        const current = this.messages(channelId).find((m) => m.id === message.id);
        if (current && predicate(current)) {
          clearTimeout(timer);
          unsubscribe();
          resolve(current);
        }
      });
    });
  }

  /** Every HTTP request the bot made, in order. */
  get requests(): RecordedRequest[] {
    return this.rest.requests;
  }

  /** Bodies refused with 400 by the OpenAPI schema or Discord's limits (and count limits). */
  get validationFailures(): ValidationFailure[] {
    return this.rest.validationFailures;
  }

  /** Commands the bot registered: global ones, or those of one guild. */
  registeredCommands(guildId?: string): unknown[] {
    return structuredClone(guildId ? (this.state.guildCommands.get(guildId) ?? []) : this.state.globalCommands);
  }

  /** Threads created under a channel. */
  threads(channelId: string): SandboxChannel[] {
    return this.state.threadsOf(channelId);
  }

  /** Scheduled events of a guild, as Discord would return them. */
  scheduledEvents(guildId: string): any[] {
    return [...this.state.guildRecord(guildId).scheduledEvents.values()].map((e) => structuredClone(e));
  }

  /** The bytes of an uploaded attachment. */
  attachmentData(attachmentId: string): Buffer | undefined {
    return this.state.attachmentsData.get(attachmentId)?.data;
  }

  // ================================================================ faults

  /** Answer the next matching request(s) with this status instead of handling them. */
  failNext(input: FailNextInput): void {
    this.faults.failNext(input);
  }

  /** op 7 to every session: clients RESUME and get missed dispatches replayed. */
  reconnectGateway(): void {
    this.gateway.reconnectAll();
  }

  /** Terminate gateway sockets without a close frame; clients reconnect and RESUME. */
  dropConnections(): void {
    this.gateway.dropAll();
  }

  /** op 9 d:false: clients must IDENTIFY again (new READY and GUILD_CREATEs). */
  invalidateSession(): void {
    this.gateway.invalidateAll();
  }

  /** Currently connected, identified gateway sessions. */
  get gatewaySessions(): number {
    return this.gateway.connectedSessions;
  }

  /** The `[shard_id, shard_count]` of each connected, identified session. */
  get gatewayShards(): ShardTuple[] {
    return this.gateway.connectedShards;
  }

  /** Every IDENTIFY the gateway received, in order, with its shard and outcome. */
  get gatewayIdentifies(): GatewayIdentify[] {
    return this.gateway.identifies.map((i) => structuredClone(i));
  }

  /**
   * What the global rate limit counted for a bot token (default: the sandbox's), over every client that
   * presented it: requests admitted and refused, and the most admitted within one second.
   */
  globalRateLimit(token: string = this.token): GlobalLimitStats {
    return this.faults.globalLimitStats(`Bot ${token}`);
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await this.rest.close();
  }
}
