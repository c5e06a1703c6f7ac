/**
 * The gateway: Discord's WebSocket protocol (JSON encoding) as @discordjs/ws speaks it.
 *
 * Sessions outlive connections: a dropped or told-to-reconnect client RESUMEs with its session id
 * and last sequence number and gets every dispatch it missed replayed, then RESUMED. A session ends
 * when the client closes normally (1000/1001), when it is invalidated (op 9), or when the sandbox
 * closes.
 *
 * Sharding as on Discord: IDENTIFY's `shard: [id, count]` (default [0, 1]) makes the session one shard
 * of the bot. It gets only its guilds, `(guild_id >> 22) % count`, in READY and after; events without a
 * guild (DMs) go to shard 0 only. An invalid shard closes with 4010, a shard with more guilds than
 * `maxGuildsPerShard` with 4011. IDENTIFYs share buckets `id % maxConcurrency`; with
 * `identifyIntervalMs` set, a second IDENTIFY in a bucket within that interval gets op 9 (not
 * resumable) and must be sent again later.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { shardOf } from './snowflake.ts';
import type { SandboxState } from './state.ts';

export const GatewayOp = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

export const GatewayClose = {
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  RateLimited: 4008,
  InvalidShard: 4010,
  ShardingRequired: 4011,
  InvalidApiVersion: 4012,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;

const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildVoiceStates: 1 << 7,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
  GuildScheduledEvents: 1 << 16,
} as const;

export type PrivilegedIntent = 'GuildMembers' | 'GuildPresences' | 'MessageContent';

/** Which intent a dispatch needs; events not listed (READY, INTERACTION_CREATE...) always go out. */
function intentFor(event: string, guildId: string | undefined): number {
  if (event.startsWith('GUILD_MEMBER')) return Intent.GuildMembers;
  if (event === 'VOICE_STATE_UPDATE') return guildId ? Intent.GuildVoiceStates : 0;
  if (event.startsWith('GUILD_SCHEDULED_EVENT')) return Intent.GuildScheduledEvents;
  if (event.startsWith('MESSAGE_')) return guildId ? Intent.GuildMessages : Intent.DirectMessages;
  if (event.startsWith('GUILD_') || event.startsWith('CHANNEL_') || event.startsWith('THREAD_')) return Intent.Guilds;
  return 0;
}

/** Discord: at most 120 gateway sends per connection per 60 s. */
const SEND_LIMIT = 120;
const SEND_WINDOW_MS = 60_000;
/** How many dispatches a session keeps for replay on RESUME. */
const REPLAY_BUFFER = 5000;

/** `[shard_id, shard_count]`, as in IDENTIFY and READY. */
export type ShardTuple = [number, number];

/** The guild an event belongs to: `guild_id`, or the guild itself for GUILD_CREATE/UPDATE/DELETE. */
function guildOf(event: string, data: unknown): string | undefined {
  const d = data as { guild_id?: unknown; id?: unknown } | null;
  if (typeof d?.guild_id === 'string') return d.guild_id;
  if ((event === 'GUILD_CREATE' || event === 'GUILD_UPDATE' || event === 'GUILD_DELETE') && typeof d?.id === 'string') return d.id;
  return undefined;
}

/** IDENTIFY's `shard`: absent means [0, 1]; anything but 0 <= id < count is invalid (undefined). */
function parseShard(raw: unknown): ShardTuple | undefined {
  if (raw === undefined || raw === null) return [0, 1];
  if (!Array.isArray(raw) || raw.length !== 2) return undefined;
  const [id, count] = raw;
  if (!Number.isInteger(id) || !Number.isInteger(count) || count < 1 || id < 0 || id >= count) return undefined;
  return [id, count];
}

