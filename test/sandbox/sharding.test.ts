/**
 * The sandbox shards as Discord does: real discord.js clients, each running some shards of one bot
 * (`new Client({ shards, shardCount })`, as one process of a ShardingManager would), against one sandbox.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits, MessageFlags, Routes, type TextChannel } from 'discord.js';
import WebSocket from 'ws';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.ts';
import type { SandboxChannel, SandboxGuild, SandboxMember } from '../../src/sandbox/types.ts';
import { eventually } from './harness.ts';

const ASK = { name: 'ask', description: 'Ask for help', options: [{ type: 3, name: 'topic', description: 'What about', required: true }] };
const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];

interface ShardClient {
  client: Client;
  /** Event names of every dispatch this client received (READY, GUILD_CREATE, ...), in order. */
  events: Array<{ t: string; d: any }>;
}

/** A client running `shards` of `shardCount`, logged in and ready. */
async function loginShards(sandbox: Sandbox, shards: number[] | 'auto', shardCount?: number): Promise<ShardClient> {
  const client = new Client({ intents: INTENTS, rest: { api: sandbox.apiUrl }, shards, ...(shardCount ? { shardCount } : {}) });
  const events: ShardClient['events'] = [];
  client.on(Events.Raw, (packet: { t?: string; d?: unknown }) => {
    if (packet.t) events.push({ t: packet.t, d: packet.d });
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(sandbox.token);
  await ready;
  return { client, events };
}

/** Starts a login that the gateway refuses; resolves with discord.js's error and the close code it reported. */
async function refusedLogin(sandbox: Sandbox, shards: number[], shardCount: number): Promise<{ error: Error; code: number }> {
  const client = new Client({ intents: INTENTS, rest: { api: sandbox.apiUrl }, shards, shardCount });
  let code = 0;
  client.on(Events.ShardDisconnect, (event) => (code = event.code));
  client.on(Events.ShardError, () => {});
  try {
    await client.login(sandbox.token);
    throw new Error('login was expected to fail');
  } catch (error) {
    return { error: error as Error, code };
  } finally {
    await client.destroy();
  }
}

describe('sandbox sharding: two clients as shards 0 and 1 of 2', () => {
  let sandbox: Sandbox;
  let guild0: SandboxGuild;
  let guild1: SandboxGuild;
  let channel0: SandboxChannel;
  let channel1: SandboxChannel;
  let member1: SandboxMember;
  let shard0: ShardClient;
  let shard1: ShardClient;
  const answeredBy: number[] = [];

  beforeAll(async () => {
    // max_concurrency 2: shards 0 and 1 are in different identify buckets and may start together.
    sandbox = await startSandbox({ heartbeatIntervalMs: 250, maxConcurrency: 2, recommendedShards: 2, identifyIntervalMs: 5000 });
    guild0 = sandbox.createGuild({ name: 'On shard 0', shard: [0, 2] });
    guild1 = sandbox.createGuild({ name: 'On shard 1', shard: [1, 2] });
    channel0 = sandbox.createChannel(guild0.id, { name: 'general' });
    channel1 = sandbox.createChannel(guild1.id, { name: 'general' });
    sandbox.addMember(guild0.id, { username: 'alice' });
    member1 = sandbox.addMember(guild1.id, { username: 'bob' });
    [shard0, shard1] = await Promise.all([loginShards(sandbox, [0], 2), loginShards(sandbox, [1], 2)]);
    await shard0.client.application!.commands.set([ASK]);
    for (const [index, { client }] of [shard0, shard1].entries()) {
      client.on(Events.InteractionCreate, async (i) => {
        if (!i.isChatInputCommand()) return;
        answeredBy.push(index);
        await i.reply({ content: `shard ${index} got ${i.options.getString('topic')}`, flags: MessageFlags.Ephemeral });
      });
    }
  });
  afterAll(async () => {
    await Promise.all([shard0?.client.destroy(), shard1?.client.destroy()]);
    await sandbox?.close();
  });

  it('GIVEN a guild on each shard WHEN both shards are ready THEN each client has only its own guild', () => {
    expect(sandbox.shardOf(guild0.id, 2)).toBe(0);
    expect(sandbox.shardOf(guild1.id, 2)).toBe(1);
    expect([...shard0.client.guilds.cache.keys()]).toEqual([guild0.id]);
    expect([...shard1.client.guilds.cache.keys()]).toEqual([guild1.id]);
    const ready = (c: ShardClient) => c.events.find((e) => e.t === 'READY')!.d;
    expect(ready(shard0).guilds.map((g: { id: string }) => g.id)).toEqual([guild0.id]);
    expect(ready(shard0).shard).toEqual([0, 2]);
    expect(ready(shard1).guilds.map((g: { id: string }) => g.id)).toEqual([guild1.id]);
    expect(ready(shard1).shard).toEqual([1, 2]);
    expect(sandbox.gatewayShards.sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
  });

  it("GIVEN both shards WHEN a channel is created in shard 1's guild THEN only shard 1's client receives CHANNEL_CREATE", async () => {
    const created = sandbox.createChannel(guild1.id, { name: 'late' });
    await eventually(() => shard1.client.channels.cache.get(created.id));
    // Sent by the gateway before the marker below, which shard 0 does receive.
    const marker = sandbox.createChannel(guild0.id, { name: 'marker' });
    await eventually(() => shard0.client.channels.cache.get(marker.id));
    expect(shard0.events.some((e) => e.t === 'CHANNEL_CREATE' && e.d.id === created.id)).toBe(false);
    expect(shard1.events.some((e) => e.t === 'CHANNEL_CREATE' && e.d.id === marker.id)).toBe(false);
  });

  it("GIVEN both shards WHEN a member runs a command in shard 1's guild THEN only shard 1's client receives and answers it", async () => {
    const before = answeredBy.length;
    const handle = await sandbox.slashCommand({
      guildId: guild1.id,
      channelId: channel1.id,
      userId: member1.user.id,
      name: 'ask',
      options: { topic: 'sleep' },
    });
    expect((await handle.reply()).content).toBe('shard 1 got sleep');
    expect(answeredBy.slice(before)).toEqual([1]);
    expect(shard0.events.some((e) => e.t === 'INTERACTION_CREATE')).toBe(false);
  });

  it("GIVEN both shards WHEN a new guild falls on shard 0 THEN only shard 0's client receives its GUILD_CREATE", async () => {
    const late = sandbox.createGuild({ name: 'Late', shard: [0, 2] });
    await eventually(() => shard0.client.guilds.cache.get(late.id));
    const marker = sandbox.createChannel(guild1.id, { name: 'marker-1' });
    await eventually(() => shard1.client.channels.cache.get(marker.id));
    expect(shard1.client.guilds.cache.has(late.id)).toBe(false);
  });

  it("GIVEN both shards WHEN a user writes to the bot in DMs THEN only shard 0's client receives the message", async () => {
    const dm = sandbox.directMessage({ userId: member1.user.id, content: 'hello bot' });
    await eventually(() => shard0.events.find((e) => e.t === 'MESSAGE_CREATE' && e.d.id === dm.id));
    expect(shard0.events.find((e) => e.t === 'MESSAGE_CREATE' && e.d.id === dm.id)!.d.guild_id).toBeUndefined();
    const marker = sandbox.createChannel(guild1.id, { name: 'marker-2' });
    await eventually(() => shard1.client.channels.cache.get(marker.id));
    expect(shard1.events.some((e) => e.t === 'MESSAGE_CREATE' && e.d.id === dm.id)).toBe(false);
  });

  it('GIVEN both shards WHEN the bot sends in each guild THEN each MESSAGE_CREATE comes back to its own shard only', async () => {
    const sent0 = await (shard0.client.channels.cache.get(channel0.id) as TextChannel).send({ content: 'from shard 0', allowedMentions: { parse: [] } });
    const sent1 = await (shard1.client.channels.cache.get(channel1.id) as TextChannel).send({ content: 'from shard 1', allowedMentions: { parse: [] } });
    await eventually(() => shard0.events.find((e) => e.t === 'MESSAGE_CREATE' && e.d.id === sent0.id));
    await eventually(() => shard1.events.find((e) => e.t === 'MESSAGE_CREATE' && e.d.id === sent1.id));
    expect(shard0.events.some((e) => e.t === 'MESSAGE_CREATE' && e.d.id === sent1.id)).toBe(false);
    expect(shard1.events.some((e) => e.t === 'MESSAGE_CREATE' && e.d.id === sent0.id)).toBe(false);
  });
});

describe('sandbox sharding: gateway discovery and refused IDENTIFYs', () => {
  let sandbox: Sandbox;
  const clients: Client[] = [];
  const start = async (opts: SandboxOptions) => (sandbox = await startSandbox({ heartbeatIntervalMs: 250, ...opts }));

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.destroy()));
    await sandbox?.close();
  });

  it('GIVEN a recommended shard count and max_concurrency WHEN GET /gateway/bot THEN both are reported', async () => {
    await start({ recommendedShards: 4, maxConcurrency: 16 });
    const client = new Client({ intents: [], rest: { api: sandbox.apiUrl } });
    clients.push(client);
    client.rest.setToken(sandbox.token);
    const info = (await client.rest.get(Routes.gatewayBot())) as { shards: number; session_start_limit: { max_concurrency: number } };
    expect(info.shards).toBe(4);
    expect(info.session_start_limit.max_concurrency).toBe(16);
  });

  it('GIVEN 2 recommended shards WHEN discord.js logs in with shards "auto" THEN it runs both shards, each with its guilds', async () => {
    await start({ recommendedShards: 2, maxConcurrency: 2 });
    const g0 = sandbox.createGuild({ name: 'zero', shard: [0, 2] });
    const g1 = sandbox.createGuild({ name: 'one', shard: [1, 2] });
    const { client } = await loginShards(sandbox, 'auto');
    clients.push(client);
    expect(client.options.shardCount).toBe(2);
    expect(sandbox.gatewayShards.sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(client.guilds.cache.get(g0.id)?.shardId).toBe(0);
    expect(client.guilds.cache.get(g1.id)?.shardId).toBe(1);
  });

  it('GIVEN shard id 2 of 2 WHEN discord.js logs in THEN the gateway closes with 4010 and login fails with "Invalid shard"', async () => {
    await start({});
    const { error, code } = await refusedLogin(sandbox, [2], 2);
    expect(code).toBe(4010);
    expect(error.message).toBe('Invalid shard');
    expect(sandbox.gatewayIdentifies).toEqual([{ shard: [2, 2], outcome: 'invalid-shard' }]);
    expect(sandbox.gatewaySessions).toBe(0);
  });

  it('GIVEN 3 guilds and at most 2 per shard WHEN discord.js logs in unsharded THEN the gateway closes with 4011 and login fails with "Sharding is required"', async () => {
    await start({ maxGuildsPerShard: 2 });
    for (const name of ['a', 'b', 'c']) sandbox.createGuild({ name });
    const { error, code } = await refusedLogin(sandbox, [0], 1);
    expect(code).toBe(4011);
    expect(error.message).toBe('Sharding is required');
    expect(sandbox.gatewayIdentifies.map((i) => i.outcome)).toEqual(['sharding-required']);
  });

  it('GIVEN 3 guilds and at most 2 per shard WHEN the bot runs 2 shards holding at most 2 each THEN both are ready', async () => {
    await start({ maxGuildsPerShard: 2, maxConcurrency: 2 });
    sandbox.createGuild({ name: 'a', shard: [0, 2] });
    sandbox.createGuild({ name: 'b', shard: [0, 2] });
    sandbox.createGuild({ name: 'c', shard: [1, 2] });
    const { client } = await loginShards(sandbox, [0, 1], 2);
    clients.push(client);
    expect(client.guilds.cache.size).toBe(3);
    expect(sandbox.gatewayIdentifies.map((i) => i.outcome)).toEqual(['ready', 'ready']);
  });
});

