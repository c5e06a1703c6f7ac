import { Client, GatewayIntentBits, Options } from 'discord.js';
import { Agent } from 'undici';
import type { ShardPlan } from '../domain/shards.ts';
import { NO_MENTIONS } from './reply.ts';

export interface ClientOptions {
  readonly apiUrl: string;
  /** Discord.js throttles itself to Discord's global 50 requests/s; benchmarks may raise it. */
  readonly globalRequestsPerSecond?: number;
  /** The shards this process connects to Discord as; none: discord.js's default (one shard, or a ShardingManager's). */
  readonly shards?: ShardPlan;
}

/**
 * Connections kept open to Discord's API: interaction answers are not under the global 50/s, so a
 * burst can need many at once; this many answer thousands a second at Discord's usual round trip.
 */
const REST_CONNECTIONS = 256;

/** Closes the REST connections {@link createDiscordClient} opened (discord.js leaves its agent open). */
export async function closeRestConnections(client: Client): Promise<void> {
  await client.rest.agent?.destroy();
}

/**
 * The discord.js client with the least it needs. The Guilds intent brings channels, roles and threads,
 * and interactions arrive without any intent; GuildVoiceStates brings who is in which voice channel (for
 * voice meetings' speaking order and attendance; never any audio). No privileged intent (members,
 * presences, message content) is needed, so none must be switched on in the developer portal.
 */
export function createDiscordClient(options: ClientOptions): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    ...(options.shards ? { shards: [...options.shards.ids], shardCount: options.shards.count } : {}),
    rest: {
      api: options.apiUrl,
      globalRequestsPerSecond: options.globalRequestsPerSecond ?? 50,
      // A bounded pool: left unbounded (the default), a burst of answers opens a connection for each
      // one waiting, and closing hundreds of idle ones later costs more CPU than the answers did.
      agent: new Agent({ connections: REST_CONNECTIONS }),
    },
    allowedMentions: NO_MENTIONS,
    // Interactions carry the member and user they need; keep only a small cache of each.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      GuildMemberManager: { maxSize: 200, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: 200, keepOverLimit: (user) => user.id === user.client.user.id },
      MessageManager: 50,
      PresenceManager: 0,
      ReactionManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      messages: { interval: 3_600, lifetime: 1_800 },
    },
  });
}