/** One IDENTIFY and what became of it, in order (`Sandbox.gatewayIdentifies`). */
export interface GatewayIdentify {
  /** The `shard` the client sent, as sent (absent: undefined). */
  shard: unknown;
  outcome:
    | 'ready'
    | 'invalid-shard'
    | 'sharding-required'
    | 'too-soon'
    | 'authentication-failed'
    | 'invalid-intents'
    | 'disallowed-intents'
    | 'already-authenticated';
  /** Identify bucket (`shard_id % max_concurrency`) for a valid shard. */
  bucket?: number;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  shard: ShardTuple;
  buffer: Array<{ s: number; frame: string }>;
  connection?: Connection;
}

interface Connection {
  ws: WebSocket;
  session?: Session;
  sendTimes: number[];
}

export interface GatewayOptions {
  state: SandboxState;
  token: string;
  heartbeatIntervalMs: number;
  /** e.g. `ws://127.0.0.1:PORT/gateway`, known once the server listens. */
  url: () => string;
  /** Privileged intents "enabled in the developer portal"; asking for others closes with 4014. */
  privilegedIntents: ReadonlyArray<PrivilegedIntent>;
  /** A shard whose share of the guilds is larger closes with 4011 (Discord: 2,500). */
  maxGuildsPerShard: number;
  /** Identify buckets: shard `id % maxConcurrency` (GET /gateway/bot's `max_concurrency`). */
  maxConcurrency: number;
  /** One IDENTIFY per bucket per this many ms (Discord: 5000); 0 does not enforce it. */
  identifyIntervalMs: number;
}