describe('sandbox sharding: identify buckets (max_concurrency)', () => {
  let sandbox: Sandbox;
  const sockets: WebSocket[] = [];

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await sandbox?.close();
  });

  /** Opens a raw gateway connection, identifies as `shard`, and resolves with the first answer (READY or op 9). */
  async function identify(shard: [number, number]): Promise<{ op: number; t?: string }> {
    const url = `${sandbox.apiUrl.replace(/^http/, 'ws').replace(/\/api$/, '')}/gateway?v=10&encoding=json`;
    const ws = new WebSocket(url);
    sockets.push(ws);
    return new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (raw) => {
        const payload = JSON.parse(raw.toString());
        if (payload.op === 10)
          ws.send(JSON.stringify({ op: 2, d: { token: sandbox.token, intents: 1, shard, properties: { os: 'linux', browser: 't', device: 't' } } }));
        else if (payload.op === 9 || payload.t === 'READY') resolve({ op: payload.op, t: payload.t });
      });
    });
  }

  it('GIVEN max_concurrency 1 and one IDENTIFY per minute WHEN shard 1 identifies right after shard 0 THEN it gets op 9 (invalid session) instead of READY', async () => {
    sandbox = await startSandbox({ maxConcurrency: 1, identifyIntervalMs: 60_000 });
    expect(await identify([0, 2])).toEqual({ op: 0, t: 'READY' });
    expect(await identify([1, 2])).toEqual({ op: 9 });
    expect(sandbox.gatewayIdentifies).toEqual([
      { shard: [0, 2], outcome: 'ready', bucket: 0 },
      { shard: [1, 2], outcome: 'too-soon', bucket: 0 },
    ]);
  });

  it('GIVEN max_concurrency 2 and one IDENTIFY per minute WHEN shard 1 identifies right after shard 0 THEN its own bucket lets it in', async () => {
    sandbox = await startSandbox({ maxConcurrency: 2, identifyIntervalMs: 60_000 });
    expect(await identify([0, 2])).toEqual({ op: 0, t: 'READY' });
    expect(await identify([1, 2])).toEqual({ op: 0, t: 'READY' });
    expect(sandbox.gatewayIdentifies.map((i) => i.bucket)).toEqual([0, 1]);
  });
});

describe('sandbox sharding: one REST budget per token', () => {
  let sandbox: Sandbox;
  let clients: ShardClient[] = [];

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.client.destroy()));
    await sandbox?.close();
  });

  it('GIVEN 10 requests/s for the token WHEN two shard clients send 8 messages each at once THEN the sandbox refuses some, never admits more than 10 in a second, and every message arrives once', async () => {
    sandbox = await startSandbox({ heartbeatIntervalMs: 250, maxConcurrency: 2, globalRequestsPerSecond: 10 });
    const guilds = [sandbox.createGuild({ name: 'zero', shard: [0, 2] }), sandbox.createGuild({ name: 'one', shard: [1, 2] })];
    // Eight channels per guild: @discordjs/rest queues per channel, so each client sends its 8 at once.
    const channels = guilds.map((g) => Array.from({ length: 8 }, (_, i) => sandbox.createChannel(g.id, { name: `c${i}` })));
    clients = await Promise.all([loginShards(sandbox, [0], 2), loginShards(sandbox, [1], 2)]);
    const before = sandbox.globalRateLimit();
    await Promise.all(
      clients.flatMap(({ client }, shard) =>
        channels[shard]!.map((c) => (client.channels.cache.get(c.id) as TextChannel).send({ content: `shard ${shard}`, allowedMentions: { parse: [] } })),
      ),
    );
    const after = sandbox.globalRateLimit();
    // Each client alone stays under 10, and under its own 50/s: only a budget shared by the token refuses.
    expect(after.refused - before.refused).toBeGreaterThan(0);
    expect(after.peak).toBeLessThanOrEqual(10);
    expect(after.limit).toBe(10);
    for (const [shard, list] of channels.entries()) {
      for (const c of list) expect(sandbox.messages(c.id).map((m) => m.content)).toEqual([`shard ${shard}`]);
    }
    const refused = sandbox.requests.filter((r) => r.fault === 'global-rate-limit');
    expect(refused.every((r) => r.status === 429 && r.authorized)).toBe(true);
  });

  it('GIVEN a limit for the bot token WHEN requests carry another token THEN they are counted apart and leave the bot budget untouched', async () => {
    const own = await startSandbox({ globalRequestsPerSecond: 10 });
    try {
      const other = await fetch(`${own.apiUrl}/v10/users/@me`, { headers: { Authorization: 'Bot someone-else' } });
      expect(other.status).toBe(401);
      expect(own.globalRateLimit('someone-else')).toMatchObject({ admitted: 1, refused: 0 });
      expect(own.globalRateLimit()).toMatchObject({ admitted: 0, refused: 0 });
    } finally {
      await own.close();
    }
  });
});