export class GatewayServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Set<Connection>();
  /** When each identify bucket last started a session. */
  private readonly lastIdentifyAt = new Map<number, number>();
  /** Every IDENTIFY received, with its outcome. */
  readonly identifies: GatewayIdentify[] = [];

  constructor(private readonly opts: GatewayOptions) {
    this.wss.on('connection', (ws, req) => this.onConnection(ws, req));
  }

  /** Called from the HTTP server's `upgrade` event for the gateway path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Currently connected, identified sessions. */
  get connectedSessions(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.connection) n++;
    return n;
  }

  /** The shards of the connected, identified sessions, in the order they identified. */
  get connectedShards(): ShardTuple[] {
    return [...this.sessions.values()].filter((s) => s.connection).map((s) => [...s.shard] as ShardTuple);
  }

  /** Whether a connected session would receive this guild's events (no guild: shard 0's). */
  reaches(guildId: string | undefined): boolean {
    for (const s of this.sessions.values()) if (s.connection && this.owns(s, guildId)) return true;
    return false;
  }

  /**
   * Sends an event to the sessions of the shard that owns its guild (events without a guild: shard
   * 0); disconnected sessions buffer it for their RESUME.
   */
  dispatch(event: string, data: unknown): void {
    const guildId = guildOf(event, data);
    const needed = intentFor(event, guildId);
    for (const session of this.sessions.values()) {
      if (!this.owns(session, guildId)) continue;
      if (needed && !(session.intents & needed)) continue;
      this.send(session, event, this.shape(session, event, data));
    }
  }

  /** op 7 to every connection: the client closes and resumes. */
  reconnectAll(): void {
    for (const c of this.connections) this.sendRaw(c, { op: GatewayOp.Reconnect, d: null });
  }

  /** Kill sockets without a close frame, like a network failure. Sessions survive for RESUME. */
  dropAll(): void {
    for (const c of [...this.connections]) c.ws.terminate();
  }

  /** op 9 d:false to every session: the client must IDENTIFY anew. */
  invalidateAll(): void {
    for (const session of [...this.sessions.values()]) {
      this.sessions.delete(session.id);
      if (session.connection) {
        session.connection.session = undefined;
        this.sendRaw(session.connection, { op: GatewayOp.InvalidSession, d: false });
      }
    }
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  // ---------------------------------------------------------------- connection lifecycle

  private onConnection(ws: WebSocket, req: IncomingMessage) {
    const conn: Connection = { ws, sendTimes: [] };
    this.connections.add(conn);
    ws.on('close', (code) => this.onClose(conn, code));
    ws.on('error', () => {});
    const params = new URL(req.url ?? '/', 'ws://localhost').searchParams;
    if ((params.get('v') ?? '10') !== '10') {
      ws.close(GatewayClose.InvalidApiVersion, 'Invalid API version');
      return;
    }
    if ((params.get('encoding') ?? 'json') !== 'json') {
      // ETF is not implemented (discord.js does not use it either).
      ws.close(GatewayClose.DecodeError, 'Only JSON encoding is supported by the sandbox');
      return;
    }
    ws.on('message', (raw, isBinary) => this.onMessage(conn, raw, isBinary));
    this.sendRaw(conn, { op: GatewayOp.Hello, d: { heartbeat_interval: this.opts.heartbeatIntervalMs } });
  }

  private onClose(conn: Connection, code: number) {
    this.connections.delete(conn);
    const session = conn.session;
    if (!session) return;
    if (session.connection === conn) session.connection = undefined;
    // A normal close ends the session; anything else (4200 resume, 1006 drop) keeps it resumable.
    if (code === 1000 || code === 1001) this.sessions.delete(session.id);
  }

  private onMessage(conn: Connection, raw: RawData, isBinary: boolean) {
    const now = Date.now();
    conn.sendTimes.push(now);
    while (conn.sendTimes.length > 0 && now - conn.sendTimes[0]! > SEND_WINDOW_MS) conn.sendTimes.shift();
    if (conn.sendTimes.length > SEND_LIMIT) {
      conn.ws.close(GatewayClose.RateLimited, 'You are being rate limited.');
      return;
    }
    let payload: any;
    try {
      if (isBinary) throw new Error('binary');
      payload = JSON.parse(raw.toString());
    } catch {
      conn.ws.close(GatewayClose.DecodeError, 'Error while decoding payload.');
      return;
    }
    switch (payload?.op) {
      case GatewayOp.Heartbeat:
        this.sendRaw(conn, { op: GatewayOp.HeartbeatAck, d: null });
        return;
      case GatewayOp.Identify:
        this.identify(conn, payload.d);
        return;
      case GatewayOp.Resume:
        this.resume(conn, payload.d);
        return;
      case GatewayOp.PresenceUpdate:
      case GatewayOp.VoiceStateUpdate:
      case GatewayOp.RequestGuildMembers:
        if (!conn.session) conn.ws.close(GatewayClose.NotAuthenticated, 'Not authenticated.');
        return;
      default:
        conn.ws.close(GatewayClose.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private tokenMatches(token: unknown): boolean {
    return typeof token === 'string' && token.replace(/^Bot /, '') === this.opts.token;
  }

  private owns(session: Session, guildId: string | undefined): boolean {
    const [id, count] = session.shard;
    return guildId === undefined ? id === 0 : shardOf(guildId, count) === id;
  }

  private identify(conn: Connection, d: any) {
    const refuse = (outcome: GatewayIdentify['outcome'], code: number, reason: string) => {
      this.identifies.push({ shard: d?.shard, outcome });
      conn.ws.close(code, reason);
    };
    if (conn.session) return refuse('already-authenticated', GatewayClose.AlreadyAuthenticated, 'Already authenticated.');
    if (!this.tokenMatches(d?.token)) return refuse('authentication-failed', GatewayClose.AuthenticationFailed, 'Authentication failed.');
    if (!Number.isInteger(d?.intents) || d.intents < 0) return refuse('invalid-intents', GatewayClose.InvalidIntents, 'Invalid intent(s).');
    const disallowed = (['GuildMembers', 'GuildPresences', 'MessageContent'] as const).filter(
      (name) => d.intents & Intent[name] && !this.opts.privilegedIntents.includes(name),
    );
    if (disallowed.length > 0) return refuse('disallowed-intents', GatewayClose.DisallowedIntents, 'Disallowed intent(s).');
    const shard = parseShard(d.shard);
    if (!shard) return refuse('invalid-shard', GatewayClose.InvalidShard, 'Invalid shard.');
    const { state } = this.opts;
    const guildIds = [...state.guilds.keys()].filter((id) => shardOf(id, shard[1]) === shard[0]);
    if (guildIds.length > this.opts.maxGuildsPerShard) return refuse('sharding-required', GatewayClose.ShardingRequired, 'Sharding required.');
    // Discord starts max_concurrency sessions per 5 s, one per bucket; an IDENTIFY it cannot start a
    // session for is answered with op 9 (not resumable): the client identifies again later.
    const bucket = shard[0] % this.opts.maxConcurrency;
    const now = Date.now();
    const last = this.lastIdentifyAt.get(bucket);
    if (this.opts.identifyIntervalMs > 0 && last !== undefined && now - last < this.opts.identifyIntervalMs) {
      this.identifies.push({ shard: d.shard, outcome: 'too-soon', bucket });
      this.sendRaw(conn, { op: GatewayOp.InvalidSession, d: false });
      return;
    }
    this.lastIdentifyAt.set(bucket, now);
    this.identifies.push({ shard: d.shard, outcome: 'ready', bucket });
    const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, intents: d.intents, shard, buffer: [], connection: conn };
    this.sessions.set(session.id, session);
    conn.session = session;
    this.send(session, 'READY', {
      v: 10,
      user: { ...state.botUser, verified: true, mfa_enabled: false, flags: 0 },
      guilds: guildIds.map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.opts.url(),
      shard,
      application: { id: state.applicationId, flags: 0 },
      user_settings: {},
      relationships: [],
      private_channels: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
      _trace: ['["sandbox"]'],
    });
    // Without a GUILD_CREATE for each READY guild, discord.js delays clientReady by 15 s.
    for (const guildId of guildIds) {
      if (session.intents & Intent.Guilds) this.send(session, 'GUILD_CREATE', this.shape(session, 'GUILD_CREATE', state.guildCreatePayload(guildId)));
    }
  }

  private resume(conn: Connection, d: any) {
    const session = typeof d?.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    if (!session || !this.tokenMatches(d?.token)) {
      this.sendRaw(conn, { op: GatewayOp.InvalidSession, d: false });
      return;
    }
    const old = session.connection;
    if (old && old !== conn) {
      old.session = undefined;
      old.ws.close(4009, 'Session resumed elsewhere.');
    }
    session.connection = conn;
    conn.session = session;
    const since = Number(d.seq ?? 0);
    for (const item of session.buffer) if (item.s > since) conn.ws.send(item.frame);
    this.send(session, 'RESUMED', null);
  }

  // ---------------------------------------------------------------- sending

  /**
   * Per-session view of a dispatch: without GuildMembers, GUILD_CREATE lists only the bot (and, with
   * GuildVoiceStates, the members connected to voice); without GuildVoiceStates, no voice states.
   */
  private shape(session: Session, event: string, data: unknown): unknown {
    if (event !== 'GUILD_CREATE') return data;
    const d = data as { members?: Array<{ user: { id: string } }>; voice_states?: Array<{ user_id: string }> };
    const voice = (session.intents & Intent.GuildVoiceStates) !== 0;
    const voiceStates = voice ? (d.voice_states ?? []) : [];
    if (session.intents & Intent.GuildMembers) return { ...d, voice_states: voiceStates };
    // Discord still sends the bot's own member and, with GuildVoiceStates, those connected to voice.
    const keep = new Set([this.opts.state.botUser.id, ...voiceStates.map((v) => v.user_id)]);
    return { ...d, members: (d.members ?? []).filter((m) => keep.has(m.user.id)), voice_states: voiceStates };
  }

  private send(session: Session, event: string, data: unknown) {
    session.seq += 1;
    const frame = JSON.stringify({ op: GatewayOp.Dispatch, s: session.seq, t: event, d: data });
    session.buffer.push({ s: session.seq, frame });
    if (session.buffer.length > REPLAY_BUFFER) session.buffer.shift();
    if (session.connection && session.connection.ws.readyState === session.connection.ws.OPEN) session.connection.ws.send(frame);
  }

  private sendRaw(conn: Connection, payload: unknown) {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(payload));
  }
}
